#include "plan/taxi_plan.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "core/config_reader.h"
#include "plan/sweep_file.h"
#include "plan/report.h"
#include "plan/pareto.h"
#include "taxi/metrics.h"
#include "taxi/road_travel.h"
#include "taxi/simulation.h"

namespace bitgoeul::plan {
namespace {

const std::vector<taxi::DispatchPolicy> kPolicies = {taxi::DispatchPolicy::kNearestIdle,
                                                     taxi::DispatchPolicy::kBatchMatching,
                                                     taxi::DispatchPolicy::kInsertion, taxi::DispatchPolicy::kRtv};

std::optional<taxi::DispatchPolicy> policy_from_name(std::string_view name) {
  for (const taxi::DispatchPolicy policy : kPolicies) {
    if (name == taxi::dispatch_policy_name(policy)) return policy;
  }
  return std::nullopt;
}

// An axis of whole numbers within [low, high], distinct, sorted ascending.
Result<std::vector<uint32_t>> whole_axis(ConfigReader& reader, std::string_view key, double low, double high) {
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<double> values, reader.numbers_or_empty(key));
  std::vector<uint32_t> axis;
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v) || v != std::floor(v) || v < low || v > high) {
      return reader.error(key, fmt::format("value {} ({:g}) must be a whole number between {:g} and {:g}", i + 1, v,
                                           low, high));
    }
    axis.push_back(static_cast<uint32_t>(v));
  }
  std::sort(axis.begin(), axis.end());
  if (std::adjacent_find(axis.begin(), axis.end()) != axis.end()) return reader.error(key, "values must be distinct");
  return axis;
}

}  // namespace

Result<TaxiSweep> read_taxi_sweep(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(ConfigValue root, parse_toml_file(path));
  ConfigReader reader(root, path, "");
  TaxiSweep sweep;
  sweep.path = path;
  BITGOEUL_ASSIGN_OR_RETURN(std::string scenario, reader.string("scenario"));
  sweep.scenario = resolve(path, scenario);
  BITGOEUL_ASSIGN_OR_RETURN(std::string cost_model, reader.string("cost_model"));
  sweep.cost_model = resolve(path, cost_model);
  if (reader.has("seed")) {
    BITGOEUL_ASSIGN_OR_RETURN(int64_t seed, reader.integer("seed"));
    if (seed < 0) return reader.error("seed", "must not be negative");
    sweep.seed = static_cast<uint64_t>(seed);
  }
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> axes, reader.table_or_none("axes"));
  if (!axes) return reader.error({}, "missing [axes]");
  if (axes->has("fleet_bisect")) {
    if (axes->has("fleet")) return axes->error("fleet_bisect", "give fleet (sizes to sweep) or fleet_bisect, not both");
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<uint32_t> range, whole_axis(*axes, "fleet_bisect", 1, 100000));
    if (range.size() != 2) return axes->error("fleet_bisect", "expected [smallest, largest] fleet to search");
    sweep.fleet_bisect = std::pair{range[0], range[1]};
  } else {
    if (!axes->has("fleet")) return axes->error({}, "missing required key 'axes.fleet' (fleet sizes to sweep)");
    BITGOEUL_ASSIGN_OR_RETURN(sweep.fleets, whole_axis(*axes, "fleet", 1, 100000));
    if (sweep.fleets.empty()) return axes->error("fleet", "give at least one fleet size");
  }
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<uint32_t> capacities, whole_axis(*axes, "capacity", 1, 64));
  for (const uint32_t c : capacities) sweep.capacities.push_back(static_cast<uint16_t>(c));
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<std::string> policies, axes->strings_or_empty("policy"));
  for (const std::string& name : policies) {
    const std::optional<taxi::DispatchPolicy> policy = policy_from_name(name);
    if (!policy) {
      return axes->error("policy",
                         fmt::format("unknown policy '{}' (expected nearest_idle, batch_matching, insertion or rtv)", name));
    }
    if (std::find(sweep.policies.begin(), sweep.policies.end(), *policy) != sweep.policies.end()) {
      return axes->error("policy", fmt::format("policy '{}' listed twice", name));
    }
    sweep.policies.push_back(*policy);
  }
  BITGOEUL_ASSIGN_OR_RETURN(sweep.demand_levels, axes->numbers_or_empty("demand"));
  for (const double m : sweep.demand_levels) {
    if (!std::isfinite(m) || m <= 0.0 || m > 100.0) {
      return axes->error("demand", fmt::format("multiplier {:g} must be above 0 and at most 100", m));
    }
  }
  std::sort(sweep.demand_levels.begin(), sweep.demand_levels.end());
  if (std::adjacent_find(sweep.demand_levels.begin(), sweep.demand_levels.end()) != sweep.demand_levels.end()) {
    return axes->error("demand", "values must be distinct");
  }
  if (sweep.demand_levels.empty()) sweep.demand_levels = {1.0};
  BITGOEUL_RETURN_IF_ERROR(axes->finish());

  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> target, reader.table_or_none("target"));
  if (!target) return reader.error({}, "missing [target] (e.g. min_served = 0.95, max_wait_p95_s = 300)");
  BITGOEUL_ASSIGN_OR_RETURN(sweep.target.min_served, target->number_or("min_served", 0.0));
  if (!(sweep.target.min_served >= 0.0 && sweep.target.min_served <= 1.0)) {
    return target->error("min_served", "must be a share between 0 and 1 (0.95 = 95%)");
  }
  for (auto [key, value] : {std::pair{"max_wait_p95_s", &sweep.target.max_wait_p95_s},
                            std::pair{"max_wait_mean_s", &sweep.target.max_wait_mean_s}}) {
    if (!target->has(key)) continue;
    BITGOEUL_ASSIGN_OR_RETURN(*value, target->number(key));
    if (!(*value > 0.0) || !std::isfinite(*value)) return target->error(key, "must be a positive number of seconds");
  }
  BITGOEUL_RETURN_IF_ERROR(target->finish());
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  return sweep;
}

nlohmann::json taxi_point_params(const TaxiPoint& point) {
  return {{"demand", point.demand},
          {"policy", taxi::dispatch_policy_name(point.policy)},
          {"capacity", point.capacity},
          {"fleet", point.fleet}};
}

nlohmann::json taxi_metrics_json(const TaxiPointMetrics& m) {
  return {{"requests", m.requests},       {"served", m.served},
          {"rejected", m.rejected},       {"unfinished", m.unfinished},
          {"service_rate", m.service_rate}, {"wait_mean_s", m.wait_mean_s},
          {"wait_p50_s", m.wait_p50_s},   {"wait_p95_s", m.wait_p95_s},
          {"ride_mean_s", m.ride_mean_s}, {"detour_mean", m.detour_mean},
          {"occupied_km", m.occupied_km}, {"empty_km", m.empty_km},
          {"passenger_km", m.passenger_km}, {"utilisation", m.utilisation},
          {"average_occupancy", m.average_occupancy}};
}

Result<TaxiPointMetrics> taxi_metrics_from_json(const nlohmann::json& json) {
  TaxiPointMetrics m;
  BITGOEUL_ASSIGN_OR_RETURN(m.requests, field<uint64_t>(json, "requests"));
  BITGOEUL_ASSIGN_OR_RETURN(m.served, field<uint64_t>(json, "served"));
  BITGOEUL_ASSIGN_OR_RETURN(m.rejected, field<uint64_t>(json, "rejected"));
  BITGOEUL_ASSIGN_OR_RETURN(m.unfinished, field<uint64_t>(json, "unfinished"));
  BITGOEUL_ASSIGN_OR_RETURN(m.service_rate, field<double>(json, "service_rate"));
  BITGOEUL_ASSIGN_OR_RETURN(m.wait_mean_s, field<double>(json, "wait_mean_s"));
  BITGOEUL_ASSIGN_OR_RETURN(m.wait_p50_s, field<double>(json, "wait_p50_s"));
  BITGOEUL_ASSIGN_OR_RETURN(m.wait_p95_s, field<double>(json, "wait_p95_s"));
  BITGOEUL_ASSIGN_OR_RETURN(m.ride_mean_s, field<double>(json, "ride_mean_s"));
  BITGOEUL_ASSIGN_OR_RETURN(m.detour_mean, field<double>(json, "detour_mean"));
  BITGOEUL_ASSIGN_OR_RETURN(m.occupied_km, field<double>(json, "occupied_km"));
  BITGOEUL_ASSIGN_OR_RETURN(m.empty_km, field<double>(json, "empty_km"));
  BITGOEUL_ASSIGN_OR_RETURN(m.passenger_km, field<double>(json, "passenger_km"));
  BITGOEUL_ASSIGN_OR_RETURN(m.utilisation, field<double>(json, "utilisation"));
  BITGOEUL_ASSIGN_OR_RETURN(m.average_occupancy, field<double>(json, "average_occupancy"));
  if (m.served + m.rejected + m.unfinished > m.requests || m.service_rate < 0.0 || m.service_rate > 1.0) {
    return invalid_input("metrics: served, rejected and unfinished do not add up within the requests");
  }
  return m;
}

std::vector<taxi::TripRequest> scale_trip_records(const std::vector<taxi::TripRequest>& records, double multiplier,
                                                  uint64_t seed, double jitter_s, double start_s, double end_s) {
  std::mt19937_64 random(seed);
  std::vector<taxi::TripRequest> scaled;
  const double whole = std::floor(multiplier);
  const double fraction = multiplier - whole;
  for (const taxi::TripRequest& record : records) {
    // One draw per record whatever the outcome, so a record's copies do not depend on the records before it.
    const bool extra = uniform(random) < fraction;
    const int copies = static_cast<int>(whole) + (extra ? 1 : 0);
    for (int copy = 0; copy < copies; ++copy) {
      taxi::TripRequest request = record;
      if (copy > 0) {
        const double offset = (2.0 * uniform(random) - 1.0) * jitter_s;
        request.request_time_s = std::clamp(record.request_time_s + offset, start_s, std::nextafter(end_s, start_s));
        if (request.latest_pickup_s) *request.latest_pickup_s += request.request_time_s - record.request_time_s;
      }
      scaled.push_back(request);
    }
  }
  taxi::sort_and_number(scaled);
  return scaled;
}

Result<std::unique_ptr<TaxiPlanner>> TaxiPlanner::create(const TaxiSweep& sweep) {
  std::unique_ptr<TaxiPlanner> planner(new TaxiPlanner());
  planner->sweep_ = sweep;
  BITGOEUL_ASSIGN_OR_RETURN(planner->scenario_, taxi::read_scenario_file(sweep.scenario));
  taxi::ScenarioFile& scenario = planner->scenario_;
  if (sweep.seed) {
    scenario.scenario.seed = *sweep.seed;
    scenario.demand.synthetic.seed = *sweep.seed;
  }
  if (planner->sweep_.capacities.empty()) planner->sweep_.capacities = {scenario.scenario.fleet.capacity};
  if (planner->sweep_.policies.empty()) planner->sweep_.policies = {scenario.scenario.dispatch.policy};
  const TaxiSweep& s = planner->sweep_;
  const size_t fleets = s.fleet_bisect ? 1 : s.fleets.size();
  const size_t total = s.demand_levels.size() * s.policies.size() * s.capacities.size() * fleets;
  if (total > kMaxSweepPoints) {
    return invalid_input("{}: the axes make {} points; at most {} are allowed", sweep.path, total, kMaxSweepPoints);
  }

  BITGOEUL_ASSIGN_OR_RETURN(planner->world_, taxi::load_scenario_world(scenario));
  const road::RoadGraph& graph = planner->world_->graph;
  std::vector<taxi::TripRequest> records;
  if (scenario.demand.kind == taxi::DemandSpec::Kind::kFile) {
    BITGOEUL_ASSIGN_OR_RETURN(records, taxi::load_scenario_demand(scenario, graph));
  }
  for (const double level : s.demand_levels) {
    if (scenario.demand.kind == taxi::DemandSpec::Kind::kFile) {
      planner->demand_.push_back(scale_trip_records(records, level, scenario.scenario.seed, 300.0,
                                                    scenario.scenario.start_s, scenario.scenario.end_s));
    } else {
      taxi::ScenarioFile scaled = scenario;
      scaled.demand.synthetic.total_trips = static_cast<uint64_t>(
          std::max(1.0, std::round(static_cast<double>(scenario.demand.synthetic.total_trips) * level)));
      BITGOEUL_ASSIGN_OR_RETURN(std::vector<taxi::TripRequest> demand, taxi::load_scenario_demand(scaled, graph));
      planner->demand_.push_back(std::move(demand));
    }
  }

  BITGOEUL_ASSIGN_OR_RETURN(std::string sweep_text, read_text_file(sweep.path));
  BITGOEUL_ASSIGN_OR_RETURN(std::string scenario_text, read_text_file(sweep.scenario));
  planner->inputs_ = fingerprint(sweep_text) + fingerprint(scenario_text);
  std::vector<TaxiPoint> points;
  for (const double level : s.demand_levels) {
    for (const taxi::DispatchPolicy policy : s.policies) {
      for (const uint16_t capacity : s.capacities) {
        for (const uint32_t fleet : s.fleets) points.push_back({level, policy, capacity, fleet});
      }
    }
  }
  planner->set_points(std::move(points));
  return planner;
}

SweepPoint TaxiPlanner::sweep_point(const TaxiPoint& point) const {
  nlohmann::json params = taxi_point_params(point);
  return {point_key(inputs_, params), std::move(params)};
}

void TaxiPlanner::set_points(std::vector<TaxiPoint> points) {
  points_ = std::move(points);
  sweep_points_.clear();
  for (const TaxiPoint& point : points_) sweep_points_.push_back(sweep_point(point));
}

Result<nlohmann::json> TaxiPlanner::run_point(size_t index) const { return run(points_.at(index)); }

std::vector<std::pair<size_t, TaxiPoint>> TaxiPlanner::groups() const {
  std::vector<std::pair<size_t, TaxiPoint>> groups;
  for (size_t level = 0; level < sweep_.demand_levels.size(); ++level) {
    for (const taxi::DispatchPolicy policy : sweep_.policies) {
      for (const uint16_t capacity : sweep_.capacities) {
        groups.push_back({level, TaxiPoint{sweep_.demand_levels[level], policy, capacity, 0}});
      }
    }
  }
  return groups;
}

Result<nlohmann::json> TaxiPlanner::run(const TaxiPoint& point) const {
  const auto level = std::find(sweep_.demand_levels.begin(), sweep_.demand_levels.end(), point.demand);
  if (level == sweep_.demand_levels.end()) return internal_error("demand level {} is not swept", point.demand);
  const std::vector<taxi::TripRequest>& demand = demand_[static_cast<size_t>(level - sweep_.demand_levels.begin())];
  taxi::Scenario scenario = scenario_.scenario;
  scenario.fleet.size = point.fleet;
  scenario.fleet.capacity = point.capacity;
  scenario.dispatch.policy = point.policy;
  // Each point drives its own traveller (query objects) over the shared, read-only roads and hierarchy.
  taxi::RoadTravel travel(world_->fleet_graph(), world_->ch);
  taxi::SimulationOptions options;
  options.show_progress = false;
  if (world_->permit_rules) options.permit = &*world_->permit_rules;
  BITGOEUL_ASSIGN_OR_RETURN(taxi::SimulationResult result,
                            taxi::simulate(travel, scenario, demand, options));
  const taxi::Kpis kpis = taxi::compute_kpis(result);
  TaxiPointMetrics m;
  m.requests = kpis.overall.requests;
  m.served = kpis.overall.served;
  m.rejected = kpis.overall.rejected;
  m.unfinished = kpis.overall.unfinished;
  m.service_rate = kpis.overall.service_rate;
  m.wait_mean_s = kpis.overall.wait_mean_s;
  m.wait_p50_s = kpis.overall.wait_p50_s;
  m.wait_p95_s = kpis.overall.wait_p95_s;
  m.ride_mean_s = kpis.overall.ride_mean_s;
  m.detour_mean = kpis.overall.detour_mean;
  m.occupied_km = kpis.fleet.occupied_km;
  m.empty_km = kpis.fleet.empty_km;
  m.passenger_km = kpis.fleet.passenger_km;
  m.utilisation = kpis.fleet.utilisation;
  m.average_occupancy = kpis.fleet.average_occupancy;
  return taxi_metrics_json(m);
}

bool meets_taxi_target(const TaxiPointMetrics& m, const TaxiTarget& target) {
  return m.service_rate >= target.min_served && m.wait_p95_s <= target.max_wait_p95_s &&
         m.wait_mean_s <= target.max_wait_mean_s;
}

Result<std::optional<std::vector<nlohmann::json>>> bisect_taxi_fleets(TaxiPlanner& planner, PointStore& store,
                                                                      const RunOptions& options) {
  using Metrics = std::optional<std::vector<nlohmann::json>>;
  const TaxiSweep& sweep = planner.sweep();
  if (!sweep.fleet_bisect) return internal_error("the sweep has no fleet_bisect");
  const auto [smallest, largest] = *sweep.fleet_bisect;
  // Per group, the fleets known to miss (below `low`) and to meet (`high`) the target: the answer lies in
  // (low, high]. The largest fleet is tried first; if it misses, no fleet in the range meets the target.
  struct Search {
    TaxiPoint group;
    int64_t low;   // largest fleet known to miss (smallest − 1 at first)
    int64_t high;  // smallest fleet known to meet; largest + 1 while unknown
    bool done = false;
  };
  std::vector<Search> searches;
  for (const auto& [level, group] : planner.groups()) {
    searches.push_back({group, static_cast<int64_t>(smallest) - 1, static_cast<int64_t>(largest) + 1});
  }
  std::map<std::tuple<double, int, uint16_t, uint32_t>, nlohmann::json> evaluated;
  size_t budget = options.max_points;
  const auto key_of = [](const TaxiPoint& p) {
    return std::tuple<double, int, uint16_t, uint32_t>{p.demand, static_cast<int>(p.policy), p.capacity, p.fleet};
  };
  while (true) {
    std::vector<TaxiPoint> probes;
    for (Search& search : searches) {
      if (search.done) continue;
      if (search.high == static_cast<int64_t>(largest) + 1 && search.low == static_cast<int64_t>(smallest) - 1) {
        probes.push_back(search.group);
        probes.back().fleet = largest;  // first probe: does the largest fleet meet the target at all?
      } else if (search.high - search.low > 1) {
        probes.push_back(search.group);
        probes.back().fleet = static_cast<uint32_t>(search.low + (search.high - search.low) / 2);
      } else {
        search.done = true;
      }
    }
    if (probes.empty()) break;
    std::vector<SweepPoint> points;
    for (const TaxiPoint& probe : probes) points.push_back(planner.sweep_point(probe));
    RunOptions round = options;
    if (options.max_points > 0) {
      // --max-points bounds the new simulations of the whole search; stored probes cost nothing.
      size_t missing = 0;
      for (const SweepPoint& point : points) missing += store.find(point.key) == nullptr ? 1 : 0;
      if (missing > 0 && budget == 0) return Metrics();
      round.max_points = budget;  // 0 only when nothing is missing: then every probe is reused
    }
    BITGOEUL_ASSIGN_OR_RETURN(RunSummary summary,
                              run_points(points, [&](size_t i) { return planner.run(probes[i]); }, store, round));
    if (options.max_points > 0) budget -= std::min(budget, summary.ran);
    if (!summary.complete()) return Metrics();
    size_t next = 0;
    for (Search& search : searches) {
      if (search.done) continue;
      const TaxiPoint& probe = probes[next];
      const nlohmann::json& metrics = *summary.metrics[next];
      ++next;
      evaluated[key_of(probe)] = metrics;
      BITGOEUL_ASSIGN_OR_RETURN(const TaxiPointMetrics m, taxi_metrics_from_json(metrics));
      const bool meets = meets_taxi_target(m, sweep.target);
      if (probe.fleet == largest && search.high == static_cast<int64_t>(largest) + 1 &&
          search.low == static_cast<int64_t>(smallest) - 1) {
        if (meets) {
          search.high = largest;
        } else {
          search.done = true;  // even the largest fleet misses
        }
      } else if (meets) {
        search.high = probe.fleet;
      } else {
        search.low = probe.fleet;
      }
    }
  }
  // Every fleet tried, grouped and ascending, as the plan expects.
  std::vector<TaxiPoint> points;
  std::vector<nlohmann::json> metrics;
  for (const auto& [level, group] : planner.groups()) {
    for (const auto& [key, value] : evaluated) {
      if (std::get<0>(key) == group.demand && std::get<1>(key) == static_cast<int>(group.policy) &&
          std::get<2>(key) == group.capacity) {
        TaxiPoint point = group;
        point.fleet = std::get<3>(key);
        points.push_back(point);
        metrics.push_back(value);
      }
    }
  }
  planner.set_points(std::move(points));
  return Metrics(std::move(metrics));
}

Result<TaxiPlan> make_taxi_plan(const TaxiPlanner& planner, const TaxiCostModel& model,
                                const std::vector<nlohmann::json>& metrics) {
  const TaxiSweep& sweep = planner.sweep();
  const taxi::Scenario& scenario = planner.scenario().scenario;
  if (metrics.size() != planner.points().size()) {
    return internal_error("{} metrics for {} points", metrics.size(), planner.points().size());
  }
  TaxiPlan plan;
  plan.service_hours = (scenario.end_s - scenario.start_s) / 3600.0;
  plan.demand_levels = sweep.demand_levels;
  const auto depots = static_cast<uint32_t>(scenario.fleet.depots.size());
  for (size_t i = 0; i < metrics.size(); ++i) {
    TaxiOption option;
    option.point = planner.points()[i];
    auto parsed = taxi_metrics_from_json(metrics[i]);
    if (!parsed.is_ok()) {
      return invalid_input("point {} ({}): {}", i, planner.sweep_points()[i].params.dump(), parsed.status().message());
    }
    option.metrics = *parsed;
    option.cost = taxi_day_cost(model, option.point.fleet, depots, option.metrics.occupied_km + option.metrics.empty_km,
                                plan.service_hours);
    option.meets_target = meets_taxi_target(option.metrics, sweep.target);
    plan.options.push_back(option);
  }
  // Points come grouped (demand, policy, capacity) with the fleets ascending inside each group.
  for (size_t begin = 0, end = 0; begin < plan.options.size(); begin = end) {
    const TaxiPoint& first = plan.options[begin].point;
    TaxiGroup group{first.demand, first.policy, first.capacity, std::nullopt};
    for (end = begin; end < plan.options.size(); ++end) {
      const TaxiPoint& p = plan.options[end].point;
      if (p.demand != first.demand || p.policy != first.policy || p.capacity != first.capacity) break;
      if (!group.smallest && plan.options[end].meets_target) group.smallest = end;
    }
    plan.groups.push_back(group);
  }
  for (const double level : plan.demand_levels) {
    std::optional<size_t> chosen;
    std::vector<size_t> members;
    for (const TaxiGroup& group : plan.groups) {
      if (group.demand != level || !group.smallest) continue;
      const TaxiOption& candidate = plan.options[*group.smallest];
      if (!chosen || candidate.cost.total_krw() < plan.options[*chosen].cost.total_krw()) chosen = *group.smallest;
    }
    plan.chosen.push_back(chosen);
    std::vector<TradeOff> trade_offs;
    for (size_t i = 0; i < plan.options.size(); ++i) {
      if (plan.options[i].point.demand != level) continue;
      members.push_back(i);
      trade_offs.push_back({plan.options[i].cost.total_krw(), plan.options[i].metrics.service_rate});
    }
    for (const size_t f : pareto_front(trade_offs)) plan.options[members[f]].on_front = true;
  }
  return plan;
}

}  // namespace bitgoeul::plan

namespace bitgoeul::plan {
namespace {

std::string option_name(const TaxiPoint& p) {
  return fmt::format("{} vehicles × {} seats, {}", p.fleet, p.capacity, taxi::dispatch_policy_name(p.policy));
}

nlohmann::json cost_json(const TaxiCost& cost, uint64_t served) {
  return {{"vehicles_krw", cost.vehicles_krw},
          {"depots_krw", cost.depots_krw},
          {"depots", cost.depots},
          {"operation_krw", cost.operation_krw},
          {"safety_drivers_krw", cost.safety_drivers_krw},
          {"total_krw", cost.total_krw()},
          {"per_served_trip_krw", served > 0 ? nlohmann::json(cost.total_krw() / served) : nlohmann::json()}};
}

nlohmann::json target_json(const TaxiTarget& target) {
  nlohmann::json json = {{"min_served", target.min_served}};
  if (std::isfinite(target.max_wait_p95_s)) json["max_wait_p95_s"] = target.max_wait_p95_s;
  if (std::isfinite(target.max_wait_mean_s)) json["max_wait_mean_s"] = target.max_wait_mean_s;
  return json;
}

std::string target_text(const TaxiTarget& target) {
  std::string text = fmt::format("served ≥ {:g}%", target.min_served * 100);
  if (std::isfinite(target.max_wait_p95_s)) text += fmt::format(", wait p95 ≤ {:g} s", target.max_wait_p95_s);
  if (std::isfinite(target.max_wait_mean_s)) text += fmt::format(", wait mean ≤ {:g} s", target.max_wait_mean_s);
  return text;
}

}  // namespace

Status write_taxi_plan(const TaxiPlanner& planner, const TaxiPlan& plan, const std::string& directory) {
  BITGOEUL_RETURN_IF_ERROR(ensure_directory(directory));
  const TaxiSweep& sweep = planner.sweep();
  std::string csv =
      "point,key,demand,policy,capacity,fleet,requests,served,rejected,unfinished,service_rate,wait_mean_s,"
      "wait_p50_s,wait_p95_s,ride_mean_s,detour_mean,occupied_km,empty_km,passenger_km,utilisation,"
      "average_occupancy,depots,cost_vehicles_krw,cost_depots_krw,cost_operation_krw,cost_safety_drivers_krw,"
      "cost_total_krw,meets_target,pareto\n";
  nlohmann::json points = nlohmann::json::array();
  for (size_t i = 0; i < plan.options.size(); ++i) {
    const TaxiOption& o = plan.options[i];
    const TaxiPointMetrics& m = o.metrics;
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i,
                       planner.sweep_points()[i].key, o.point.demand, taxi::dispatch_policy_name(o.point.policy),
                       o.point.capacity, o.point.fleet, m.requests, m.served, m.rejected, m.unfinished, m.service_rate,
                       m.wait_mean_s, m.wait_p50_s, m.wait_p95_s, m.ride_mean_s, m.detour_mean, m.occupied_km,
                       m.empty_km, m.passenger_km, m.utilisation, m.average_occupancy, o.cost.depots,
                       o.cost.vehicles_krw, o.cost.depots_krw, o.cost.operation_krw, o.cost.safety_drivers_krw,
                       o.cost.total_krw(), o.meets_target ? 1 : 0, o.on_front ? 1 : 0);
    points.push_back({{"point", i},
                      {"key", planner.sweep_points()[i].key},
                      {"params", planner.sweep_points()[i].params},
                      {"metrics", taxi_metrics_json(m)},
                      {"cost", cost_json(o.cost, m.served)},
                      {"meets_target", o.meets_target},
                      {"pareto", o.on_front}});
  }
  BITGOEUL_RETURN_IF_ERROR(write_text(directory + "/points.csv", csv));

  nlohmann::json smallest = nlohmann::json::array();
  ReportTable groups_table{"Smallest fleet meeting the target, per option",
                           {"demand", "policy", "seats", "smallest fleet", "served", "wait p95", "KRW per day",
                            "KRW per trip"},
                           {},
                           {}};
  for (const TaxiGroup& group : plan.groups) {
    nlohmann::json entry = {{"demand", group.demand},
                            {"policy", taxi::dispatch_policy_name(group.policy)},
                            {"capacity", group.capacity},
                            {"fleet", nullptr}};
    std::vector<std::string> row = {fmt::format("×{:g}", group.demand), taxi::dispatch_policy_name(group.policy),
                                    fmt::format("{}", group.capacity)};
    if (group.smallest) {
      const TaxiOption& o = plan.options[*group.smallest];
      entry["fleet"] = o.point.fleet;
      entry["point"] = *group.smallest;
      entry["cost"] = cost_json(o.cost, o.metrics.served);
      row.push_back(fmt::format("{}", o.point.fleet));
      row.push_back(fmt::format("{:.1f}%", o.metrics.service_rate * 100));
      row.push_back(fmt::format("{:.0f} s", o.metrics.wait_p95_s));
      row.push_back(format_krw(o.cost.total_krw()));
      row.push_back(o.metrics.served > 0 ? format_krw(o.cost.total_krw() / o.metrics.served) : "-");
      for (size_t level = 0; level < plan.demand_levels.size(); ++level) {
        if (plan.chosen[level] == group.smallest) groups_table.highlighted_rows.push_back(groups_table.rows.size());
      }
    } else {
      row.push_back(fmt::format("none up to {}", sweep.fleet_bisect ? sweep.fleet_bisect->second : sweep.fleets.back()));
      row.insert(row.end(), {"-", "-", "-", "-"});
    }
    groups_table.rows.push_back(std::move(row));
    smallest.push_back(std::move(entry));
  }
  nlohmann::json chosen = nlohmann::json::array();
  PlanReport report;
  report.title = fmt::format("Robotaxi capacity plan: {}", planner.scenario().scenario.name);
  report.notes.push_back(fmt::format(
      "Sweep {} over scenario {} ({} points). Target: {}. Costs per service day of {:g} h: vehicles' capital for a "
      "day, depots for a day, operation per vehicle-km driven, safety drivers for the service hours (cost model {}).",
      sweep.path, sweep.scenario, plan.options.size(), target_text(sweep.target), plan.service_hours,
      sweep.cost_model));
  for (size_t level = 0; level < plan.demand_levels.size(); ++level) {
    const double demand = plan.demand_levels[level];
    nlohmann::json entry = {{"demand", demand}, {"requests", planner.requests_at(level)}, {"point", nullptr}};
    if (plan.chosen[level]) {
      const TaxiOption& o = plan.options[*plan.chosen[level]];
      entry["point"] = *plan.chosen[level];
      entry["params"] = taxi_point_params(o.point);
      entry["metrics"] = taxi_metrics_json(o.metrics);
      entry["cost"] = cost_json(o.cost, o.metrics.served);
      report.notes.push_back(fmt::format(
          "Demand ×{:g} ({} requests): chosen {} — served {:.1f}%, wait p95 {:.0f} s, {} per day ({} per served trip).",
          demand, planner.requests_at(level), option_name(o.point), o.metrics.service_rate * 100, o.metrics.wait_p95_s,
          format_krw(o.cost.total_krw()), o.metrics.served > 0 ? format_krw(o.cost.total_krw() / o.metrics.served) : "-"));
    } else {
      report.notes.push_back(fmt::format("Demand ×{:g} ({} requests): no swept option meets the target; sweep larger "
                                         "fleets.",
                                         demand, planner.requests_at(level)));
    }
    chosen.push_back(std::move(entry));

    TradeOffChart chart;
    chart.title = fmt::format("Demand ×{:g}: cost per service day vs share of requests served", demand);
    chart.cost_label = "KRW per service day";
    chart.service_label = "served (%)";
    if (sweep.target.min_served > 0) chart.target = sweep.target.min_served * 100;
    for (size_t i = 0; i < plan.options.size(); ++i) {
      const TaxiOption& o = plan.options[i];
      if (o.point.demand != demand) continue;
      chart.points.push_back(
          {o.cost.total_krw(), o.metrics.service_rate * 100,
           fmt::format("{}, {} seats", taxi::dispatch_policy_name(o.point.policy), o.point.capacity),
           fmt::format("{}: served {:.1f}%, wait p95 {:.0f} s, {}", option_name(o.point), o.metrics.service_rate * 100,
                       o.metrics.wait_p95_s, format_krw(o.cost.total_krw())),
           o.meets_target, o.on_front, plan.chosen[level] == i});
    }
    report.charts.push_back(std::move(chart));
  }
  report.tables.push_back(std::move(groups_table));
  ReportTable every{"Every point",
                    {"demand", "policy", "seats", "fleet", "served", "wait mean", "wait p95", "vehicle-km",
                     "KRW per day", "target"},
                    {},
                    {}};
  for (size_t i = 0; i < plan.options.size(); ++i) {
    const TaxiOption& o = plan.options[i];
    for (const auto& chosen_point : plan.chosen) {
      if (chosen_point == i) every.highlighted_rows.push_back(every.rows.size());
    }
    every.rows.push_back({fmt::format("×{:g}", o.point.demand), taxi::dispatch_policy_name(o.point.policy),
                          fmt::format("{}", o.point.capacity), fmt::format("{}", o.point.fleet),
                          fmt::format("{:.1f}%", o.metrics.service_rate * 100),
                          fmt::format("{:.0f} s", o.metrics.wait_mean_s), fmt::format("{:.0f} s", o.metrics.wait_p95_s),
                          fmt::format("{:.0f}", o.metrics.occupied_km + o.metrics.empty_km),
                          format_krw(o.cost.total_krw()), o.meets_target ? "meets" : "misses"});
  }
  report.appendix_tables.push_back(std::move(every));

  const nlohmann::json plan_json = {{"kind", "taxi"},
                                    {"sweep", sweep.path},
                                    {"scenario", sweep.scenario},
                                    {"cost_model", sweep.cost_model},
                                    {"target", target_json(sweep.target)},
                                    {"service_hours", plan.service_hours},
                                    {"points", std::move(points)},
                                    {"smallest_fleet", std::move(smallest)},
                                    {"chosen", std::move(chosen)}};
  BITGOEUL_RETURN_IF_ERROR(write_text(directory + "/plan.json", plan_json.dump(2) + "\n"));
  return write_plan_report(report, directory + "/report.html");
}

}  // namespace bitgoeul::plan
