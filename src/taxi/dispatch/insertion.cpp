#include "taxi/dispatch/insertion.h"

#include <algorithm>
#include <limits>

namespace bitgoeul::taxi {

// The vehicles nearest the rider (by the bound below) that are tried: farther ones almost never win, and trying
// all of a large fleet for every request would cost the fleet size in route searches.
constexpr size_t kMaxCandidates = 30;

bool InsertionDispatcher::insert(FleetState& fleet, uint32_t request_id, double now_s) {
  const RequestState& request = fleet.requests()[request_id];
  const double max_speed_mps = fleet.travel().max_speed_mps();
  double best_cost_s = std::numeric_limits<double>::infinity();
  uint32_t best_vehicle = UINT32_MAX;
  std::vector<Stop> best_plan;
  std::vector<double> etas;
  std::vector<double> base_etas;
  std::vector<Stop> candidate;
  // Vehicles in order of a lower bound on their pick-up time (crow-fly at the network's top speed); the rider's
  // time to destination alone makes any insertion cost at least that bound plus the direct drive, so the scan stops
  // once the bound cannot beat the best insertion found.
  std::vector<std::pair<double, uint32_t>> candidates;
  for (const VehicleState& vehicle : fleet.vehicles()) {
    if (vehicle.capacity < request.request.passengers) continue;
    const double start_s = std::max(now_s, vehicle.anchor_s);
    const double earliest_pickup_s = start_s + fleet.crow_fly_m(vehicle, now_s, request.origin.point) / max_speed_mps;
    if (earliest_pickup_s > request.latest_pickup_s) continue;
    candidates.emplace_back(earliest_pickup_s, vehicle.id);
  }
  std::sort(candidates.begin(), candidates.end());
  if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
  for (const auto& [earliest_pickup_s, vehicle_id] : candidates) {
    if (earliest_pickup_s - now_s + request.direct_time_s >= best_cost_s) break;
    const VehicleState& vehicle = fleet.vehicles()[vehicle_id];
    const double start_s = std::max(now_s, vehicle.anchor_s);
    if (!fleet.evaluate_plan(vehicle, vehicle.plan, now_s, &base_etas)) continue;  // committed plans stay feasible
    const double base_end_s = base_etas.empty() ? start_s : base_etas.back();
    const size_t stops = vehicle.plan.size();
    for (size_t pickup_at = 0; pickup_at <= stops; ++pickup_at) {
      for (size_t dropoff_at = pickup_at + 1; dropoff_at <= stops + 1; ++dropoff_at) {
        candidate = vehicle.plan;
        candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(pickup_at), {Stop::Kind::kPickup, request_id});
        candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(dropoff_at), {Stop::Kind::kDropoff, request_id});
        if (!fleet.evaluate_plan(vehicle, candidate, now_s, &etas)) continue;
        // Vehicle time added, plus the new rider's time to destination, plus the delay every rider already planned
        // suffers at their stops: riders' time counts as much as the vehicle's.
        double cost_s = (etas.back() - base_end_s) + (etas[dropoff_at] - now_s);
        for (size_t old = 0, fresh = 0; fresh < candidate.size(); ++fresh) {
          if (fresh == pickup_at || fresh == dropoff_at) continue;
          cost_s += etas[fresh] - base_etas[old++];
        }
        if (cost_s < best_cost_s) {
          best_cost_s = cost_s;
          best_vehicle = vehicle.id;
          best_plan = candidate;
        }
      }
    }
  }
  if (best_vehicle == UINT32_MAX) return false;
  fleet.commit_plan(best_vehicle, std::move(best_plan), now_s);
  return true;
}

void InsertionDispatcher::on_request(FleetState& fleet, uint32_t request, double now_s) {
  if (interval_s_ <= 0) insert(fleet, request, now_s);
}

void InsertionDispatcher::on_vehicle_idle(FleetState& fleet, uint32_t /*vehicle*/, double now_s) {
  if (interval_s_ > 0) return;
  const std::vector<uint32_t> waiting = fleet.pending();
  for (const uint32_t request : waiting) insert(fleet, request, now_s);
}

void InsertionDispatcher::on_tick(FleetState& fleet, double now_s) {
  const std::vector<uint32_t> waiting = fleet.pending();
  for (const uint32_t request : waiting) insert(fleet, request, now_s);
}

}  // namespace bitgoeul::taxi
