#include "taxi/simulation.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <variant>

#include <fmt/format.h>

#include "core/event_queue.h"
#include "core/progress.h"
#include "taxi/dispatch/dispatcher.h"
#include "taxi/rebalance/rebalancer.h"

namespace bitgoeul::taxi {
namespace {

struct RequestArrives {
  uint32_t index;  // into the demand vector
};
struct VehicleArrives {
  uint32_t vehicle;
  uint64_t version;
};
struct PickupDeadline {
  uint32_t request;
};
struct DispatchTick {};
struct TakeSample {};
struct RebalanceTick {};
struct PermitChange {};  // the permit opens or closes the service, a suspension or a safety-driver shift
using Event =
    std::variant<RequestArrives, VehicleArrives, PickupDeadline, DispatchTick, TakeSample, RebalanceTick, PermitChange>;

constexpr double kNever = -std::numeric_limits<double>::infinity();

// Enforces a permit during the run: who may pick up until when, vehicles off duty to their depots, the permit's
// changes of state recorded.
class PermitEnforcer {
 public:
  PermitEnforcer(const rules::PermitRules& rules, FleetState& fleet, const Scenario& scenario, SimulationResult& result)
      : rules_(rules), fleet_(fleet), result_(result) {
    for (const geo::LatLon& depot : scenario.fleet.depots) {
      auto location = fleet.travel().locate(depot, scenario.limits.max_snap_m);
      if (location.is_ok()) depots_.push_back(*location);
    }
  }

  // Applies the permit's state at `now_s` to every vehicle and to the waiting requests.
  void apply(double now_s) {
    record_changes(now_s);
    for (VehicleState& vehicle : fleet_.vehicles()) {
      vehicle.pickups_until_s = rules_.pickups_until(vehicle.id, now_s);
      if (vehicle.pickups_until_s == kNever) send_to_depot(vehicle.id, now_s);
    }
    if (!open_) {
      const RejectReason reason =
          suspension_ != nullptr ? RejectReason::kServiceSuspended : RejectReason::kOutsideOperatingHours;
      const std::string rule = suspension_ != nullptr ? "suspension: " + suspension_->reason : "operating hours";
      for (const uint32_t request : std::vector<uint32_t>(fleet_.pending())) {
        fleet_.reject(request, reason, now_s);
        result_.admissions[request].rule = rule;
      }
    }
  }

  // An idle vehicle that may not pick up parks at the nearest depot (or where it is, without depots).
  void send_to_depot(uint32_t vehicle_id, double now_s) {
    const VehicleState& vehicle = fleet_.vehicles()[vehicle_id];
    if (depots_.empty() || !vehicle.plan.empty() || vehicle.reposition_to) return;
    const geo::LatLon here = fleet_.travel().point_of(fleet_.position_now(vehicle, now_s));
    size_t nearest = 0;
    for (size_t d = 1; d < depots_.size(); ++d) {
      if (geo::haversine_m(here, depots_[d].point) < geo::haversine_m(here, depots_[nearest].point)) nearest = d;
    }
    if (geo::haversine_m(here, fleet_.travel().point_of(depots_[nearest].options[0])) < 5.0) return;  // parked there
    fleet_.reposition(vehicle_id, depots_[nearest], now_s);
  }

  // Every pick-up since the last call must keep the permit; the message names the first that does not.
  std::string check_pickups() {
    const std::vector<VehicleEvent>& events = fleet_.events();
    for (; checked_ < events.size(); ++checked_) {
      const VehicleEvent& event = events[checked_];
      if (event.kind == "pickup" && !rules_.pickup_allowed(event.vehicle, event.time_s)) {
        return fmt::format("vehicle {} picked up request {} at t={:.1f}s, when the permit did not allow it",
                           event.vehicle, event.request, event.time_s);
      }
    }
    return {};
  }

 private:
  void record_changes(double now_s) {
    const bool open = rules_.open_at(now_s);
    const Suspension* suspension = rules_.suspension_at(now_s);
    const bool shift = rules_.shift_on(now_s);
    if (suspension != suspension_ && suspension_ != nullptr) {
      result_.permit_events.push_back({now_s, "suspension_end", suspension_->reason});
    }
    if (suspension != suspension_ && suspension != nullptr) {
      result_.permit_events.push_back({now_s, "suspension_start", suspension->reason});
    }
    if (open != open_ || first_) result_.permit_events.push_back({now_s, open ? "service_open" : "service_close", ""});
    if (rules_.permit().safety_driver_vehicles > 0 && (shift != shift_ || first_)) {
      result_.permit_events.push_back({now_s, shift ? "shift_start" : "shift_end", "safety drivers"});
    }
    open_ = open;
    suspension_ = suspension;
    shift_ = shift;
    first_ = false;
  }

  using Suspension = rules::Suspension;
  const rules::PermitRules& rules_;
  FleetState& fleet_;
  SimulationResult& result_;
  std::vector<Location> depots_;
  bool first_ = true;
  bool open_ = false;
  bool shift_ = false;
  const Suspension* suspension_ = nullptr;
  size_t checked_ = 0;
};

Result<std::vector<RoadPosition>> starting_positions(RoadTravel& travel, const Scenario& scenario) {
  std::vector<RoadPosition> positions;
  if (!scenario.fleet.depots.empty()) {
    std::vector<RoadPosition> depots;
    for (size_t d = 0; d < scenario.fleet.depots.size(); ++d) {
      auto location = travel.locate(scenario.fleet.depots[d], scenario.limits.max_snap_m);
      if (!location.is_ok()) return invalid_input("fleet depot {}: {}", d, location.status().message());
      depots.push_back(location->options[0]);
    }
    for (uint32_t v = 0; v < scenario.fleet.size; ++v) positions.push_back(depots[v % depots.size()]);
    return positions;
  }
  const road::RoadGraph& graph = travel.graph();
  std::mt19937_64 random(scenario.seed);
  std::discrete_distribution<road::EdgeId> pick_edge(graph.distance_m.begin(), graph.distance_m.end());
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  for (uint32_t v = 0; v < scenario.fleet.size; ++v) positions.push_back({pick_edge(random), fraction(random)});
  return positions;
}

FleetSample sample_fleet(const FleetState& fleet, double now_s) {
  FleetSample sample{now_s, 0, 0, 0, 0, static_cast<uint32_t>(fleet.pending().size())};
  for (const VehicleState& vehicle : fleet.vehicles()) {
    if (vehicle.onboard > 0) {
      ++sample.occupied;
    } else if (!vehicle.plan.empty()) {
      ++sample.to_pickup;
    } else if (vehicle.reposition_to) {
      ++sample.repositioning;
    } else {
      ++sample.idle;
    }
  }
  return sample;
}

}  // namespace

Result<SimulationResult> simulate(RoadTravel& travel, const Scenario& scenario, const std::vector<TripRequest>& demand,
                                  const SimulationOptions& options) {
  if (scenario.fleet.size == 0) return invalid_input("scenario '{}': the fleet has no vehicles", scenario.name);
  if (!(scenario.end_s > scenario.start_s)) return invalid_input("scenario '{}': end must be after start", scenario.name);
  FleetState fleet(travel, scenario);
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<RoadPosition> positions, starting_positions(travel, scenario));
  for (const RoadPosition& position : positions) fleet.add_vehicle(position, scenario.start_s);
  const std::unique_ptr<Dispatcher> dispatcher = make_dispatcher(scenario.dispatch);
  std::unique_ptr<Rebalancer> rebalancer;
  if (scenario.rebalance.enabled) rebalancer = std::make_unique<Rebalancer>(fleet, scenario.rebalance);

  EventQueue<Event> queue;
  // Requests are renumbered densely in the order they enter the simulation.
  std::vector<TripRequest> admitted;
  for (const TripRequest& request : demand) {
    if (request.request_time_s < scenario.start_s || request.request_time_s >= scenario.end_s) continue;
    admitted.push_back(request);
  }
  sort_and_number(admitted);
  for (uint32_t i = 0; i < admitted.size(); ++i) queue.schedule(admitted[i].request_time_s, RequestArrives{i});
  if (dispatcher->tick_interval_s() > 0) queue.schedule(scenario.start_s + dispatcher->tick_interval_s(), DispatchTick{});
  if (options.sample_interval_s > 0) queue.schedule(scenario.start_s, TakeSample{});
  if (rebalancer) queue.schedule(scenario.start_s + scenario.rebalance.interval_s, RebalanceTick{});

  SimulationResult result;
  result.span_s = scenario.end_s - scenario.start_s;
  const double stop_s = scenario.end_s + scenario.drain_s;
  std::optional<PermitEnforcer> permit;
  if (options.permit != nullptr) {
    permit.emplace(*options.permit, fleet, scenario, result);
    result.admissions.resize(admitted.size());
    permit->apply(scenario.start_s);
    for (const double time_s : options.permit->change_times(scenario.start_s, stop_s)) {
      if (time_s > scenario.start_s) queue.schedule(time_s, PermitChange{});
    }
  }
  ProgressBar progress("simulating", static_cast<uint64_t>(result.span_s));
  if (!options.show_progress) progress.finish();

  auto schedule_changed = [&] {
    for (const uint32_t vehicle : fleet.take_changed_vehicles()) {
      const VehicleState& state = fleet.vehicles()[vehicle];
      if (state.driving) queue.schedule(state.arrival_s, VehicleArrives{vehicle, state.version});
    }
  };

  while (!queue.empty()) {
    double now_s = 0;
    const Event event = queue.pop(now_s);
    if (now_s > stop_s) break;
    ++result.events_processed;
    if (options.show_progress) progress.set(static_cast<uint64_t>(std::min(now_s, scenario.end_s) - scenario.start_s));
    if (const auto* arrives = std::get_if<RequestArrives>(&event)) {
      TripRequest request = admitted[arrives->index];
      if (options.permit != nullptr) {
        rules::Admission& admission = result.admissions[arrives->index];
        admission = options.permit->admit(request, scenario.limits.max_wait_s);
        if (admission.reason != RejectReason::kNone) {
          fleet.add_refused_request(request, admission.reason);
          request.id = UINT32_MAX;  // refused: not dispatched
        }
      }
      if (request.id != UINT32_MAX && fleet.add_request(request)) {
        dispatcher->on_request(fleet, arrives->index, now_s);
        queue.schedule(fleet.requests()[arrives->index].latest_pickup_s, PickupDeadline{arrives->index});
      }
    } else if (const auto* vehicle_arrives = std::get_if<VehicleArrives>(&event)) {
      VehicleState& vehicle = fleet.vehicles()[vehicle_arrives->vehicle];
      if (vehicle.version == vehicle_arrives->version && vehicle.driving) {
        fleet.arrive(vehicle.id, now_s);
        if (vehicle.plan.empty() && !vehicle.reposition_to) {
          if (vehicle.pickups_until_s == kNever) {
            if (permit) permit->send_to_depot(vehicle.id, now_s);
          } else {
            dispatcher->on_vehicle_idle(fleet, vehicle.id, now_s);
          }
        }
      }
    } else if (const auto* deadline = std::get_if<PickupDeadline>(&event)) {
      if (fleet.requests()[deadline->request].status == RequestStatus::kPending) {
        fleet.reject(deadline->request, RejectReason::kNoVehicleInTime, now_s);
      }
    } else if (std::holds_alternative<DispatchTick>(event)) {
      dispatcher->on_tick(fleet, now_s);
      if (now_s + dispatcher->tick_interval_s() < scenario.end_s + scenario.limits.max_wait_s) {
        queue.schedule(now_s + dispatcher->tick_interval_s(), DispatchTick{});
      }
    } else if (std::holds_alternative<PermitChange>(event)) {
      permit->apply(now_s);
    } else if (std::holds_alternative<RebalanceTick>(event)) {
      if (options.permit == nullptr || options.permit->open_at(now_s)) rebalancer->rebalance(fleet, now_s);
      if (now_s + scenario.rebalance.interval_s < scenario.end_s) {
        queue.schedule(now_s + scenario.rebalance.interval_s, RebalanceTick{});
      }
    } else if (std::holds_alternative<TakeSample>(event)) {
      result.samples.push_back(sample_fleet(fleet, now_s));
      if (now_s + options.sample_interval_s <= stop_s) queue.schedule(now_s + options.sample_interval_s, TakeSample{});
    }
    schedule_changed();
    if (permit) {
      const std::string broken = permit->check_pickups();
      if (!broken.empty()) return internal_error("permit broken: {}", broken);
    }
    if (options.verify) {
      const std::string broken = fleet.verify();
      if (!broken.empty()) return internal_error("simulation invariant broken at t={:.1f}s: {}", now_s, broken);
    }
  }
  progress.finish();
  for (const uint32_t request : std::vector<uint32_t>(fleet.pending())) {
    fleet.reject(request, RejectReason::kAfterServiceEnd, stop_s);
  }
  result.requests = fleet.requests();
  result.vehicles = fleet.vehicles();
  result.events = fleet.events();
  std::stable_sort(result.events.begin(), result.events.end(),
                   [](const VehicleEvent& a, const VehicleEvent& b) { return a.time_s < b.time_s; });
  return result;
}

}  // namespace bitgoeul::taxi
