#include "taxi/dispatch/insertion.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "geo/lat_lon.h"

namespace bitgoeul::taxi {
namespace {

// The vehicles nearest the rider (by the bound below) that are tried: farther ones almost never win, and trying
// all of a large fleet for every request would cost the fleet size in route searches.
constexpr size_t kMaxCandidates = 30;

using Hop = FleetState::Hop;
using Times = std::array<road::TravelTimeMs, road::ChSpaceTable::kMaxSpaces>;

// The drive from `from` to the best option of `to` when `ms(i)` is the hierarchy's time to option i: the choice
// FleetState::measure_hop makes, option by option in the same order.
template <typename MsOf>
Hop pick(const RoadTravel& travel, const RoadPosition& from, const Location& to, MsOf ms) {
  Hop best;
  for (uint8_t i = 0; i < to.option_count; ++i) {
    const road::TravelTimeMs via_ms = ms(i);
    double seconds = via_ms == road::kInfiniteTime ? kUnreachable : via_ms / 1000.0;
    seconds = std::min(seconds, travel.ahead_on_edge_s(from, to.options[i]));
    if (seconds < best.seconds) best = {seconds, i};
  }
  return best;
}

}  // namespace

// Scratch of one dispatcher, reused from request to request (no allocation per request once warm).
class InsertionDispatcher::Search {
 public:
  explicit Search(uint32_t node_count) : to_new_(node_count), from_new_(node_count) {}
  std::optional<Insertion> cheapest(FleetState& fleet, uint32_t request_id, double now_s);

 private:
  // A vehicle's committed plan as evaluate_plan drives it from now: kept until the plan or the moment changes.
  struct Route {
    uint64_t version = UINT64_MAX;
    double at_s = -1.0;
    double pickups_until_s = 0.0;
    bool feasible = false;
    double start_s = 0.0;
    std::vector<uint8_t> option;        // the option each stop is reached at
    std::vector<double> eta;            // arrival at each stop
    std::vector<int> onboard;           // riders aboard after each stop
    std::vector<int32_t> pickup_index;  // per drop-off: its pick-up's index in the plan, -1 if the rider is aboard
    // Per stop, the latest arrival there that leaves every later pick-up and every aboard rider's drop-off in
    // time, whatever is inserted before or after it (KaRRi's leeway): each hop after it takes at least the
    // shorter of its options' hops at the day's lowest factor.
    std::vector<double> latest_s;
    // Per place i (0..stops), how much sooner the stops from i on could be reached, at most, than the plan reaches
    // them, if an insertion before them made the vehicle arrive at a different option (of a two-way road) from
    // which the next hop is shorter: the sum over stops k >= i of hop(k, its option) - the shorter hop (in
    // seconds at a constant congestion factor). Zero when every stop's option is also the better one to leave.
    std::vector<double> gain_s;
  };
  const Route& route(FleetState& fleet, const VehicleState& vehicle, double now_s);

  // Times from option `o` of plan stop `k` to each option of the new rider's stops (slots as laid out), and to it
  // from them: one pass over the stop's search space each, remembered for the vehicle being tried.
  const Times& out_ms(FleetState& fleet, const VehicleState& vehicle, size_t k, uint8_t o);
  const Times& in_ms(FleetState& fleet, const VehicleState& vehicle, size_t k, uint8_t o);

  void try_vehicle(FleetState& fleet, const VehicleState& vehicle, double now_s);
  // A lower bound on the cost of any insertion with the pick-up before plan stop i at `pickup_s` or later: the
  // rider's own time to destination, less what the stops after it could gain (Route::gain_s), for each of them
  // and for the plan's end. With a constant congestion factor an insertion delays the first stop after it (the
  // triangle inequality, and each stop's option is the nearer one), and each later stop by at least as much less
  // the gains in between; with factors that change by the hour, no bound (-inf).
  double cost_bound_s(const Route& base, size_t i, double pickup_s, double now_s) const {
    if (!constant_factor_) return -std::numeric_limits<double>::infinity();
    const double later_stops = static_cast<double>(base.gain_s.size() - i);  // the stops from i on, and the end
    return pickup_s - now_s + dwell_s_ + direct_bound_s_ - later_stops * base.gain_s[i];
  }
  // The insertion of the drop-off before plan stop m (after the pick-up before stop i and the stops between).
  void try_dropoff(FleetState& fleet, const VehicleState& vehicle, const Route& base, size_t i, size_t m,
                   double now_s);

  // Where a stop is on the road (its first option; a two-way road's second option is the same point).
  const geo::LatLon& road_point(FleetState& fleet, const Stop& stop);
  // Seconds a drive between two road points takes at the least: crow-fly metres (less a metre each for rounding)
  // at the network's top speed and the day's lowest congestion factor.
  double bound_s(double crow_fly_m) const { return std::max(0.0, crow_fly_m - 2.0) / max_speed_mps_ * min_factor_; }
  double bound_s(const geo::LatLon& a, const geo::LatLon& b) const { return bound_s(0.99 * geo::haversine_m(a, b)); }

  road::ChSpaceTable to_new_;    // the new rider's pick-up and drop-off options, spaces of routes arriving there
  road::ChSpaceTable from_new_;  // ... and of routes leaving them
  std::vector<Route> routes_;    // per vehicle
  std::vector<double> crow_fly_m_;                       // per vehicle, the cheap ranking
  std::vector<std::pair<double, uint32_t>> rough_;       // (cheap bound, vehicle) of the possible candidates
  std::vector<std::pair<double, uint32_t>> candidates_;  // (exact bound, vehicle), nearest first
  std::vector<std::array<std::optional<geo::LatLon>, 2>> road_points_;  // per request: pick-up, drop-off

  // The request being inserted.
  uint32_t request_ = 0;
  const RequestState* rider_ = nullptr;
  const Location* pickup_ = nullptr;
  const Location* dropoff_ = nullptr;
  size_t dropoff_slot_ = 0;  // the drop-off's first option's slot in the tables (pick-up options come first)
  std::array<Hop, 2> direct_{};  // from each pick-up option to the drop-off
  double direct_bound_s_ = 0.0;  // the shorter of them at the day's lowest factor
  geo::LatLon pickup_point_;
  geo::LatLon dropoff_point_;
  double max_speed_mps_ = 1.0;
  double min_factor_ = 1.0;
  bool constant_factor_ = true;  // the same congestion factor all day: cost bounds hold
  double dwell_s_ = 0.0;

  // The vehicle being tried.
  std::vector<std::array<Times, 2>> out_, in_;
  std::vector<std::array<bool, 2>> out_known_, in_known_;
  // The insertion being tried: the state right after the pick-up, and arrivals at plan stops after it.
  double pickup_s_ = 0.0;
  double after_s_ = 0.0;  // when the vehicle leaves its current stop
  bool at_pickup_ = true;
  uint8_t at_option_ = 0;
  int onboard_ = 0;
  std::vector<double> shifted_eta_;  // per plan stop at or after the pick-up, with the drop-off not yet made
  std::vector<double> final_eta_;    // per plan stop after the drop-off

  // The best so far.
  double best_cost_s_ = 0.0;
  uint32_t best_vehicle_ = UINT32_MAX;
  size_t best_pickup_at_ = 0;
  size_t best_dropoff_before_ = 0;
};

const InsertionDispatcher::Search::Route& InsertionDispatcher::Search::route(FleetState& fleet,
                                                                             const VehicleState& vehicle,
                                                                             double now_s) {
  Route& route = routes_[vehicle.id];
  if (route.version == vehicle.version && route.at_s == now_s && route.pickups_until_s == vehicle.pickups_until_s) {
    return route;
  }
  route.version = vehicle.version;
  route.at_s = now_s;
  route.pickups_until_s = vehicle.pickups_until_s;
  route.feasible = false;
  const size_t stops = vehicle.plan.size();
  route.option.assign(stops, 0);
  route.eta.assign(stops, 0.0);
  route.onboard.assign(stops, 0);
  route.pickup_index.assign(stops, -1);
  route.latest_s.assign(stops, std::numeric_limits<double>::infinity());
  route.gain_s.assign(stops + 1, 0.0);
  route.start_s = std::max(now_s, vehicle.anchor_s);
  // As FleetState::evaluate_plan(vehicle, vehicle.plan, now_s): the same hops in the same order.
  double time_s = route.start_s;
  int onboard = vehicle.onboard;
  for (size_t k = 0; k < stops; ++k) {
    const Stop& stop = vehicle.plan[k];
    Hop hop;
    if (k > 0) {
      hop = fleet.plan_hop(vehicle.id, k - 1, route.option[k - 1]);
    } else if (const std::optional<Hop> heading = fleet.heading_hop(vehicle, now_s)) {
      hop = *heading;
    } else {
      const RoadPosition position = fleet.position_now(vehicle, now_s);
      hop = fleet.measure_hop(fleet.position_space(vehicle, position), position, stop);
    }
    if (hop.seconds >= kUnreachable) return route;
    time_s += hop.seconds * fleet.travel_factor(time_s);
    const RequestState& request = fleet.requests()[stop.request];
    if (stop.kind == Stop::Kind::kPickup) {
      if (time_s > request.latest_pickup_s || time_s > vehicle.pickups_until_s) return route;
      onboard += request.request.passengers;
      if (onboard > vehicle.capacity) return route;
    } else {
      double pickup_s = request.pickup_s;
      if (request.status != RequestStatus::kOnboard) {
        int32_t found = -1;
        for (size_t p = 0; p < k && found < 0; ++p) {
          if (vehicle.plan[p].kind == Stop::Kind::kPickup && vehicle.plan[p].request == stop.request) {
            found = static_cast<int32_t>(p);
          }
        }
        if (found < 0) return route;  // drop-off before pick-up
        route.pickup_index[k] = found;
        pickup_s = route.eta[static_cast<size_t>(found)];
      }
      if (time_s - pickup_s > request.max_ride_s) return route;
      onboard -= request.request.passengers;
    }
    route.option[k] = hop.option;
    route.eta[k] = time_s;
    route.onboard[k] = onboard;
    time_s += dwell_s_;
  }
  route.feasible = true;
  double later_s = std::numeric_limits<double>::infinity();
  for (size_t k = stops; k-- > 0;) {
    const Stop& stop = vehicle.plan[k];
    const RequestState& request = fleet.requests()[stop.request];
    double own_s = std::numeric_limits<double>::infinity();
    if (stop.kind == Stop::Kind::kPickup) {
      own_s = std::min(request.latest_pickup_s, vehicle.pickups_until_s);
    } else if (route.pickup_index[k] < 0) {
      own_s = request.pickup_s + request.max_ride_s;
    }
    route.gain_s[k] = route.gain_s[k + 1];
    if (k + 1 < stops) {
      double shortest_s = kUnreachable;
      for (uint8_t o = 0; o < fleet.stop_location(stop).option_count; ++o) {
        shortest_s = std::min(shortest_s, fleet.plan_hop(vehicle.id, k, o).seconds);
      }
      own_s = std::min(own_s, later_s - dwell_s_ - shortest_s * min_factor_);
      route.gain_s[k] += (fleet.plan_hop(vehicle.id, k, route.option[k]).seconds - shortest_s) * min_factor_;
    }
    route.latest_s[k] = own_s;
    later_s = own_s;
  }
  return route;
}

const geo::LatLon& InsertionDispatcher::Search::road_point(FleetState& fleet, const Stop& stop) {
  if (road_points_.size() <= stop.request) road_points_.resize(fleet.requests().size());
  std::optional<geo::LatLon>& point = road_points_[stop.request][stop.kind == Stop::Kind::kPickup ? 0 : 1];
  if (!point) point = fleet.travel().point_of(fleet.stop_location(stop).options[0]);
  return *point;
}

const Times& InsertionDispatcher::Search::out_ms(FleetState& fleet, const VehicleState& vehicle, size_t k,
                                                 uint8_t o) {
  if (!out_known_[k][o]) {
    to_new_.meet_all(fleet.stop_spaces(vehicle.plan[k])[o].from, out_[k][o]);
    out_known_[k][o] = true;
  }
  return out_[k][o];
}

const Times& InsertionDispatcher::Search::in_ms(FleetState& fleet, const VehicleState& vehicle, size_t k,
                                                uint8_t o) {
  if (!in_known_[k][o]) {
    from_new_.meet_all(fleet.stop_spaces(vehicle.plan[k])[o].to, in_[k][o]);
    in_known_[k][o] = true;
  }
  return in_[k][o];
}

std::optional<InsertionDispatcher::Insertion> InsertionDispatcher::Search::cheapest(FleetState& fleet,
                                                                                    uint32_t request_id,
                                                                                    double now_s) {
  request_ = request_id;
  rider_ = &fleet.requests()[request_id];
  const RequestState& rider = *rider_;
  const Stop pickup{Stop::Kind::kPickup, request_id};
  const Stop dropoff{Stop::Kind::kDropoff, request_id};
  pickup_ = &fleet.stop_location(pickup);
  dropoff_ = &fleet.stop_location(dropoff);
  max_speed_mps_ = fleet.travel().max_speed_mps();
  const auto& factors = fleet.scenario().travel_time_factor;
  min_factor_ = *std::min_element(factors.begin(), factors.end());
  constant_factor_ = min_factor_ == *std::max_element(factors.begin(), factors.end());
  dwell_s_ = fleet.scenario().limits.dwell_s;
  if (routes_.size() < fleet.vehicles().size()) routes_.resize(fleet.vehicles().size());

  // The rider's spaces, laid out once for every vehicle stop to meet.
  const FleetState::StopSpaces& pickup_spaces = fleet.stop_spaces(pickup);
  const FleetState::StopSpaces& dropoff_spaces = fleet.stop_spaces(dropoff);
  std::vector<const road::ChSearchSpace*> arriving;
  std::vector<const road::ChSearchSpace*> leaving;
  for (uint8_t q = 0; q < pickup_->option_count; ++q) {
    arriving.push_back(&pickup_spaces[q].to);
    leaving.push_back(&pickup_spaces[q].from);
  }
  dropoff_slot_ = pickup_->option_count;
  for (uint8_t q = 0; q < dropoff_->option_count; ++q) {
    arriving.push_back(&dropoff_spaces[q].to);
    leaving.push_back(&dropoff_spaces[q].from);
  }
  to_new_.assign(arriving);
  from_new_.assign(leaving);
  direct_bound_s_ = kUnreachable;
  for (uint8_t q = 0; q < pickup_->option_count; ++q) {
    Times times;
    to_new_.meet_all(pickup_spaces[q].from, times);
    direct_[q] = pick(fleet.travel(), pickup_->options[q], *dropoff_, [&](uint8_t d) { return times[dropoff_slot_ + d]; });
    direct_bound_s_ = std::min(direct_bound_s_, direct_[q].seconds * min_factor_);
  }
  pickup_point_ = road_point(fleet, pickup);
  dropoff_point_ = road_point(fleet, dropoff);

  // Vehicles in order of a lower bound on their pick-up time (crow-fly at the network's top speed); the rider's
  // time to destination alone makes any insertion cost at least that bound plus the direct drive, so the scan stops
  // once the bound cannot beat the best insertion found.
  // Ranked cheaply first (crow_fly_all_m), then exactly among those that can be among the nearest: the same
  // vehicles in the same order as ranking the whole fleet exactly.
  fleet.crow_fly_all_m(now_s, rider.origin.point, crow_fly_m_);
  constexpr double kSlack = 1e-9;  // relative: far above the last-place differences of the cheap ranking
  rough_.clear();
  for (const VehicleState& vehicle : fleet.vehicles()) {
    if (vehicle.capacity < rider.request.passengers) continue;
    const double start_s = std::max(now_s, vehicle.anchor_s);
    const double earliest_pickup_s = start_s + crow_fly_m_[vehicle.id] / max_speed_mps_;
    // A vehicle that cannot be there before the rider's limit, or before its own pick-ups end (off shift, over the
    // permit's cap, pulled), is no candidate: it must not take the place of one that is.
    const double limit_s = std::min(rider.latest_pickup_s, vehicle.pickups_until_s);
    if (earliest_pickup_s > limit_s * (1 + kSlack) + kSlack) continue;
    rough_.emplace_back(earliest_pickup_s, vehicle.id);
  }
  if (rough_.size() > kMaxCandidates) {
    std::nth_element(rough_.begin(), rough_.begin() + kMaxCandidates - 1, rough_.end());
    const double cut_s = rough_[kMaxCandidates - 1].first * (1 + kSlack) + kSlack;
    rough_.erase(std::remove_if(rough_.begin(), rough_.end(), [&](const auto& entry) { return entry.first > cut_s; }),
                 rough_.end());
  }
  std::vector<std::pair<double, uint32_t>>& candidates = candidates_;
  candidates.clear();
  for (const auto& [rough_s, vehicle_id] : rough_) {
    const VehicleState& vehicle = fleet.vehicles()[vehicle_id];
    const double start_s = std::max(now_s, vehicle.anchor_s);
    const double earliest_pickup_s = start_s + fleet.crow_fly_m(vehicle, now_s, rider.origin.point) / max_speed_mps_;
    if (earliest_pickup_s > std::min(rider.latest_pickup_s, vehicle.pickups_until_s)) continue;
    candidates.emplace_back(earliest_pickup_s, vehicle.id);
  }
  std::sort(candidates.begin(), candidates.end());
  if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
  best_cost_s_ = std::numeric_limits<double>::infinity();
  best_vehicle_ = UINT32_MAX;
  for (const auto& [earliest_pickup_s, vehicle_id] : candidates) {
    if (earliest_pickup_s - now_s + rider.direct_time_s >= best_cost_s_) break;
    try_vehicle(fleet, fleet.vehicles()[vehicle_id], now_s);
  }
  if (best_vehicle_ == UINT32_MAX) return std::nullopt;
  Insertion best;
  best.vehicle = best_vehicle_;
  best.cost_s = best_cost_s_;
  best.plan = fleet.vehicles()[best_vehicle_].plan;
  best.plan.insert(best.plan.begin() + static_cast<std::ptrdiff_t>(best_dropoff_before_), dropoff);
  best.plan.insert(best.plan.begin() + static_cast<std::ptrdiff_t>(best_pickup_at_), pickup);
  return best;
}

void InsertionDispatcher::Search::try_vehicle(FleetState& fleet, const VehicleState& vehicle, double now_s) {
  const Route& base = route(fleet, vehicle, now_s);
  if (!base.feasible) return;  // committed plans stay feasible
  const RequestState& rider = *rider_;
  const int passengers = rider.request.passengers;
  const size_t stops = vehicle.plan.size();
  out_.resize(stops);
  in_.resize(stops);
  out_known_.assign(stops, {false, false});
  in_known_.assign(stops, {false, false});
  shifted_eta_.resize(stops);
  final_eta_.resize(stops);
  // The rider's pick-up must also fall within the vehicle's pick-up hours (a permit's shift).
  const double latest_pickup_s = std::min(rider.latest_pickup_s, vehicle.pickups_until_s);

  // Pick-up before plan stop i (after stops 0..i-1, which keep their times).
  for (size_t i = 0; i <= stops; ++i) {
    const double leave_s = i == 0 ? base.start_s : base.eta[i - 1] + dwell_s_;
    if (leave_s > latest_pickup_s) break;  // and later places leave later still
    const int onboard = (i == 0 ? vehicle.onboard : base.onboard[i - 1]) + passengers;
    if (onboard > vehicle.capacity) continue;
    // Bounds first: the pick-up in time, and then the next stop in time (after the new rider's stops or one).
    const double pickup_bound_s =
        leave_s + (i == 0 ? bound_s(fleet.crow_fly_m(vehicle, now_s, pickup_point_))
                          : bound_s(road_point(fleet, vehicle.plan[i - 1]), pickup_point_));
    if (pickup_bound_s > latest_pickup_s) continue;
    if (cost_bound_s(base, i, pickup_bound_s, now_s) >= best_cost_s_) continue;
    // The latest pick-up that can still lead anywhere: in the rider's window, leaving the next stop in time, and
    // (constant factors) cheaper than the best insertion so far.
    double pickup_by_s = latest_pickup_s;
    if (i < stops) {
      const geo::LatLon& next = road_point(fleet, vehicle.plan[i]);
      const double to_next_s = std::min(bound_s(pickup_point_, next),
                                        direct_bound_s_ + dwell_s_ + bound_s(dropoff_point_, next));
      if (pickup_bound_s + dwell_s_ + to_next_s > base.latest_s[i]) continue;
      pickup_by_s = std::min(pickup_by_s, base.latest_s[i] - dwell_s_ - to_next_s);
    }
    pickup_by_s = std::min(pickup_by_s, best_cost_s_ - cost_bound_s(base, i, now_s, now_s) + now_s);
    Hop to_pickup;
    if (i == 0) {
      // A moving vehicle's search (one per moment) needs to reach no farther than that; a parked one's is kept
      // whole for every rider until it moves.
      const double reach_ms = (pickup_by_s - leave_s) / fleet.travel_factor(leave_s) * 1000.0 + 2.0;
      const road::TravelTimeMs limit_ms =
          !vehicle.driving || reach_ms >= static_cast<double>(road::kInfiniteTime)
              ? road::kInfiniteTime
              : static_cast<road::TravelTimeMs>(std::max(0.0, reach_ms));
      const RoadPosition position = fleet.position_now(vehicle, now_s);
      Times times;
      to_new_.meet_all(fleet.position_space(vehicle, position, limit_ms), times);
      to_pickup = pick(fleet.travel(), position, *pickup_, [&](uint8_t q) { return times[q]; });
    } else {
      const Location& from = fleet.stop_location(vehicle.plan[i - 1]);
      const uint8_t o = base.option[i - 1];
      const Times& times = out_ms(fleet, vehicle, i - 1, o);
      to_pickup = pick(fleet.travel(), from.options[o], *pickup_, [&](uint8_t q) { return times[q]; });
    }
    if (to_pickup.seconds >= kUnreachable) continue;
    pickup_s_ = leave_s + to_pickup.seconds * fleet.travel_factor(leave_s);
    if (pickup_s_ > rider.latest_pickup_s || pickup_s_ > vehicle.pickups_until_s) continue;
    if (cost_bound_s(base, i, pickup_s_, now_s) >= best_cost_s_) continue;
    after_s_ = pickup_s_ + dwell_s_;
    at_pickup_ = true;
    at_option_ = to_pickup.option;
    onboard_ = onboard;
    // Drop-off before plan stop m, then on to stop m with the rider aboard.
    for (size_t m = i;; ++m) {
      if (after_s_ - pickup_s_ > rider.max_ride_s) break;  // the drop-off comes later still
      try_dropoff(fleet, vehicle, base, i, m, now_s);
      if (m == stops) break;
      const Stop& stop = vehicle.plan[m];
      Hop hop;
      if (at_pickup_) {
        if (after_s_ + bound_s(pickup_point_, road_point(fleet, stop)) > base.latest_s[m]) break;
        const Location& to = fleet.stop_location(stop);
        const uint8_t q = at_option_;
        hop = pick(fleet.travel(), pickup_->options[q], to,
                   [&](uint8_t o) { return in_ms(fleet, vehicle, m, o)[q]; });
      } else {
        hop = fleet.plan_hop(vehicle.id, m - 1, at_option_);
      }
      if (hop.seconds >= kUnreachable) break;
      const double arrive_s = after_s_ + hop.seconds * fleet.travel_factor(after_s_);
      if (arrive_s > base.latest_s[m]) break;
      const RequestState& request = fleet.requests()[stop.request];
      if (stop.kind == Stop::Kind::kPickup) {
        if (arrive_s > request.latest_pickup_s || arrive_s > vehicle.pickups_until_s) break;
        onboard_ += request.request.passengers;
        if (onboard_ > vehicle.capacity) break;
      } else {
        const int32_t p = base.pickup_index[m];
        const double pickup_s = p < 0                         ? request.pickup_s
                                : static_cast<size_t>(p) < i ? base.eta[static_cast<size_t>(p)]
                                                              : shifted_eta_[static_cast<size_t>(p)];
        if (arrive_s - pickup_s > request.max_ride_s) break;
        onboard_ -= request.request.passengers;
      }
      shifted_eta_[m] = arrive_s;
      after_s_ = arrive_s + dwell_s_;
      at_pickup_ = false;
      at_option_ = hop.option;
    }
  }
}

void InsertionDispatcher::Search::try_dropoff(FleetState& fleet, const VehicleState& vehicle, const Route& base,
                                              size_t i, size_t m, double now_s) {
  const RequestState& rider = *rider_;
  Hop to_dropoff;
  if (at_pickup_) {
    to_dropoff = direct_[at_option_];
  } else {
    if (after_s_ + bound_s(road_point(fleet, vehicle.plan[m - 1]), dropoff_point_) - pickup_s_ > rider.max_ride_s) {
      return;
    }
    const Location& from = fleet.stop_location(vehicle.plan[m - 1]);
    const Times& times = out_ms(fleet, vehicle, m - 1, at_option_);
    to_dropoff = pick(fleet.travel(), from.options[at_option_], *dropoff_,
                      [&](uint8_t d) { return times[dropoff_slot_ + d]; });
  }
  if (to_dropoff.seconds >= kUnreachable) return;
  const double dropoff_s = after_s_ + to_dropoff.seconds * fleet.travel_factor(after_s_);
  if (dropoff_s - pickup_s_ > rider.max_ride_s) return;
  if (m < vehicle.plan.size() &&
      dropoff_s + dwell_s_ + bound_s(dropoff_point_, road_point(fleet, vehicle.plan[m])) > base.latest_s[m]) {
    return;
  }
  // The rest of the plan, as committed, from the drop-off on.
  const size_t stops = vehicle.plan.size();
  int onboard = onboard_ - rider.request.passengers;
  double leave_s = dropoff_s + dwell_s_;
  uint8_t option = to_dropoff.option;
  for (size_t k = m; k < stops; ++k) {
    const Stop& stop = vehicle.plan[k];
    Hop hop;
    if (k == m) {
      const size_t d = dropoff_slot_ + option;
      hop = pick(fleet.travel(), dropoff_->options[option], fleet.stop_location(stop),
                 [&](uint8_t o) { return in_ms(fleet, vehicle, k, o)[d]; });
    } else {
      hop = fleet.plan_hop(vehicle.id, k - 1, option);
    }
    if (hop.seconds >= kUnreachable) return;
    const double arrive_s = leave_s + hop.seconds * fleet.travel_factor(leave_s);
    if (arrive_s > base.latest_s[k]) return;
    const RequestState& request = fleet.requests()[stop.request];
    if (stop.kind == Stop::Kind::kPickup) {
      if (arrive_s > request.latest_pickup_s || arrive_s > vehicle.pickups_until_s) return;
      onboard += request.request.passengers;
      if (onboard > vehicle.capacity) return;
    } else {
      const int32_t p = base.pickup_index[k];
      const size_t at = static_cast<size_t>(p);
      const double pickup_s = p < 0    ? request.pickup_s
                              : at < i ? base.eta[at]
                              : at < m ? shifted_eta_[at]
                                       : final_eta_[at];
      if (arrive_s - pickup_s > request.max_ride_s) return;
      onboard -= request.request.passengers;
    }
    final_eta_[k] = arrive_s;
    leave_s = arrive_s + dwell_s_;
    option = hop.option;
  }
  // Vehicle time added, plus the new rider's time to destination, plus the delay every rider already planned
  // suffers at their stops: riders' time counts as much as the vehicle's. Summed in plan order, as the plan's
  // evaluation would (the stops before the pick-up add nothing).
  const double base_end_s = stops == 0 ? base.start_s : base.eta[stops - 1];
  const double end_s = m == stops ? dropoff_s : final_eta_[stops - 1];
  double cost_s = (end_s - base_end_s) + (dropoff_s - now_s);
  for (size_t k = i; k < m; ++k) cost_s += shifted_eta_[k] - base.eta[k];
  for (size_t k = m; k < stops; ++k) cost_s += final_eta_[k] - base.eta[k];
  if (cost_s < best_cost_s_) {
    best_cost_s_ = cost_s;
    best_vehicle_ = vehicle.id;
    best_pickup_at_ = i;
    best_dropoff_before_ = m;
  }
}

InsertionDispatcher::InsertionDispatcher(double interval_s) : interval_s_(interval_s) {}
InsertionDispatcher::~InsertionDispatcher() = default;

std::optional<InsertionDispatcher::Insertion> InsertionDispatcher::cheapest(FleetState& fleet, uint32_t request,
                                                                            double now_s) {
  if (!search_) search_ = std::make_unique<Search>(static_cast<uint32_t>(fleet.travel().ch().node_count()));
  return search_->cheapest(fleet, request, now_s);
}

bool InsertionDispatcher::insert(FleetState& fleet, uint32_t request, double now_s) {
  std::optional<Insertion> best = cheapest(fleet, request, now_s);
  if (!best) return false;
  fleet.commit_plan(best->vehicle, std::move(best->plan), now_s);
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
