// The center's policy pass: the simulator's own policy, run forward from the live state of the cluster, decides
// which held jobs Slurm may start now (released, with the node the policy's placement chose) and predicts when
// every other waiting job will start.
//
// Live state → simulator input:
//   nodes      from the backend (sinfo), usable ones only; devices held by jobs the center does not know are
//              taken off their node (assumed to stay)
//   running    the center's running, completing and released-but-not-yet-started jobs, on their nodes, with an
//              expected total run time (see estimate_run_s)
//   waiting    the center's held jobs, in submission order
//   fair share charged usage from the store (billed device-seconds), decayed with the configured half-life to now,
//              plus what running jobs used so far
// Quotas and vouchers are not replayed here: admission enforced them when the job was accepted.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/simulator.h"
#include "npu_slurm/center.h"

namespace bitgoeul::npu_slurm {
namespace {

constexpr const char* kPolicyKey = "policy";
constexpr const char* kHalfLifeKey = "usage_half_life_s";
constexpr const char* kDefaultPolicy = "multifactor";
constexpr double kDefaultHalfLifeS = 7 * 86400.0;

std::string center_job_name(CenterJobId id) { return fmt::format("bg-{}", raw(id)); }

bool holds_devices(const JobRow& job) {
  return job.state == "RUNNING" || job.state == "COMPLETING" || job.state == "SUSPENDED";
}

// Billed device-seconds of a run over [start, end], decayed to `now` (each second by its own age, exactly).
double decayed_device_s(double rate, int64_t start_s, int64_t end_s, int64_t now_s, double half_life_s) {
  if (end_s <= start_s) return 0.0;
  const double length = static_cast<double>(end_s - start_s);
  if (half_life_s <= 0.0) return rate * length;
  const double k = std::log(2.0) / half_life_s;
  // ∫_start^end rate · 2^(−(now − t)/h) dt
  return rate * (std::exp(-k * static_cast<double>(now_s - end_s)) - std::exp(-k * static_cast<double>(now_s - start_s))) /
         k;
}

}  // namespace

Status set_scheduling(CenterStore& store, const std::string& policy, double usage_half_life_s) {
  Result<std::unique_ptr<npu::Policy>> made = npu::make_policy(policy, npu::PolicyOptions{});
  if (!made.is_ok()) return invalid_input("--policy: {}", made.status().message());
  if (!(usage_half_life_s > 0.0) || usage_half_life_s > 1e10) {
    return invalid_input("--half-life: {} s; must be positive (seconds, at most 1e10)", usage_half_life_s);
  }
  BITGOEUL_RETURN_IF_ERROR(store.set_setting(kPolicyKey, policy));
  return store.set_setting(kHalfLifeKey, fmt::format("{}", usage_half_life_s));
}

Result<SchedulingSettings> scheduling_settings(CenterStore& store) {
  SchedulingSettings settings;
  settings.policy = kDefaultPolicy;
  settings.usage_half_life_s = kDefaultHalfLifeS;
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<std::string> policy, store.setting(kPolicyKey));
  if (policy) settings.policy = *policy;
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<std::string> half_life, store.setting(kHalfLifeKey));
  if (half_life) {
    char* end = nullptr;
    settings.usage_half_life_s = std::strtod(half_life->c_str(), &end);
    if (end == half_life->c_str() || *end != '\0' || !(settings.usage_half_life_s > 0.0)) {
      return corrupt("{}: setting {} = '{}' is not a positive number", store.path(), kHalfLifeKey, *half_life);
    }
  }
  return settings;
}

int64_t estimate_run_s(const JobRow& job, const std::vector<JobRow>& history) {
  // First, the mean run time of the tenant's last two completed jobs with the same limit (Tsafrir, Etsion and
  // Feitelson, "Backfilling using system-generated predictions rather than user runtime estimates", TPDS 2007:
  // users resubmit similar jobs with the same request).
  std::vector<int64_t> same;
  for (auto it = history.rbegin(); it != history.rend() && same.size() < 2; ++it) {
    if (it->state != "COMPLETED" || !it->start_s || !it->end_s || it->tenant != job.tenant ||
        it->time_limit_s != job.time_limit_s || it->id == job.id) {
      continue;
    }
    same.push_back(*it->end_s - *it->start_s);
  }
  if (!same.empty()) {
    int64_t total = 0;
    for (int64_t run : same) total += run;
    return std::clamp<int64_t>((total + static_cast<int64_t>(same.size()) - 1) / static_cast<int64_t>(same.size()),
                               1, job.time_limit_s);
  }
  // Otherwise the median share of its time limit that the tenant's last 20 completed jobs used (the center's as a
  // fall-back; the whole limit without any history), times this job's limit.
  const auto ratios_of = [&](std::optional<TenantId> tenant) {
    std::vector<double> ratios;
    for (auto it = history.rbegin(); it != history.rend() && ratios.size() < 20; ++it) {
      if (it->state != "COMPLETED" || !it->start_s || !it->end_s || it->time_limit_s <= 0) continue;
      if (tenant && it->tenant != *tenant) continue;
      ratios.push_back(std::clamp(static_cast<double>(*it->end_s - *it->start_s) / static_cast<double>(it->time_limit_s),
                                  0.0, 1.0));
    }
    return ratios;
  };
  std::vector<double> ratios = ratios_of(job.tenant);
  if (ratios.empty()) ratios = ratios_of(std::nullopt);
  if (ratios.empty()) return job.time_limit_s;
  std::sort(ratios.begin(), ratios.end());
  const double median = ratios.size() % 2 == 1 ? ratios[ratios.size() / 2]
                                               : (ratios[ratios.size() / 2 - 1] + ratios[ratios.size() / 2]) / 2.0;
  return std::clamp<int64_t>(static_cast<int64_t>(std::ceil(median * static_cast<double>(job.time_limit_s))), 1,
                             job.time_limit_s);
}

Result<size_t> Center::policy_pass(const SlurmTurn& turn) {
  // The store is read under its lock, the cluster asked and the policy run without it; each decision is committed
  // with a re-check of its job (still waiting on the center), so a job cancelled, charged or released meanwhile by
  // another writer keeps that state.
  std::vector<JobRow> open;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(open, store_->open_jobs());
  }
  std::vector<JobRow> active;
  bool any_held = false;
  for (JobRow& job : open) {
    if (!job.slurm_id || !job.active() || job.state == kStateSubmitting) continue;
    if (job.state == "PENDING" && !job.released_s) any_held = true;
    active.push_back(std::move(job));
  }
  const int64_t now = clock_->now_s();
  // Restart safety: a job the store says was released but Slurm still holds (the center stopped between the two
  // steps) is released again. An administrator's hold (JobHeldAdmin) is left alone.
  for (const JobRow& job : active) {
    if (job.state == "PENDING" && job.released_s && job.reason == "JobHeldUser") {
      if (!job.planned_nodes.empty()) (void)backend_->set_node_list(*job.slurm_id, job.planned_nodes);
      BITGOEUL_RETURN_IF_ERROR(backend_->release(*job.slurm_id));
    }
  }
  if (!any_held) return size_t{0};

  SchedulingSettings settings;
  std::vector<DeviceTypeRow> types;
  std::vector<TenantRow> tenant_rows;
  std::vector<JobRow> history;
  std::vector<UsageRow> usage;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(settings, scheduling_settings(*store_));
    BITGOEUL_ASSIGN_OR_RETURN(types, store_->device_types());
    BITGOEUL_ASSIGN_OR_RETURN(tenant_rows, store_->tenants());
    BITGOEUL_ASSIGN_OR_RETURN(history, store_->jobs(false));
    BITGOEUL_ASSIGN_OR_RETURN(usage, store_->usage());
  }
  // The pass's own sinfo, kept for admission's shape check until it is older than a tick.
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<BackendNode> live_nodes, take_inventory(turn));

  // The cluster: one simulator node per (usable node, device type it carries).
  npu::Cluster cluster;
  cluster.name = "live";
  for (const DeviceTypeRow& type : types) {
    npu::DeviceType device_type;
    device_type.name = type.name;
    device_type.billing_weight = type.billing_weight;
    cluster.device_types.push_back(device_type);
  }
  const auto type_of = [&](const std::string& gres_name, const std::string& gres_type) -> std::optional<size_t> {
    for (size_t k = 0; k < types.size(); ++k) {
      if (types[k].gres_name == gres_name && types[k].gres_type == gres_type) return k;
    }
    return std::nullopt;
  };
  std::map<std::pair<std::string, size_t>, uint32_t> ours;  // devices our holding jobs use, by (node, type)
  std::map<CenterJobId, std::vector<std::string>> job_nodes;
  for (const JobRow& job : active) {
    if (job.state == "PENDING" && !job.released_s) continue;
    const std::string& list = !job.node_list.empty() ? job.node_list : job.planned_nodes;
    if (list.empty()) continue;
    Result<std::vector<std::string>> names = expand_node_list(list);
    if (!names.is_ok()) continue;  // an unreadable list: the job is placed anywhere below
    const std::optional<size_t> k = type_of(job.gres.name, job.gres.type);
    if (!k) continue;
    for (const std::string& name : *names) ours[{name, *k}] += job.gres.count;
    job_nodes[job.id] = std::move(*names);
  }
  std::map<std::pair<std::string, size_t>, npu::NodeIndex> node_index;
  for (const BackendNode& node : live_nodes) {
    if (!node.usable) continue;
    for (const NodeGres& gres : node.gres) {
      const std::optional<size_t> k = type_of(gres.name, gres.type);
      if (!k || gres.count == 0) continue;
      const uint32_t mine = ours.count({node.name, *k}) ? ours[{node.name, *k}] : 0;
      const uint32_t foreign = gres.used > mine ? gres.used - mine : 0;
      const uint32_t devices = gres.count > foreign ? gres.count - foreign : 0;
      if (devices == 0) continue;
      node_index[{node.name, *k}] = static_cast<npu::NodeIndex>(cluster.nodes.size());
      cluster.add_node(node.name, static_cast<npu::DeviceTypeIndex>(*k), "center", devices);
    }
  }

  // Tenants: hierarchy, shares and priority; no quota or voucher limits (admission applied them).
  npu::Tenants tenants;
  std::map<TenantId, npu::TenantIndex> tenant_index;
  for (const TenantRow& row : tenant_rows) {
    npu::Tenant tenant;
    tenant.name = row.name;
    tenant.kind = row.kind;
    tenant.parent = row.parent && tenant_index.count(*row.parent) ? tenant_index[*row.parent] : npu::kNoTenant;
    tenant.priority = row.priority;
    tenant.shares = row.shares;
    tenant.guaranteed_milli.assign(types.size(), 0);
    tenant.maximum_milli.assign(types.size(), npu::kUnlimitedMilli);
    tenant_index[row.id] = static_cast<npu::TenantIndex>(tenants.tenants.size());
    tenants.tenants.push_back(std::move(tenant));
  }

  // The workload: the center's active jobs, in submission order.
  std::sort(active.begin(), active.end(), [](const JobRow& a, const JobRow& b) {
    return std::tie(a.submitted_s, a.id) < std::tie(b.submitted_s, b.id);
  });
  npu::Workload workload;
  std::vector<const JobRow*> rows;  // parallel to workload.jobs
  npu::SimulationOptions options;
  options.start_s = now;
  options.usage_half_life_s = settings.usage_half_life_s;
  options.reclaim_quota = false;
  options.initial_usage_device_s.assign(tenants.size(), 0.0);
  npu::ClusterState taken(cluster);  // devices given to running jobs so far
  for (const JobRow& job : active) {
    const std::optional<size_t> k = type_of(job.gres.name, job.gres.type);
    const auto tenant = tenant_index.find(job.tenant);
    if (!k || tenant == tenant_index.end()) continue;
    npu::Job sim;
    sim.name = center_job_name(job.id);
    sim.tenant = tenant->second;
    sim.submit_s = std::min(job.submitted_s, now);
    sim.time_limit_s = job.time_limit_s;
    sim.device_count = job.devices();
    sim.options = {npu::JobOption{static_cast<npu::DeviceTypeIndex>(*k), 1.0}};
    sim.locality = job.nodes == 1 ? npu::Locality::kNode : npu::Locality::kAny;
    if (sim.device_count == 0) continue;
    const bool holding = holds_devices(job) || job.state == "PENDING";  // pending here: released or Slurm's own
    const bool center_held = job.state == "PENDING" && !job.released_s;
    const int64_t estimate = estimate_run_s(job, history);
    if (holding && !center_held) {
      const int64_t started = job.start_s.value_or(job.released_s.value_or(now));
      const int64_t elapsed = std::max<int64_t>(0, now - started);
      // Expected total run: the estimate, but at least a second beyond what it has run, within its limit.
      int64_t total = std::max(estimate, elapsed + 1);
      if (job.time_limit_s > elapsed) total = std::min(total, job.time_limit_s);
      if (job.state == "COMPLETING") total = elapsed;
      sim.duration_s = std::max<int64_t>(1, total);
      if (sim.time_limit_s < sim.duration_s) sim.time_limit_s = sim.duration_s;
      sim.locality = npu::Locality::kAny;  // its devices are given below
      sim.submit_s = std::min(sim.submit_s, started);
      // Devices: on the nodes Slurm (or the pass that released it) named.
      npu::Allocation allocation;
      allocation.type = static_cast<npu::DeviceTypeIndex>(*k);
      const auto named = job_nodes.find(job.id);
      if (named != job_nodes.end()) {
        for (const std::string& name : named->second) {
          const auto node = node_index.find({name, *k});
          if (node == node_index.end()) continue;
          const npu::Node& n = cluster.nodes[node->second];
          uint32_t wanted = job.gres.count;
          for (npu::DeviceIndex d = n.first_device; d < n.first_device + n.device_count && wanted > 0; ++d) {
            if (taken.used_milli(d) == 0) {
              allocation.devices.push_back(d);
              --wanted;
            }
          }
        }
      }
      if (allocation.devices.size() != sim.device_count) {
        // Nodes unknown (not started yet, or Slurm's own choice): take free devices of the type, first fit.
        allocation.devices.clear();
        for (npu::DeviceIndex d = 0; d < cluster.device_count() && allocation.devices.size() < sim.device_count; ++d) {
          if (cluster.nodes[cluster.device_node[d]].type == allocation.type && taken.used_milli(d) == 0) {
            allocation.devices.push_back(d);
          }
        }
      }
      if (allocation.devices.size() != sim.device_count) continue;  // the cluster shrank under it: not modelled
      taken.allocate(allocation);
      options.running.push_back({static_cast<npu::JobIndex>(workload.jobs.size()), allocation, started});
      const double rate = types[*k].billing_weight * job.devices();
      options.initial_usage_device_s[tenant->second] +=
          decayed_device_s(rate, started, now, now, settings.usage_half_life_s);
    } else {
      sim.duration_s = std::max<int64_t>(1, estimate);
      if (!npu::validate_job(sim, cluster, tenants).is_ok()) continue;  // cannot run on the usable nodes now
    }
    workload.jobs.push_back(std::move(sim));
    rows.push_back(&job);
  }
  for (const UsageRow& row : usage) {
    const auto tenant = tenant_index.find(row.tenant);
    if (tenant == tenant_index.end() || !row.start_s || !row.end_s || row.elapsed_s <= 0) continue;
    const double rate = row.billed_device_hours * 3600.0 / static_cast<double>(row.elapsed_s);
    options.initial_usage_device_s[tenant->second] +=
        decayed_device_s(rate, *row.start_s, std::min(*row.end_s, now), now, settings.usage_half_life_s);
  }
  // Jobs are sorted by submission; running ones may have had their submit_s moved earlier: sort again.
  std::vector<size_t> order(workload.jobs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return workload.jobs[a].submit_s < workload.jobs[b].submit_s; });
  {
    npu::Workload sorted;
    std::vector<const JobRow*> sorted_rows;
    std::vector<npu::JobIndex> new_index(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      new_index[order[i]] = static_cast<npu::JobIndex>(i);
      sorted.jobs.push_back(std::move(workload.jobs[order[i]]));
      sorted_rows.push_back(rows[order[i]]);
    }
    for (npu::SimulationOptions::Running& running : options.running) running.job = new_index[running.job];
    workload = std::move(sorted);
    rows = std::move(sorted_rows);
  }
  if (workload.jobs.empty()) return size_t{0};

  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Policy> policy, npu::make_policy(settings.policy, {}));
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Placement> placement, npu::make_placement("first-fit"));
  BITGOEUL_ASSIGN_OR_RETURN(npu::SimulationResult result,
                            npu::simulate(cluster, tenants, workload, *policy, *placement, options));

  // Release what the policy starts now; predict the rest, ranked by predicted start.
  std::vector<std::pair<int64_t, size_t>> waiting;  // (predicted start, index)
  size_t released = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const JobRow& job = *rows[i];
    if (!(job.state == "PENDING" && !job.released_s)) continue;
    const npu::JobProgress& progress = result.jobs[i];
    if (progress.first_start_s == now) {
      std::string nodes;
      if (job.nodes == 1) {
        std::set<npu::NodeIndex> seen;
        for (npu::DeviceIndex d : progress.allocation.devices) {
          const npu::NodeIndex n = cluster.device_node[d];
          if (seen.insert(n).second) nodes += (nodes.empty() ? "" : ",") + cluster.nodes[n].name;
        }
      }
      // The decision is stored first, so a center stopped between the two steps releases it on its next pass; a
      // job no longer waiting on the center (cancelled, charged or released by another writer since the store was
      // read) is left as it is.
      bool decided = false;
      {
        std::lock_guard lock(store_mutex_);
        BITGOEUL_ASSIGN_OR_RETURN(decided, store_->set_released(job.id, now, nodes));
      }
      if (!decided) continue;
      Status placed = nodes.empty() ? Status::ok() : backend_->set_node_list(*job.slurm_id, nodes);
      Status status = placed.is_ok() ? backend_->release(*job.slurm_id) : placed;
      if (!status.is_ok()) {
        // It ended (cancelled) since the last look: the next sync records it.
        BITGOEUL_ASSIGN_OR_RETURN(std::vector<BackendJob> live, backend_->list_jobs());
        bool pending = false;
        for (const BackendJob& b : live) pending = pending || (b.id == *job.slurm_id && b.state == JobState::kPending);
        if (pending) return status;
      }
      ++released;
    } else {
      waiting.emplace_back(progress.first_start_s >= 0 ? progress.first_start_s : npu::kMaxTimeS, i);
    }
  }
  std::stable_sort(waiting.begin(), waiting.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Every position and ETA in one transaction: a reader sees the whole ranking of one pass.
  std::lock_guard lock(store_mutex_);
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, store_->begin());
  for (size_t p = 0; p < waiting.size(); ++p) {
    const auto [start, i] = waiting[p];
    std::optional<int64_t> eta;
    if (start < npu::kMaxTimeS) eta = start;
    BITGOEUL_RETURN_IF_ERROR(store_->set_prediction(rows[i]->id, eta, static_cast<int64_t>(p + 1)).status());
  }
  BITGOEUL_RETURN_IF_ERROR(transaction.commit());
  return released;
}

Result<EtaAccuracy> Center::stored_eta_accuracy(const Principal& caller) {
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<JobRow> jobs, stored_jobs(caller, true));
  EtaAccuracy accuracy;
  std::vector<double> errors, percents;
  for (const JobRow& job : jobs) {
    if (!job.eta_submit_s || !job.start_s || !job.released_s) continue;
    EtaSample sample;
    sample.job = job.id;
    sample.slurm_id = job.slurm_id;
    sample.tenant_name = job.tenant_name;
    sample.submitted_s = job.submitted_s;
    sample.predicted_start_s = *job.eta_submit_s;
    sample.actual_start_s = *job.start_s;
    accuracy.samples.push_back(sample);
    const double error = std::abs(static_cast<double>(sample.actual_start_s - sample.predicted_start_s));
    errors.push_back(error);
    const int64_t wait = sample.actual_start_s - sample.submitted_s;
    if (wait > 0) percents.push_back(100.0 * error / static_cast<double>(wait));
  }
  const auto quantile = [](std::vector<double> values, double q) -> std::optional<double> {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    // Nearest rank.
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
  };
  accuracy.median_error_s = quantile(errors, 0.5);
  accuracy.p90_error_s = quantile(errors, 0.9);
  accuracy.waited_jobs = percents.size();
  accuracy.median_error_pct_of_wait = quantile(percents, 0.5);
  accuracy.p90_error_pct_of_wait = quantile(percents, 0.9);
  return accuracy;
}

}  // namespace bitgoeul::npu_slurm
