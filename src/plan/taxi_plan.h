#pragma once
// `bitgoeul plan taxi`: how many robotaxis a service level takes, and what they cost. A sweep file
// (docs/capacity-planning.md) names a scenario and the axes — fleet sizes, seats per vehicle, dispatch policies,
// demand levels as multipliers of the scenario's trips — a service target and a cost model. Every point is one
// deterministic simulation of the scenario; the map and its hierarchy are built once and shared by all points.
// Per (demand, policy, capacity) the smallest swept fleet meeting the target is found; per demand level the
// cheapest of those is the chosen option.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "plan/cost_model.h"
#include "plan/sweep_runner.h"
#include "taxi/scenario.h"
#include "taxi/scenario_file.h"
#include "taxi/scenario_world.h"
#include "taxi/trip_request.h"

namespace bitgoeul::plan {

struct TaxiTarget {
  double min_served = 0.0;  // share of requests served, 0..1
  double max_wait_p95_s = std::numeric_limits<double>::infinity();
  double max_wait_mean_s = std::numeric_limits<double>::infinity();
};

struct TaxiSweep {
  std::string path;
  std::string scenario;    // scenario file (resolved against the sweep file's folder)
  std::string cost_model;  // cost model file (likewise)
  std::optional<uint64_t> seed;  // replaces the scenario's seed (and its synthetic demand's)
  std::vector<uint32_t> fleets;  // ascending, distinct
  std::vector<uint16_t> capacities;
  std::vector<taxi::DispatchPolicy> policies;
  std::vector<double> demand_levels;  // multipliers of the scenario's trips, ascending
  // Instead of `fleets`: search [first, second] by bisection for the smallest fleet meeting the target, assuming
  // service improves with the fleet (about log2(range) simulations per option instead of one per size).
  std::optional<std::pair<uint32_t, uint32_t>> fleet_bisect;
  TaxiTarget target;
};

// Errors name the file, line and key. Axes left out take the scenario's value (demand: 1.0); `fleet` (or
// `fleet_bisect`) is required.
Result<TaxiSweep> read_taxi_sweep(const std::string& path);

struct TaxiPoint {
  double demand = 1.0;
  taxi::DispatchPolicy policy = taxi::DispatchPolicy::kNearestIdle;
  uint16_t capacity = 4;
  uint32_t fleet = 1;
};
nlohmann::json taxi_point_params(const TaxiPoint& point);

// What a point measured (stored in points.jsonl; costs and targets are applied afterwards, so editing the cost
// model or the target never reruns a point).
struct TaxiPointMetrics {
  uint64_t requests = 0, served = 0, rejected = 0, unfinished = 0;
  double service_rate = 0.0;
  double wait_mean_s = 0.0, wait_p50_s = 0.0, wait_p95_s = 0.0;
  double ride_mean_s = 0.0, detour_mean = 0.0;
  double occupied_km = 0.0, empty_km = 0.0, passenger_km = 0.0;
  double utilisation = 0.0, average_occupancy = 0.0;
};
nlohmann::json taxi_metrics_json(const TaxiPointMetrics& metrics);
Result<TaxiPointMetrics> taxi_metrics_from_json(const nlohmann::json& json);

// The requests of a demand level when the scenario reads trip records: each record kept ⌊m⌋ times and once more
// with probability m − ⌊m⌋ (seeded), copies after the first moved by a uniform offset within ±jitter_s (kept in
// the span [start_s, end_s)); renumbered by time. Synthetic demand is instead generated with m × its trips.
std::vector<taxi::TripRequest> scale_trip_records(const std::vector<taxi::TripRequest>& records, double multiplier,
                                                  uint64_t seed, double jitter_s, double start_s, double end_s);

// Everything a sweep's points share, loaded once: the scenario, its roads and hierarchy, the demand of each level.
class TaxiPlanner {
 public:
  static Result<std::unique_ptr<TaxiPlanner>> create(const TaxiSweep& sweep);

  const TaxiSweep& sweep() const { return sweep_; }
  const taxi::ScenarioFile& scenario() const { return scenario_; }
  const std::vector<TaxiPoint>& points() const { return points_; }
  // The points with their keys: fingerprint of the sweep file, the scenario file and the point's parameters.
  const std::vector<SweepPoint>& sweep_points() const { return sweep_points_; }
  size_t requests_at(size_t demand_level) const { return demand_[demand_level].size(); }

  // Simulates point `index`. Safe to call from several threads at once.
  Result<nlohmann::json> run_point(size_t index) const;
  // Simulates any point of the sweep's demand levels (bisection makes its points as it goes). Thread-safe.
  Result<nlohmann::json> run(const TaxiPoint& point) const;
  SweepPoint sweep_point(const TaxiPoint& point) const;
  // Replaces the points (grouped by demand, policy and capacity in the sweep's order, fleets ascending).
  void set_points(std::vector<TaxiPoint> points);
  // The (demand level index, point with fleet 0) of every (demand, policy, capacity), in the sweep's order.
  std::vector<std::pair<size_t, TaxiPoint>> groups() const;

 private:
  TaxiPlanner() = default;

  TaxiSweep sweep_;
  taxi::ScenarioFile scenario_;
  std::unique_ptr<taxi::ScenarioWorld> world_;
  std::vector<std::vector<taxi::TripRequest>> demand_;  // per demand level
  std::string inputs_;  // fingerprint of the sweep and scenario files
  std::vector<TaxiPoint> points_;
  std::vector<SweepPoint> sweep_points_;
};

bool meets_taxi_target(const TaxiPointMetrics& metrics, const TaxiTarget& target);

// With sweep().fleet_bisect: per (demand, policy, capacity), tries the largest fleet, then halves the range
// between the largest known to miss and the smallest known to meet, until they are adjacent; each round's probes
// run together on `options.jobs` workers and are stored as they finish, so a rerun replays the rounds from the
// store. Sets the planner's points to every fleet tried and returns their metrics; nullopt when
// options.max_points stopped it first.
Result<std::optional<std::vector<nlohmann::json>>> bisect_taxi_fleets(TaxiPlanner& planner, PointStore& store,
                                                                      const RunOptions& options);

// ---- The plan: costs, targets, choices -------------------------------------------------------------------------

struct TaxiOption {
  TaxiPoint point;
  TaxiPointMetrics metrics;
  TaxiCost cost;
  bool meets_target = false;
  bool on_front = false;  // Pareto front of cost vs served share, within its demand level
};

struct TaxiGroup {  // one (demand, policy, capacity)
  double demand = 1.0;
  taxi::DispatchPolicy policy = taxi::DispatchPolicy::kNearestIdle;
  uint16_t capacity = 4;
  std::optional<size_t> smallest;  // option index of the smallest fleet meeting the target, if any swept does
};

struct TaxiPlan {
  std::vector<TaxiOption> options;  // one per point, in point order
  std::vector<TaxiGroup> groups;
  std::vector<double> demand_levels;
  std::vector<std::optional<size_t>> chosen;  // per demand level: the cheapest group's smallest fleet
  double service_hours = 0.0;
};

Result<TaxiPlan> make_taxi_plan(const TaxiPlanner& planner, const TaxiCostModel& model,
                                const std::vector<nlohmann::json>& metrics);

// points.csv, plan.json and report.html in `directory`.
Status write_taxi_plan(const TaxiPlanner& planner, const TaxiPlan& plan, const std::string& directory);

}  // namespace bitgoeul::plan
