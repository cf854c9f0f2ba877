#include "taxi/simulation.h"

#include <algorithm>
#include <random>
#include <variant>

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
using Event = std::variant<RequestArrives, VehicleArrives, PickupDeadline, DispatchTick, TakeSample, RebalanceTick>;

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
      if (fleet.add_request(admitted[arrives->index])) {
        dispatcher->on_request(fleet, arrives->index, now_s);
        queue.schedule(fleet.requests()[arrives->index].latest_pickup_s, PickupDeadline{arrives->index});
      }
    } else if (const auto* vehicle_arrives = std::get_if<VehicleArrives>(&event)) {
      VehicleState& vehicle = fleet.vehicles()[vehicle_arrives->vehicle];
      if (vehicle.version == vehicle_arrives->version && vehicle.driving) {
        fleet.arrive(vehicle.id, now_s);
        if (vehicle.plan.empty() && !vehicle.reposition_to) dispatcher->on_vehicle_idle(fleet, vehicle.id, now_s);
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
    } else if (std::holds_alternative<RebalanceTick>(event)) {
      rebalancer->rebalance(fleet, now_s);
      if (now_s + scenario.rebalance.interval_s < scenario.end_s) {
        queue.schedule(now_s + scenario.rebalance.interval_s, RebalanceTick{});
      }
    } else if (std::holds_alternative<TakeSample>(event)) {
      result.samples.push_back(sample_fleet(fleet, now_s));
      if (now_s + options.sample_interval_s <= stop_s) queue.schedule(now_s + options.sample_interval_s, TakeSample{});
    }
    schedule_changed();
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
