// The common baseline: a request goes at once to the idle vehicle that reaches it first; a request nobody can
// reach in time waits, and a vehicle that becomes free takes the oldest waiting request it can still reach.

#include "taxi/dispatch/nearest_idle.h"

#include <algorithm>
#include <numeric>

namespace bitgoeul::taxi {

void NearestIdleDispatcher::on_request(FleetState& fleet, uint32_t request_id, double now_s) {
  const std::vector<uint32_t> idle = idle_vehicles(fleet);
  if (idle.empty()) return;
  positions_.clear();
  for (const uint32_t vehicle : idle) positions_.push_back(fleet.position_now(fleet.vehicles()[vehicle], now_s));
  fleet.travel().times_to(positions_, fleet.requests()[request_id].origin, seconds_);
  std::vector<size_t> order(idle.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return seconds_[a] < seconds_[b]; });
  const std::vector<Stop> plan = solo_plan(request_id);
  for (const size_t candidate : order) {
    if (seconds_[candidate] >= kUnreachable) break;
    const VehicleState& vehicle = fleet.vehicles()[idle[candidate]];
    if (fleet.evaluate_plan(vehicle, plan, now_s)) {
      fleet.commit_plan(vehicle.id, plan, now_s);
      return;
    }
  }
}

void NearestIdleDispatcher::on_vehicle_idle(FleetState& fleet, uint32_t vehicle_id, double now_s) {
  const VehicleState& vehicle = fleet.vehicles()[vehicle_id];
  for (const uint32_t request_id : fleet.pending()) {
    const std::vector<Stop> plan = solo_plan(request_id);
    if (fleet.evaluate_plan(vehicle, plan, now_s)) {
      fleet.commit_plan(vehicle_id, plan, now_s);
      return;
    }
  }
}

}  // namespace bitgoeul::taxi
