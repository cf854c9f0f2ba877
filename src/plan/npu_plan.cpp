#include "plan/npu_plan.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "core/config_reader.h"
#include "npu/inputs.h"
#include "npu/metrics.h"
#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/simulator.h"
#include "npu/synthetic_workload.h"
#include "plan/sweep_file.h"
#include "plan/pareto.h"
#include "plan/report.h"

namespace bitgoeul::plan {
namespace {

// Nearest-rank percentile of sorted values, as npu/metrics.h defines them.
double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const auto index = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(index, 1, sorted.size()) - 1];
}

double mean(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double v : values) sum += v;
  return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

}  // namespace

Result<NpuSweep> read_npu_sweep(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(ConfigValue root, parse_toml_file(path));
  ConfigReader reader(root, path, "");
  NpuSweep sweep;
  sweep.path = path;
  BITGOEUL_ASSIGN_OR_RETURN(std::string cluster, reader.string("cluster"));
  sweep.cluster = resolve(path, cluster);
  BITGOEUL_ASSIGN_OR_RETURN(std::string tenants, reader.string_or("tenants", ""));
  sweep.tenants = resolve(path, tenants);
  BITGOEUL_ASSIGN_OR_RETURN(std::string cost_model, reader.string("cost_model"));
  sweep.cost_model = resolve(path, cost_model);
  BITGOEUL_ASSIGN_OR_RETURN(sweep.placement, reader.string_or("placement", sweep.placement));
  const std::vector<std::string> placements = npu::placement_names();
  if (std::find(placements.begin(), placements.end(), sweep.placement) == placements.end()) {
    return reader.error("placement", fmt::format("unknown placement '{}' (expected {})", sweep.placement,
                                                 fmt::join(placements, ", ")));
  }

  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> workload, reader.table_or_none("workload"));
  if (!workload) return reader.error({}, "missing [workload] (trace = \"jobs.csv\" or synthetic = N)");
  BITGOEUL_ASSIGN_OR_RETURN(std::string trace, workload->string_or("trace", ""));
  sweep.trace = resolve(path, trace);
  BITGOEUL_ASSIGN_OR_RETURN(int64_t synthetic, workload->integer_or("synthetic", 0));
  if (synthetic < 0 || synthetic > 10'000'000) return workload->error("synthetic", "must be between 1 and 10000000");
  sweep.synthetic_jobs = static_cast<size_t>(synthetic);
  if (sweep.trace.empty() == (sweep.synthetic_jobs == 0)) {
    return workload->error({}, "give either trace = \"FILE\" or synthetic = NUMBER_OF_JOBS");
  }
  BITGOEUL_ASSIGN_OR_RETURN(std::string runtimes, workload->string_or("runtimes", ""));
  sweep.runtimes = resolve(path, runtimes);
  if (sweep.synthetic_jobs > 0 && sweep.runtimes.empty()) {
    return workload->error("runtimes", "synthetic jobs need runtimes = \"philly_runtime.csv\"");
  }
  BITGOEUL_ASSIGN_OR_RETURN(int64_t seed, workload->integer_or("seed", 1));
  if (seed < 0) return workload->error("seed", "must not be negative");
  sweep.seed = static_cast<uint64_t>(seed);
  BITGOEUL_ASSIGN_OR_RETURN(sweep.growth, workload->numbers_or_empty("growth"));
  for (const double g : sweep.growth) {
    if (!std::isfinite(g) || g <= 0.0 || g > 100.0) {
      return workload->error("growth", fmt::format("multiplier {:g} must be above 0 and at most 100", g));
    }
  }
  std::sort(sweep.growth.begin(), sweep.growth.end());
  if (std::adjacent_find(sweep.growth.begin(), sweep.growth.end()) != sweep.growth.end()) {
    return workload->error("growth", "values must be distinct");
  }
  if (sweep.growth.empty()) sweep.growth = {1.0};
  BITGOEUL_RETURN_IF_ERROR(workload->finish());

  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> axes, reader.table_or_none("axes"));
  if (!axes) return reader.error({}, "missing [axes]");
  BITGOEUL_ASSIGN_OR_RETURN(sweep.policies, axes->strings_or_empty("policy"));
  const std::vector<std::string> known = npu::policy_names();
  for (const std::string& policy : sweep.policies) {
    if (std::find(known.begin(), known.end(), policy) == known.end()) {
      return axes->error("policy", fmt::format("unknown policy '{}' (expected {})", policy, fmt::join(known, ", ")));
    }
    if (std::count(sweep.policies.begin(), sweep.policies.end(), policy) > 1) {
      return axes->error("policy", fmt::format("policy '{}' listed twice", policy));
    }
  }
  if (sweep.policies.empty()) sweep.policies = {"easy"};
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> nodes, axes->table_or_none("nodes"));
  if (nodes) {
    for (const auto& [type, value] : nodes->entries()) {
      if (value->kind != ConfigValue::Kind::kArray || value->array.empty()) {
        return nodes->error_at(*value, type, "expected a non-empty array of node counts");
      }
      std::vector<uint32_t> counts;
      for (const ConfigValue& item : value->array) {
        if (item.kind != ConfigValue::Kind::kInteger || item.integer_value < 0 || item.integer_value > 100000) {
          return nodes->error_at(item, type, "node counts must be whole numbers between 0 and 100000");
        }
        counts.push_back(static_cast<uint32_t>(item.integer_value));
      }
      std::sort(counts.begin(), counts.end());
      if (std::adjacent_find(counts.begin(), counts.end()) != counts.end()) {
        return nodes->error_at(*value, type, "node counts must be distinct");
      }
      sweep.nodes[type] = std::move(counts);
    }
  }
  BITGOEUL_RETURN_IF_ERROR(axes->finish());

  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> target, reader.table_or_none("target"));
  if (!target) return reader.error({}, "missing [target] (e.g. max_wait_p95_s = 3600)");
  for (auto [key, value] : {std::pair{"max_wait_p95_s", &sweep.target.max_wait_p95_s},
                            std::pair{"max_jct_p95_s", &sweep.target.max_jct_p95_s}}) {
    if (!target->has(key)) continue;
    BITGOEUL_ASSIGN_OR_RETURN(*value, target->number(key));
    if (!(*value > 0.0) || !std::isfinite(*value)) return target->error(key, "must be a positive number of seconds");
  }
  BITGOEUL_ASSIGN_OR_RETURN(sweep.target.min_finished, target->number_or("min_finished", 1.0));
  if (!(sweep.target.min_finished >= 0.0 && sweep.target.min_finished <= 1.0)) {
    return target->error("min_finished", "must be a share between 0 and 1");
  }
  BITGOEUL_RETURN_IF_ERROR(target->finish());
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  return sweep;
}

Result<npu::Cluster> scale_cluster(const npu::Cluster& base, const std::map<std::string, uint32_t>& nodes) {
  for (const auto& [type, count] : nodes) {
    if (!base.find_type(type)) {
      return invalid_input("cluster '{}' has no device type '{}' to scale", base.name, type);
    }
  }
  npu::Cluster cluster;
  cluster.name = base.name;
  cluster.device_types = base.device_types;
  cluster.racks = base.racks;  // copies stay in their original's rack
  for (npu::DeviceTypeIndex t = 0; t < base.device_types.size(); ++t) {
    std::vector<const npu::Node*> templates;
    for (const npu::Node& node : base.nodes) {
      if (node.type == t) templates.push_back(&node);
    }
    const auto wanted = nodes.find(base.device_types[t].name);
    const size_t count = wanted == nodes.end() ? templates.size() : wanted->second;
    if (count > 0 && templates.empty()) {
      return invalid_input("cluster '{}' has no node of device type '{}' to copy", base.name,
                           base.device_types[t].name);
    }
    for (size_t k = 0; k < count; ++k) {
      // A copy of the whole node (whatever else it describes), renumbered.
      npu::Node node = *templates[k % templates.size()];
      if (k >= templates.size()) node.name = fmt::format("{}~{}", node.name, k / templates.size());
      node.first_device = cluster.device_count();
      const auto index = static_cast<npu::NodeIndex>(cluster.nodes.size());
      cluster.device_node.insert(cluster.device_node.end(), node.device_count, index);
      cluster.nodes.push_back(std::move(node));
    }
  }
  return cluster;
}

npu::Workload scale_workload(const npu::Workload& workload, double growth, uint64_t seed, int64_t jitter_s) {
  std::mt19937_64 random(seed);
  npu::Workload scaled;
  scaled.skipped_rows = workload.skipped_rows;
  const double whole = std::floor(growth);
  const double fraction = growth - whole;
  for (const npu::Job& job : workload.jobs) {
    const bool extra = uniform(random) < fraction;  // one draw per job whatever the outcome
    const int copies = static_cast<int>(whole) + (extra ? 1 : 0);
    for (int copy = 0; copy < copies; ++copy) {
      npu::Job scaled_job = job;
      if (copy > 0) {
        scaled_job.name = fmt::format("{}#{}", job.name, copy + 1);
        const auto offset = static_cast<int64_t>(std::llround((2.0 * uniform(random) - 1.0) * jitter_s));
        scaled_job.submit_s = std::clamp<int64_t>(job.submit_s + offset, 0, npu::kMaxTimeS);
      }
      scaled.jobs.push_back(std::move(scaled_job));
    }
  }
  npu::sort_by_submission(scaled);
  return scaled;
}

nlohmann::json npu_point_params(const NpuPoint& point) {
  return {{"growth", point.growth}, {"policy", point.policy}, {"nodes", point.nodes}};
}

nlohmann::json npu_metrics_json(const NpuPointMetrics& m) {
  return {{"feasible", m.feasible},       {"reason", m.reason},
          {"jobs", m.jobs},               {"finished", m.finished},
          {"never_started", m.never_started}, {"preemptions", m.preemptions},
          {"wait_mean_s", m.wait_mean_s}, {"wait_p50_s", m.wait_p50_s},
          {"wait_p95_s", m.wait_p95_s},   {"wait_max_s", m.wait_max_s},
          {"jct_mean_s", m.jct_mean_s},   {"jct_p50_s", m.jct_p50_s},
          {"jct_p95_s", m.jct_p95_s},     {"makespan_s", m.makespan_s},
          {"utilisation", m.utilisation}, {"utilisation_by_type", m.utilisation_by_type}};
}

Result<NpuPointMetrics> npu_metrics_from_json(const nlohmann::json& json) {
  NpuPointMetrics m;
  BITGOEUL_ASSIGN_OR_RETURN(m.feasible, field<bool>(json, "feasible"));
  BITGOEUL_ASSIGN_OR_RETURN(m.reason, field<std::string>(json, "reason"));
  BITGOEUL_ASSIGN_OR_RETURN(m.jobs, field<uint64_t>(json, "jobs"));
  BITGOEUL_ASSIGN_OR_RETURN(m.finished, field<uint64_t>(json, "finished"));
  BITGOEUL_ASSIGN_OR_RETURN(m.never_started, field<uint64_t>(json, "never_started"));
  BITGOEUL_ASSIGN_OR_RETURN(m.preemptions, field<uint64_t>(json, "preemptions"));
  for (auto [key, value] : {std::pair{"wait_mean_s", &m.wait_mean_s}, std::pair{"wait_p50_s", &m.wait_p50_s},
                            std::pair{"wait_p95_s", &m.wait_p95_s}, std::pair{"wait_max_s", &m.wait_max_s},
                            std::pair{"jct_mean_s", &m.jct_mean_s}, std::pair{"jct_p50_s", &m.jct_p50_s},
                            std::pair{"jct_p95_s", &m.jct_p95_s}, std::pair{"makespan_s", &m.makespan_s},
                            std::pair{"utilisation", &m.utilisation}}) {
    BITGOEUL_ASSIGN_OR_RETURN(*value, field<double>(json, key));
  }
  const auto by_type = json.find("utilisation_by_type");
  if (by_type == json.end() || !by_type->is_object()) return invalid_input("metrics: 'utilisation_by_type' is not an object");
  for (const auto& [type, value] : by_type->items()) {
    if (!value.is_number()) return invalid_input("metrics: utilisation of '{}' is not a number", type);
    m.utilisation_by_type[type] = value.get<double>();
  }
  if (m.finished + m.never_started > m.jobs) return invalid_input("metrics: more jobs finished than there are");
  return m;
}

Result<std::unique_ptr<NpuPlanner>> NpuPlanner::create(const NpuSweep& sweep) {
  std::unique_ptr<NpuPlanner> planner(new NpuPlanner());
  planner->sweep_ = sweep;
  npu::InputPaths paths;
  paths.cluster = sweep.cluster;
  paths.tenants = sweep.tenants;
  paths.seed = sweep.seed;
  paths.trace = sweep.synthetic_jobs > 0 ? fmt::format("synthetic:{}", sweep.synthetic_jobs) : sweep.trace;
  paths.philly_runtimes = sweep.runtimes;
  BITGOEUL_ASSIGN_OR_RETURN(npu::Inputs inputs, npu::load_inputs(paths));
  planner->base_ = std::move(inputs.cluster);
  planner->tenants_ = std::move(inputs.tenants);
  const npu::Cluster& base = planner->base_;
  for (const auto& [type, counts] : sweep.nodes) {
    if (!base.find_type(type)) {
      return invalid_input("{}: axes.nodes.{}: cluster {} has no device type '{}'", sweep.path, type, sweep.cluster, type);
    }
  }
  std::vector<int64_t> runtimes;
  if (sweep.synthetic_jobs > 0) {
    BITGOEUL_ASSIGN_OR_RETURN(runtimes, npu::read_philly_runtimes(sweep.runtimes));
  }
  for (const double growth : sweep.growth) {
    if (sweep.synthetic_jobs > 0) {
      npu::SyntheticOptions options;
      options.seed = sweep.seed;
      options.job_count = static_cast<size_t>(std::max(1.0, std::round(sweep.synthetic_jobs * growth)));
      options.mean_interarrival_s /= growth;
      options.runtimes_s = runtimes;
      BITGOEUL_ASSIGN_OR_RETURN(npu::Workload workload, npu::generate_synthetic(options, base, planner->tenants_));
      planner->workloads_.push_back(std::move(workload));
    } else {
      // Copies land within an hour of their original: the same day's load, not a shifted one.
      planner->workloads_.push_back(scale_workload(inputs.workload, growth, sweep.seed, 3600));
    }
  }

  // The mixes: every combination of the swept counts, types in the cluster's order, the last type varying fastest.
  std::vector<std::map<std::string, uint32_t>> mixes(1);
  for (const npu::DeviceType& type : base.device_types) {
    const auto swept = sweep.nodes.find(type.name);
    std::vector<uint32_t> counts;
    if (swept != sweep.nodes.end()) {
      counts = swept->second;
    } else {
      counts.push_back(static_cast<uint32_t>(std::count_if(base.nodes.begin(), base.nodes.end(), [&](const npu::Node& n) {
        return base.device_types[n.type].name == type.name;
      })));
    }
    std::vector<std::map<std::string, uint32_t>> next;
    for (const auto& mix : mixes) {
      for (const uint32_t count : counts) {
        auto extended = mix;
        extended[type.name] = count;
        next.push_back(std::move(extended));
      }
      if (next.size() > kMaxSweepPoints) return invalid_input("{}: the node axes make more than {} mixes", sweep.path, kMaxSweepPoints);
    }
    mixes = std::move(next);
  }
  const size_t total = sweep.growth.size() * sweep.policies.size() * mixes.size();
  if (total > kMaxSweepPoints) {
    return invalid_input("{}: the axes make {} points; at most {} are allowed", sweep.path, total, kMaxSweepPoints);
  }

  std::string inputs_text;
  for (const std::string& file : {sweep.path, sweep.cluster, sweep.tenants, sweep.trace, sweep.runtimes}) {
    if (file.empty()) continue;
    BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(file));
    inputs_text += fingerprint(text);
  }
  for (size_t level = 0; level < sweep.growth.size(); ++level) {
    for (const std::string& policy : sweep.policies) {
      for (const auto& mix : mixes) {
        NpuPoint point{sweep.growth[level], policy, mix};
        nlohmann::json params = npu_point_params(point);
        planner->sweep_points_.push_back({point_key(inputs_text, params), std::move(params)});
        planner->points_.push_back(std::move(point));
        planner->point_level_.push_back(level);
      }
    }
  }
  return planner;
}

Result<npu::Cluster> NpuPlanner::cluster_of(size_t index) const { return scale_cluster(base_, points_.at(index).nodes); }

Result<nlohmann::json> NpuPlanner::run_point(size_t index) const {
  const NpuPoint& point = points_.at(index);
  const npu::Workload& workload = workloads_[point_level_[index]];
  NpuPointMetrics m;
  m.jobs = workload.jobs.size();
  BITGOEUL_ASSIGN_OR_RETURN(const npu::Cluster cluster, cluster_of(index));
  // Mixes that cannot take the workload at all are points too (infeasible, with the reason), not errors.
  Status fits = cluster.device_count() == 0 ? invalid_input("no devices") : npu::validate(cluster);
  if (fits.is_ok()) fits = npu::validate(tenants_, cluster);
  size_t unrunnable = 0;
  if (fits.is_ok()) {
    for (const npu::Job& job : workload.jobs) {
      const Status job_fits = npu::validate_job(job, cluster, tenants_);
      if (!job_fits.is_ok() && unrunnable++ == 0) fits = job_fits;
    }
  }
  if (!fits.is_ok()) {
    m.feasible = false;
    m.reason = unrunnable > 0 ? fmt::format("{} of {} jobs cannot run on this mix, e.g. {}", unrunnable, m.jobs,
                                            fits.message())
                              : fits.message();
    m.never_started = m.jobs;
    return npu_metrics_json(m);
  }
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Policy> policy, npu::make_policy(point.policy, {}));
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Placement> placement, npu::make_placement(sweep_.placement));
  placement->set_demand(npu::demand_of(workload));
  npu::SimulationOptions options;
  BITGOEUL_ASSIGN_OR_RETURN(const npu::SimulationResult result,
                            npu::simulate(cluster, tenants_, workload, *policy, *placement, options));
  const npu::Metrics metrics = npu::compute_metrics(cluster, tenants_, workload, result, point.policy, sweep_.placement);
  std::vector<double> waits;
  for (size_t j = 0; j < workload.jobs.size(); ++j) {
    const npu::JobProgress& progress = result.jobs[j];
    if (progress.outcome == npu::JobOutcome::kCompleted || progress.outcome == npu::JobOutcome::kTimedOut) {
      waits.push_back(static_cast<double>(progress.waited_s));
    }
  }
  std::vector<double> jct = npu::completion_times_s(workload, result);
  std::sort(waits.begin(), waits.end());
  std::sort(jct.begin(), jct.end());
  m.finished = metrics.completed + metrics.timed_out;
  m.never_started = metrics.never_started;
  m.preemptions = metrics.preemptions;
  m.wait_mean_s = mean(waits);
  m.wait_p50_s = nearest_rank(waits, 0.50);
  m.wait_p95_s = nearest_rank(waits, 0.95);
  m.wait_max_s = waits.empty() ? 0.0 : waits.back();
  m.jct_mean_s = mean(jct);
  m.jct_p50_s = nearest_rank(jct, 0.50);
  m.jct_p95_s = nearest_rank(jct, 0.95);
  m.makespan_s = static_cast<double>(metrics.makespan_s);
  m.utilisation = metrics.utilisation_overall;
  for (const auto& [type, value] : metrics.utilisation) m.utilisation_by_type[type] = value;
  return npu_metrics_json(m);
}

Result<NpuPlan> make_npu_plan(const NpuPlanner& planner, const NpuCostModel& model,
                              const std::vector<nlohmann::json>& metrics) {
  const NpuSweep& sweep = planner.sweep();
  if (metrics.size() != planner.points().size()) {
    return internal_error("{} metrics for {} points", metrics.size(), planner.points().size());
  }
  NpuPlan plan;
  plan.growth_levels = sweep.growth;
  for (size_t i = 0; i < metrics.size(); ++i) {
    NpuOption option;
    option.point = planner.points()[i];
    auto parsed = npu_metrics_from_json(metrics[i]);
    if (!parsed.is_ok()) {
      return invalid_input("point {} ({}): {}", i, planner.sweep_points()[i].params.dump(), parsed.status().message());
    }
    option.metrics = *parsed;
    BITGOEUL_ASSIGN_OR_RETURN(const npu::Cluster cluster, planner.cluster_of(i));
    std::vector<NpuTypeLoad> load;
    const std::vector<uint32_t> cards = cluster.devices_per_type();
    for (npu::DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) {
      const std::string& name = cluster.device_types[t].name;
      const auto utilisation = option.metrics.utilisation_by_type.find(name);
      load.push_back({name, option.point.nodes.at(name), cards[t],
                      utilisation == option.metrics.utilisation_by_type.end() ? 0.0 : utilisation->second});
      option.cards += cards[t];
    }
    BITGOEUL_ASSIGN_OR_RETURN(option.cost, npu_year_cost(model, load));
    const NpuPointMetrics& m = option.metrics;
    const double finished_share = m.jobs > 0 ? static_cast<double>(m.finished) / static_cast<double>(m.jobs) : 0.0;
    option.meets_target = m.feasible && finished_share >= sweep.target.min_finished &&
                          m.wait_p95_s <= sweep.target.max_wait_p95_s && m.jct_p95_s <= sweep.target.max_jct_p95_s;
    plan.options.push_back(std::move(option));
  }
  for (const double level : plan.growth_levels) {
    std::optional<size_t> chosen;
    std::vector<size_t> members;
    std::vector<TradeOff> trade_offs;
    for (size_t i = 0; i < plan.options.size(); ++i) {
      const NpuOption& o = plan.options[i];
      if (o.point.growth != level) continue;
      if (o.meets_target && (!chosen || o.cost.total_krw() < plan.options[*chosen].cost.total_krw())) chosen = i;
      if (!o.metrics.feasible) continue;
      members.push_back(i);
      trade_offs.push_back({o.cost.total_krw(), -o.metrics.wait_p95_s});
    }
    for (const size_t f : pareto_front(trade_offs)) plan.options[members[f]].on_front = true;
    plan.chosen.push_back(chosen);
  }
  return plan;
}

}  // namespace bitgoeul::plan

namespace bitgoeul::plan {
namespace {

std::string mix_text(const std::map<std::string, uint32_t>& nodes) {
  std::string text;
  for (const auto& [type, count] : nodes) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count, type);
  return text + " nodes";
}

nlohmann::json npu_cost_json(const NpuCost& cost) {
  return {{"capital_krw_per_year", cost.capital_krw},
          {"power_krw_per_year", cost.power_krw},
          {"operation_krw_per_year", cost.operation_krw},
          {"power_kw", cost.power_kw},
          {"total_krw_per_year", cost.total_krw()}};
}

std::string npu_target_text(const NpuTarget& target) {
  std::string text = fmt::format("finished ≥ {:g}%", target.min_finished * 100);
  if (std::isfinite(target.max_wait_p95_s)) text += fmt::format(", queueing p95 ≤ {:g} s", target.max_wait_p95_s);
  if (std::isfinite(target.max_jct_p95_s)) text += fmt::format(", JCT p95 ≤ {:g} s", target.max_jct_p95_s);
  return text;
}

}  // namespace

Status write_npu_plan(const NpuPlanner& planner, const NpuPlan& plan, const std::string& directory) {
  BITGOEUL_RETURN_IF_ERROR(ensure_directory(directory));
  const NpuSweep& sweep = planner.sweep();
  const npu::Cluster& base = planner.base_cluster();
  std::string csv = "point,key,growth,policy";
  for (const npu::DeviceType& type : base.device_types) csv += fmt::format(",nodes_{}", type.name);
  csv += ",cards,feasible,jobs,finished,never_started,wait_mean_s,wait_p50_s,wait_p95_s,wait_max_s,jct_mean_s,"
         "jct_p50_s,jct_p95_s,makespan_s,utilisation,preemptions,power_kw,capital_krw_per_year,power_krw_per_year,"
         "operation_krw_per_year,total_krw_per_year,meets_target,pareto,reason\n";
  nlohmann::json points = nlohmann::json::array();
  ReportTable table{"Every option", {"growth", "policy", "mix", "cards", "queueing p95", "JCT p95", "utilisation",
                                     "kW", "KRW per year", "target"}, {}, {}};
  for (size_t i = 0; i < plan.options.size(); ++i) {
    const NpuOption& o = plan.options[i];
    const NpuPointMetrics& m = o.metrics;
    csv += fmt::format("{},{},{},{}", i, planner.sweep_points()[i].key, o.point.growth, o.point.policy);
    for (const npu::DeviceType& type : base.device_types) csv += fmt::format(",{}", o.point.nodes.at(type.name));
    std::string reason = m.reason;
    std::replace(reason.begin(), reason.end(), '"', '\'');
    csv += fmt::format(",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n", o.cards,
                       m.feasible ? 1 : 0, m.jobs, m.finished, m.never_started, m.wait_mean_s, m.wait_p50_s,
                       m.wait_p95_s, m.wait_max_s, m.jct_mean_s, m.jct_p50_s, m.jct_p95_s, m.makespan_s, m.utilisation,
                       m.preemptions, o.cost.power_kw, o.cost.capital_krw, o.cost.power_krw, o.cost.operation_krw,
                       o.cost.total_krw(), o.meets_target ? 1 : 0, o.on_front ? 1 : 0, reason);
    points.push_back({{"point", i},
                      {"key", planner.sweep_points()[i].key},
                      {"params", planner.sweep_points()[i].params},
                      {"metrics", npu_metrics_json(m)},
                      {"cards", o.cards},
                      {"cost", npu_cost_json(o.cost)},
                      {"meets_target", o.meets_target},
                      {"pareto", o.on_front}});
    for (const auto& chosen : plan.chosen) {
      if (chosen == i) table.highlighted_rows.push_back(table.rows.size());
    }
    table.rows.push_back({fmt::format("×{:g}", o.point.growth), o.point.policy, mix_text(o.point.nodes),
                          fmt::format("{}", o.cards),
                          m.feasible ? fmt::format("{:.2f} h", m.wait_p95_s / 3600) : "infeasible",
                          m.feasible ? fmt::format("{:.2f} h", m.jct_p95_s / 3600) : "-",
                          m.feasible ? fmt::format("{:.1f}%", m.utilisation * 100) : "-",
                          fmt::format("{:.1f}", o.cost.power_kw), format_krw(o.cost.total_krw()),
                          o.meets_target ? "meets" : "misses"});
  }
  BITGOEUL_RETURN_IF_ERROR(write_text(directory + "/points.csv", csv));

  PlanReport report;
  report.title = fmt::format("NPU center capacity plan: {}", base.name);
  report.notes.push_back(fmt::format(
      "Sweep {} over cluster {} ({} points, placement {}). Target: {}. Costs per year: capital as an annuity, power "
      "at the simulated utilisation × PUE, operation per node (cost model {}).",
      sweep.path, sweep.cluster, plan.options.size(), sweep.placement, npu_target_text(sweep.target),
      sweep.cost_model));
  nlohmann::json chosen = nlohmann::json::array();
  for (size_t level = 0; level < plan.growth_levels.size(); ++level) {
    const double growth = plan.growth_levels[level];
    nlohmann::json entry = {{"growth", growth}, {"jobs", planner.jobs_at(level)}, {"point", nullptr}};
    if (plan.chosen[level]) {
      const NpuOption& o = plan.options[*plan.chosen[level]];
      entry["point"] = *plan.chosen[level];
      entry["params"] = npu_point_params(o.point);
      entry["metrics"] = npu_metrics_json(o.metrics);
      entry["cost"] = npu_cost_json(o.cost);
      report.notes.push_back(fmt::format(
          "Growth ×{:g} ({} jobs): chosen {} ({} cards) under {} — queueing p95 {:.2f} h, JCT p95 {:.2f} h, "
          "utilisation {:.1f}%, {} per year ({:.1f} kW).",
          growth, planner.jobs_at(level), mix_text(o.point.nodes), o.cards, o.point.policy, o.metrics.wait_p95_s / 3600,
          o.metrics.jct_p95_s / 3600, o.metrics.utilisation * 100, format_krw(o.cost.total_krw()), o.cost.power_kw));
    } else {
      report.notes.push_back(fmt::format("Growth ×{:g} ({} jobs): no swept mix meets the target; sweep more nodes.",
                                         growth, planner.jobs_at(level)));
    }
    chosen.push_back(std::move(entry));
    TradeOffChart chart;
    chart.title = fmt::format("Growth ×{:g}: cost per year vs 95th-percentile queueing delay", growth);
    chart.cost_label = "KRW per year";
    chart.service_label = "queueing p95 (hours; lower is better)";
    chart.higher_is_better = false;
    if (std::isfinite(sweep.target.max_wait_p95_s)) chart.target = sweep.target.max_wait_p95_s / 3600;
    for (size_t i = 0; i < plan.options.size(); ++i) {
      const NpuOption& o = plan.options[i];
      if (o.point.growth != growth || !o.metrics.feasible) continue;
      chart.points.push_back({o.cost.total_krw(), o.metrics.wait_p95_s / 3600, o.point.policy,
                              fmt::format("{} ({} cards), {}: queueing p95 {:.2f} h, {}", mix_text(o.point.nodes),
                                          o.cards, o.point.policy, o.metrics.wait_p95_s / 3600,
                                          format_krw(o.cost.total_krw())),
                              o.meets_target, o.on_front, plan.chosen[level] == i});
    }
    report.charts.push_back(std::move(chart));
  }
  // The summary: per growth level and policy, the cheapest mix meeting the target.
  ReportTable summary{"Cheapest mix meeting the target, per growth level and policy",
                      {"growth", "policy", "mix", "cards", "queueing p95", "JCT p95", "utilisation", "KRW per year"},
                      {},
                      {}};
  for (size_t level = 0; level < plan.growth_levels.size(); ++level) {
    for (const std::string& policy : sweep.policies) {
      std::optional<size_t> best;
      for (size_t i = 0; i < plan.options.size(); ++i) {
        const NpuOption& o = plan.options[i];
        if (o.point.growth != plan.growth_levels[level] || o.point.policy != policy || !o.meets_target) continue;
        if (!best || o.cost.total_krw() < plan.options[*best].cost.total_krw()) best = i;
      }
      std::vector<std::string> row = {fmt::format("×{:g}", plan.growth_levels[level]), policy};
      if (best) {
        const NpuOption& o = plan.options[*best];
        if (plan.chosen[level] == best) summary.highlighted_rows.push_back(summary.rows.size());
        row.insert(row.end(), {mix_text(o.point.nodes), fmt::format("{}", o.cards),
                               fmt::format("{:.2f} h", o.metrics.wait_p95_s / 3600),
                               fmt::format("{:.2f} h", o.metrics.jct_p95_s / 3600),
                               fmt::format("{:.1f}%", o.metrics.utilisation * 100), format_krw(o.cost.total_krw())});
      } else {
        row.insert(row.end(), {"none swept meets the target", "-", "-", "-", "-", "-"});
      }
      summary.rows.push_back(std::move(row));
    }
  }
  report.tables.push_back(std::move(summary));
  report.appendix_tables.push_back(std::move(table));
  nlohmann::json target = {{"min_finished", sweep.target.min_finished}};
  if (std::isfinite(sweep.target.max_wait_p95_s)) target["max_wait_p95_s"] = sweep.target.max_wait_p95_s;
  if (std::isfinite(sweep.target.max_jct_p95_s)) target["max_jct_p95_s"] = sweep.target.max_jct_p95_s;
  const nlohmann::json plan_json = {{"kind", "npu"},
                                    {"sweep", sweep.path},
                                    {"cluster", sweep.cluster},
                                    {"cost_model", sweep.cost_model},
                                    {"placement", sweep.placement},
                                    {"target", std::move(target)},
                                    {"points", std::move(points)},
                                    {"chosen", std::move(chosen)}};
  BITGOEUL_RETURN_IF_ERROR(write_text(directory + "/plan.json", plan_json.dump(2) + "\n"));
  return write_plan_report(report, directory + "/report.html");
}

}  // namespace bitgoeul::plan
