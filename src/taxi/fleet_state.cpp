#include "taxi/fleet_state.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace bitgoeul::taxi {

const char* reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kNone: return "none";
    case RejectReason::kNotOnRoad: return "not_on_road";
    case RejectReason::kUnroutable: return "unroutable";
    case RejectReason::kTooManyPassengers: return "too_many_passengers";
    case RejectReason::kNoVehicleInTime: return "no_vehicle_in_time";
    case RejectReason::kAfterServiceEnd: return "after_service_end";
    case RejectReason::kOutsidePermittedArea: return "permit_area";
    case RejectReason::kOutsideOperatingHours: return "permit_hours";
    case RejectReason::kNoDesignatedStop: return "permit_no_stop_within_walk";
    case RejectReason::kServiceSuspended: return "permit_suspension";
  }
  return "unknown";
}

FleetState::FleetState(RoadTravel& travel, const Scenario& scenario)
    : travel_(travel),
      scenario_(scenario),
      space_builder_(travel.ch()),
      projection_(travel.graph().node_count() > 0 ? travel.graph().coordinates.front() : geo::LatLon{}) {}

void FleetState::crow_fly_all_m(double now_s, const geo::LatLon& point, std::vector<double>& metres) {
  project_fleet(now_s);
  const geo::LocalProjection::Xy there = projection_.to_xy(point);
  metres.resize(vehicles_.size());
  for (size_t v = 0; v < vehicles_.size(); ++v) {
    const double dx = there.x - projected_[v].x;
    const double dy = there.y - projected_[v].y;
    metres[v] = 0.99 * std::sqrt(dx * dx + dy * dy);
  }
}

void FleetState::project_fleet(double now_s) {
  if (projected_at_s_ != now_s || projected_.size() != vehicles_.size()) {
    projected_.resize(vehicles_.size());
    projected_version_.resize(vehicles_.size(), UINT64_MAX);
    for (const VehicleState& each : vehicles_) {
      // A parked vehicle stays where it was projected until its course changes.
      if (!each.driving && projected_version_[each.id] == each.version) continue;
      projected_[each.id] = projection_.to_xy(travel_.point_of(position_now(each, now_s)));
      projected_version_[each.id] = each.driving ? UINT64_MAX : each.version;
    }
    projected_at_s_ = now_s;
  }
}

double FleetState::crow_fly_m(const VehicleState& vehicle, double now_s, const geo::LatLon& point) {
  project_fleet(now_s);
  const geo::LocalProjection::Xy there = projection_.to_xy(point);
  // The projection stretches distances by well under 1% across a city; shrink so the bound stays a bound.
  return 0.99 * std::hypot(there.x - projected_[vehicle.id].x, there.y - projected_[vehicle.id].y);
}

void FleetState::forget_measured_legs() {
  measured_legs_.clear();
  projected_at_s_ = -1.0;
}

double FleetState::travel_factor(double time_s) const {
  const auto hour = static_cast<int64_t>(std::floor(time_s / 3600.0));
  return scenario_.travel_time_factor[static_cast<size_t>(((hour % 24) + 24) % 24)];
}

void FleetState::add_vehicle(const RoadPosition& position, double time_s, uint16_t capacity) {
  VehicleState vehicle;
  vehicle.id = static_cast<uint32_t>(vehicles_.size());
  vehicle.capacity = capacity > 0 ? capacity : scenario_.fleet.capacity;
  vehicle.anchor = position;
  vehicle.anchor_s = time_s;
  max_capacity_ = std::max(max_capacity_, vehicle.capacity);
  vehicles_.push_back(std::move(vehicle));
  position_spaces_.emplace_back();
  plan_hops_.emplace_back();
  record(time_s, vehicles_.back(), "start", UINT32_MAX);
}

bool FleetState::add_request(const TripRequest& request) {
  RequestState state;
  state.request = request;
  const double now_s = request.request_time_s;
  requests_.push_back(state);
  stop_spaces_.emplace_back();
  RequestState& added = requests_.back();
  auto origin = travel_.locate(request.origin, scenario_.limits.max_snap_m);
  auto destination = travel_.locate(request.destination, scenario_.limits.max_snap_m);
  if (!origin.is_ok() || !destination.is_ok()) {
    reject(request.id, RejectReason::kNotOnRoad, now_s);
    return false;
  }
  added.origin = *origin;
  added.destination = *destination;
  const double best_s = travel_.time_s(added.origin, added.destination);
  if (best_s >= kUnreachable) {
    reject(request.id, RejectReason::kUnroutable, now_s);
    return false;
  }
  if (request.passengers > max_capacity_) {
    reject(request.id, RejectReason::kTooManyPassengers, now_s);
    return false;
  }
  added.direct_time_s = best_s * travel_factor(now_s);
  added.direct_distance_m = geo::haversine_m(request.origin, request.destination);
  added.latest_pickup_s = request.latest_pickup_s.value_or(now_s + scenario_.limits.max_wait_s);
  added.max_ride_s = std::max(scenario_.limits.max_detour_factor * added.direct_time_s,
                              added.direct_time_s + scenario_.limits.min_detour_allowance_s);
  pending_.push_back(request.id);
  return true;
}

void FleetState::add_refused_request(const TripRequest& request, RejectReason reason) {
  RequestState state;
  state.request = request;
  state.origin.point = request.origin;
  state.destination.point = request.destination;
  requests_.push_back(state);
  stop_spaces_.emplace_back();
  reject(request.id, reason, request.request_time_s);
}

RoadPosition FleetState::position_now(const VehicleState& vehicle, double now_s) const {
  if (!vehicle.driving) return vehicle.anchor;
  const double elapsed_s = std::max(0.0, now_s - vehicle.anchor_s) / vehicle.leg_factor;
  return travel_.position_at(vehicle.leg, elapsed_s);
}

const Location& FleetState::stop_location(const Stop& stop) const {
  const RequestState& request = requests_[stop.request];
  return stop.kind == Stop::Kind::kPickup ? request.origin : request.destination;
}

const FleetState::StopSpaces& FleetState::stop_spaces(const Stop& stop) {
  std::unique_ptr<StopSpaces>& slot = stop_spaces_[stop.request][stop.kind == Stop::Kind::kPickup ? 0 : 1];
  if (!slot) {
    slot = std::make_unique<StopSpaces>();
    const Location& location = stop_location(stop);
    for (uint8_t i = 0; i < location.option_count; ++i) {
      const road::Seed source = travel_.source_seed(location.options[i]);
      const road::Seed target = travel_.target_seed(location.options[i]);
      space_builder_.build(std::span<const road::Seed>(&source, 1), /*forward=*/true, (*slot)[i].from);
      space_builder_.build(std::span<const road::Seed>(&target, 1), /*forward=*/false, (*slot)[i].to);
    }
  }
  return *slot;
}

void FleetState::release_spaces(uint32_t request, Stop::Kind kind) {
  std::unique_ptr<StopSpaces>& slot = stop_spaces_[request][kind == Stop::Kind::kPickup ? 0 : 1];
  if (slot) forget_measured_legs();  // its spaces' addresses may be reused
  slot.reset();
}

const road::ChSearchSpace& FleetState::position_space(const VehicleState& vehicle, const RoadPosition& position,
                                                      road::TravelTimeMs limit_ms) {
  PositionSpace& cached = position_spaces_[vehicle.id];
  if (!cached.valid || !(cached.position == position) || cached.limit_ms < limit_ms) {
    const road::Seed source = travel_.source_seed(position);
    space_builder_.build(std::span<const road::Seed>(&source, 1), /*forward=*/true, cached.space, limit_ms);
    cached.position = position;
    cached.limit_ms = limit_ms;
    cached.valid = true;
  }
  return cached.space;
}

FleetState::Hop FleetState::measure_hop(const road::ChSearchSpace& from_space, const RoadPosition& from,
                                         const Stop& stop) {
  const StopSpaces& target = stop_spaces(stop);
  const Location& location = stop_location(stop);
  Hop best;
  for (uint8_t i = 0; i < location.option_count; ++i) {
    const road::TravelTimeMs via_ms = road::meet(from_space, target[i].to);
    double seconds = via_ms == road::kInfiniteTime ? kUnreachable : via_ms / 1000.0;
    seconds = std::min(seconds, travel_.ahead_on_edge_s(from, location.options[i]));
    if (seconds < best.seconds) best = {seconds, i};
  }
  return best;
}

double FleetState::drive_to_stop_s(const road::ChSearchSpace& from_space, const RoadPosition& from, const Stop& stop,
                                   uint8_t& option) {
  const LegKey key{&from_space, from.edge, from.fraction,
                   uint64_t{stop.request} * 2 + (stop.kind == Stop::Kind::kPickup ? 0 : 1)};
  if (const auto found = measured_legs_.find(key); found != measured_legs_.end()) {
    option = found->second.option;
    return found->second.seconds;
  }
  const Hop hop = measure_hop(from_space, from, stop);
  option = hop.option;
  if (measured_legs_.size() >= (size_t{1} << 20)) measured_legs_.clear();
  measured_legs_.emplace(key, MeasuredLeg{hop.seconds, hop.option});
  return hop.seconds;
}

FleetState::Hop FleetState::plan_hop(uint32_t vehicle_id, size_t k, uint8_t option) {
  const VehicleState& vehicle = vehicles_[vehicle_id];
  PlanHops& memory = plan_hops_[vehicle_id];
  if (memory.version != vehicle.version) {
    // Keep the hops between stops that still follow each other (a stop done, or riders inserted elsewhere).
    const size_t hop_count = vehicle.plan.empty() ? 0 : vehicle.plan.size() - 1;
    std::vector<std::array<Hop, 2>> hops(hop_count);
    std::vector<std::array<bool, 2>> known(hop_count, {false, false});
    for (size_t i = 0; i < hop_count; ++i) {
      for (size_t j = 0; j + 1 < memory.plan.size(); ++j) {
        if (memory.plan[j] == vehicle.plan[i] && memory.plan[j + 1] == vehicle.plan[i + 1]) {
          hops[i] = memory.hops[j];
          known[i] = memory.known[j];
          break;
        }
      }
    }
    memory.plan = vehicle.plan;
    memory.hops = std::move(hops);
    memory.known = std::move(known);
    memory.version = vehicle.version;
  }
  if (!memory.known[k][option]) {
    const Stop& from = vehicle.plan[k];
    memory.hops[k][option] = measure_hop(stop_spaces(from)[option].from, stop_location(from).options[option],
                                         vehicle.plan[k + 1]);
    memory.known[k][option] = true;
  }
  return memory.hops[k][option];
}

std::optional<FleetState::Hop> FleetState::heading_hop(const VehicleState& vehicle, double now_s) const {
  if (!vehicle.driving || vehicle.plan.empty()) return std::nullopt;
  const Location& target = stop_location(vehicle.plan.front());
  for (uint8_t i = 0; i < target.option_count; ++i) {
    if (target.options[i] == vehicle.leg.end) {
      const double elapsed_s = std::max(0.0, now_s - vehicle.anchor_s) / vehicle.leg_factor;
      return Hop{travel_.remaining_s(vehicle.leg, elapsed_s), i};
    }
  }
  return std::nullopt;
}

bool FleetState::evaluate_plan(const VehicleState& vehicle, const std::vector<Stop>& plan, double now_s,
                               std::vector<double>* etas) {
  if (etas != nullptr) etas->clear();
  RoadPosition position = position_now(vehicle, now_s);
  // A plan that starts with the stop the vehicle is driving to goes on along its leg (see heading_hop).
  std::optional<Hop> heading;
  if (!plan.empty() && !vehicle.plan.empty() && plan.front() == vehicle.plan.front()) {
    heading = heading_hop(vehicle, now_s);
  }
  const road::ChSearchSpace* space = heading ? nullptr : &position_space(vehicle, position);
  double time_s = std::max(now_s, vehicle.anchor_s);
  int onboard = vehicle.onboard;
  // Planned pick-up times of the riders picked up within this plan, to bound their ride.
  std::vector<std::pair<uint32_t, double>> planned_pickups;
  for (const Stop& stop : plan) {
    uint8_t option = 0;
    double drive_s = 0.0;
    if (heading) {
      drive_s = heading->seconds;
      option = heading->option;
      heading.reset();
    } else {
      drive_s = drive_to_stop_s(*space, position, stop, option);
    }
    if (drive_s >= kUnreachable) return false;
    time_s += drive_s * travel_factor(time_s);
    position = stop_location(stop).options[option];
    space = &stop_spaces(stop)[option].from;
    const RequestState& request = requests_[stop.request];
    if (stop.kind == Stop::Kind::kPickup) {
      if (time_s > request.latest_pickup_s || time_s > vehicle.pickups_until_s) return false;
      onboard += request.request.passengers;
      if (onboard > vehicle.capacity) return false;
      planned_pickups.emplace_back(stop.request, time_s);
    } else {
      double pickup_s = request.pickup_s;
      if (request.status != RequestStatus::kOnboard) {
        const auto found = std::find_if(planned_pickups.begin(), planned_pickups.end(),
                                        [&](const auto& entry) { return entry.first == stop.request; });
        if (found == planned_pickups.end()) return false;  // drop-off before pick-up
        pickup_s = found->second;
      }
      if (time_s - pickup_s > request.max_ride_s) return false;
      onboard -= request.request.passengers;
    }
    if (etas != nullptr) etas->push_back(time_s);
    time_s += scenario_.limits.dwell_s;
  }
  return true;
}

void FleetState::stop_driving(VehicleState& vehicle, double now_s) {
  if (!vehicle.driving) return;
  const double elapsed_s = std::max(0.0, now_s - vehicle.anchor_s) / vehicle.leg_factor;
  const double driven_m = travel_.distance_at(vehicle.leg, elapsed_s);
  const double driven_s = elapsed_s * vehicle.leg_factor;
  if (vehicle.onboard > 0) {
    vehicle.occupied_m += driven_m;
    vehicle.occupied_s += driven_s;
    vehicle.passenger_m += driven_m * vehicle.onboard;
    for (const Stop& stop : vehicle.plan) {
      if (stop.kind == Stop::Kind::kDropoff && requests_[stop.request].status == RequestStatus::kOnboard) {
        requests_[stop.request].ride_distance_m += driven_m;
      }
    }
  } else {
    vehicle.empty_m += driven_m;
    vehicle.empty_driving_s += driven_s;
  }
  vehicle.anchor = travel_.position_at(vehicle.leg, elapsed_s);
  vehicle.anchor_s = std::max(now_s, vehicle.anchor_s);
  vehicle.driving = false;
}

void FleetState::start_leg(VehicleState& vehicle, double now_s, std::optional<uint8_t> front_option) {
  ++vehicle.version;
  changed_.push_back(vehicle.id);
  const Location* target = nullptr;
  if (!vehicle.plan.empty()) {
    target = &stop_location(vehicle.plan.front());
  } else if (vehicle.reposition_to) {
    target = &*vehicle.reposition_to;
  }
  if (target == nullptr) return;
  const double depart_s = std::max(now_s, vehicle.anchor_s);
  if (!vehicle.plan.empty()) {
    // Drive to the option the plan was evaluated with, so planned and driven times agree even on ties.
    uint8_t option = 0;
    if (front_option) {
      option = *front_option;
    } else {
      drive_to_stop_s(position_space(vehicle, vehicle.anchor), vehicle.anchor, vehicle.plan.front(), option);
    }
    vehicle.leg = travel_.leg(vehicle.anchor, travel_.location_of(target->options[option]));
  } else {
    vehicle.leg = travel_.leg(vehicle.anchor, *target);
  }
  if (!vehicle.leg.reachable) {
    vehicle.reposition_to.reset();  // only a repositioning target can be unreachable: plans were evaluated
    return;
  }
  vehicle.leg_factor = travel_factor(depart_s);
  vehicle.anchor_s = depart_s;
  vehicle.arrival_s = depart_s + vehicle.leg.duration_s * vehicle.leg_factor;
  vehicle.driving = true;
}

std::optional<uint8_t> FleetState::kept_front_option(const VehicleState& vehicle, const std::vector<Stop>& plan,
                                                     double now_s) const {
  // A plan that keeps the stop the vehicle drives to first was evaluated along its leg: keep heading there.
  if (!plan.empty() && !vehicle.plan.empty() && plan.front() == vehicle.plan.front()) {
    if (const std::optional<Hop> heading = heading_hop(vehicle, now_s)) return heading->option;
  }
  return std::nullopt;
}

void FleetState::install_plan(VehicleState& vehicle, std::vector<Stop> plan, double now_s,
                              std::optional<uint8_t> front_option) {
  vehicle.reposition_to.reset();
  vehicle.plan = std::move(plan);
  for (const Stop& stop : vehicle.plan) {
    RequestState& request = requests_[stop.request];
    if (stop.kind == Stop::Kind::kPickup && request.status == RequestStatus::kPending) {
      request.status = RequestStatus::kAssigned;
      request.vehicle = vehicle.id;
      request.assigned_s = now_s;
      pending_.erase(std::remove(pending_.begin(), pending_.end(), stop.request), pending_.end());
      record(now_s, vehicle, "assign", stop.request);
    }
  }
  start_leg(vehicle, now_s, front_option);
}

void FleetState::commit_plan(uint32_t vehicle_id, std::vector<Stop> plan, double now_s) {
  VehicleState& vehicle = vehicles_[vehicle_id];
  const std::optional<uint8_t> front_option = kept_front_option(vehicle, plan, now_s);
  stop_driving(vehicle, now_s);
  install_plan(vehicle, std::move(plan), now_s, front_option);
}

void FleetState::commit_plans(std::vector<std::pair<uint32_t, std::vector<Stop>>> plans, double now_s) {
  std::vector<std::optional<uint8_t>> front_options;
  front_options.reserve(plans.size());
  for (const auto& [vehicle_id, plan] : plans) {
    front_options.push_back(kept_front_option(vehicles_[vehicle_id], plan, now_s));
  }
  // Every rider leaving a vehicle is unassigned before anyone is assigned, so that the new plans find them pending.
  for (const auto& [vehicle_id, plan] : plans) {
    VehicleState& vehicle = vehicles_[vehicle_id];
    stop_driving(vehicle, now_s);  // the events below are recorded where the vehicle is now
    for (const Stop& stop : vehicle.plan) {
      if (stop.kind != Stop::Kind::kPickup || std::find(plan.begin(), plan.end(), stop) != plan.end()) continue;
      RequestState& request = requests_[stop.request];
      request.status = RequestStatus::kPending;
      request.vehicle = UINT32_MAX;
      request.assigned_s = -1.0;
      pending_.insert(std::lower_bound(pending_.begin(), pending_.end(), stop.request), stop.request);
      record(now_s, vehicle, "unassign", stop.request);
    }
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    VehicleState& vehicle = vehicles_[plans[i].first];
    const bool had_plan = !vehicle.plan.empty();
    install_plan(vehicle, std::move(plans[i].second), now_s, front_options[i]);
    if (had_plan && vehicle.plan.empty()) record(now_s, vehicle, "idle", UINT32_MAX);
  }
}

void FleetState::reposition(uint32_t vehicle_id, const Location& target, double now_s) {
  VehicleState& vehicle = vehicles_[vehicle_id];
  if (!vehicle.plan.empty()) return;
  stop_driving(vehicle, now_s);
  vehicle.reposition_to = target;
  record(now_s, vehicle, "reposition", UINT32_MAX);
  start_leg(vehicle, now_s);
}

void FleetState::reject(uint32_t request_id, RejectReason reason, double now_s) {
  RequestState& request = requests_[request_id];
  request.status = RequestStatus::kRejected;
  request.rejected_s = now_s;
  request.reject_reason = reason;
  release_spaces(request_id, Stop::Kind::kPickup);
  release_spaces(request_id, Stop::Kind::kDropoff);
  pending_.erase(std::remove(pending_.begin(), pending_.end(), request_id), pending_.end());
}

void FleetState::arrive(uint32_t vehicle_id, double now_s) {
  VehicleState& vehicle = vehicles_[vehicle_id];
  // The whole leg has been driven.
  stop_driving(vehicle, now_s);
  vehicle.anchor = vehicle.leg.end;
  // The next stop's option, as plans were evaluated: the hop from the option arrived at (no search from here).
  std::optional<uint8_t> front_option;
  if (vehicle.plan.size() >= 2) {
    const Location& here = stop_location(vehicle.plan.front());
    for (uint8_t o = 0; o < here.option_count; ++o) {
      if (here.options[o] == vehicle.anchor) front_option = plan_hop(vehicle_id, 0, o).option;
    }
  }
  if (!vehicle.plan.empty()) {
    const Stop stop = vehicle.plan.front();
    vehicle.plan.erase(vehicle.plan.begin());
    do_stop(vehicle, stop, now_s);
    vehicle.anchor_s = now_s + scenario_.limits.dwell_s;
  } else {
    vehicle.reposition_to.reset();
  }
  if (vehicle.plan.empty()) record(vehicle.anchor_s, vehicle, "idle", UINT32_MAX);
  start_leg(vehicle, now_s, front_option);
}

void FleetState::do_stop(VehicleState& vehicle, const Stop& stop, double now_s) {
  RequestState& request = requests_[stop.request];
  if (stop.kind == Stop::Kind::kPickup) {
    request.status = RequestStatus::kOnboard;
    request.pickup_s = now_s;
    release_spaces(stop.request, Stop::Kind::kPickup);
    vehicle.onboard = static_cast<uint16_t>(vehicle.onboard + request.request.passengers);
    record(now_s, vehicle, "pickup", stop.request);
  } else {
    request.status = RequestStatus::kCompleted;
    request.dropoff_s = now_s;
    release_spaces(stop.request, Stop::Kind::kDropoff);
    vehicle.onboard = static_cast<uint16_t>(vehicle.onboard - request.request.passengers);
    record(now_s, vehicle, "dropoff", stop.request);
  }
}

void FleetState::relocate(uint32_t vehicle_id, const RoadPosition& position, double time_s) {
  VehicleState& vehicle = vehicles_[vehicle_id];
  stop_driving(vehicle, time_s);  // counts the distance it was believed to drive since the last report
  vehicle.anchor = position;
  vehicle.anchor_s = time_s;
  projected_at_s_ = -1.0;  // crow-fly bounds must see the new position even within the same second
  start_leg(vehicle, time_s);
}

bool FleetState::execute_stop(uint32_t vehicle_id, const Stop& stop, double now_s) {
  VehicleState& vehicle = vehicles_[vehicle_id];
  const auto found = std::find(vehicle.plan.begin(), vehicle.plan.end(), stop);
  if (found == vehicle.plan.end()) return false;
  if (stop.kind == Stop::Kind::kDropoff && requests_[stop.request].status != RequestStatus::kOnboard) return false;
  // A pick-up confirmed before the drop-off that frees its seat would seat more riders than the vehicle has.
  if (stop.kind == Stop::Kind::kPickup && !fits_aboard(vehicle_id, stop.request)) return false;
  // The vehicle is at the stop: on the side it was heading to, else the first one.
  const bool heading_there = vehicle.driving && found == vehicle.plan.begin();
  stop_driving(vehicle, now_s);
  const Location& at = stop_location(stop);
  vehicle.anchor = at.options[0];
  for (uint8_t o = 0; o < at.option_count; ++o) {
    if (heading_there && at.options[o] == vehicle.leg.end) vehicle.anchor = at.options[o];
  }
  vehicle.plan.erase(found);
  do_stop(vehicle, stop, now_s);
  vehicle.anchor_s = std::max(vehicle.anchor_s, now_s);
  if (vehicle.plan.empty()) record(vehicle.anchor_s, vehicle, "idle", UINT32_MAX);
  start_leg(vehicle, now_s);
  return true;
}

bool FleetState::unassign(uint32_t request_id, double now_s) {
  RequestState& request = requests_[request_id];
  if (request.status != RequestStatus::kAssigned) return false;
  VehicleState& vehicle = vehicles_[request.vehicle];
  stop_driving(vehicle, now_s);
  std::erase_if(vehicle.plan, [&](const Stop& stop) { return stop.request == request_id; });
  request.status = RequestStatus::kPending;
  request.vehicle = UINT32_MAX;
  request.assigned_s = -1.0;
  pending_.insert(std::lower_bound(pending_.begin(), pending_.end(), request_id), request_id);
  record(now_s, vehicle, "unassign", request_id);
  if (vehicle.plan.empty()) record(now_s, vehicle, "idle", UINT32_MAX);
  start_leg(vehicle, now_s);
  return true;
}

void FleetState::withdraw_last_request() {
  const auto id = static_cast<uint32_t>(requests_.size() - 1);
  release_spaces(id, Stop::Kind::kPickup);  // also forgets legs measured to its stops: the id will be reused
  release_spaces(id, Stop::Kind::kDropoff);
  pending_.erase(std::remove(pending_.begin(), pending_.end(), id), pending_.end());
  requests_.pop_back();
  stop_spaces_.pop_back();
}

void FleetState::restore_onboard(uint32_t request_id, uint32_t vehicle_id, double pickup_s) {
  RequestState& request = requests_[request_id];
  VehicleState& vehicle = vehicles_[vehicle_id];
  request.status = RequestStatus::kOnboard;
  request.vehicle = vehicle_id;
  request.assigned_s = pickup_s;
  request.pickup_s = pickup_s;
  release_spaces(request_id, Stop::Kind::kPickup);
  pending_.erase(std::remove(pending_.begin(), pending_.end(), request_id), pending_.end());
  vehicle.onboard = static_cast<uint16_t>(vehicle.onboard + request.request.passengers);
}

std::vector<uint32_t> FleetState::take_changed_vehicles() {
  std::vector<uint32_t> changed;
  changed.swap(changed_);
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return changed;
}

void FleetState::record(double time_s, const VehicleState& vehicle, const char* kind, uint32_t request) {
  events_.push_back({time_s, vehicle.id, kind, request, travel_.point_of(vehicle.anchor), vehicle.onboard});
}

std::string FleetState::verify() const {
  std::vector<int> onboard(vehicles_.size(), 0);
  std::vector<int> in_plans(requests_.size(), 0);
  for (const VehicleState& vehicle : vehicles_) {
    if (vehicle.onboard > vehicle.capacity) return fmt::format("vehicle {} carries {} > {} seats", vehicle.id, vehicle.onboard, vehicle.capacity);
    std::vector<uint32_t> picked;
    for (const Stop& stop : vehicle.plan) {
      const RequestState& request = requests_[stop.request];
      if (request.vehicle != vehicle.id) return fmt::format("request {} is in vehicle {}'s plan but assigned to {}", stop.request, vehicle.id, request.vehicle);
      ++in_plans[stop.request];
      if (stop.kind == Stop::Kind::kPickup) {
        if (request.status != RequestStatus::kAssigned) return fmt::format("pick-up of request {} planned but it is not waiting", stop.request);
        picked.push_back(stop.request);
      } else if (request.status == RequestStatus::kAssigned &&
                 std::find(picked.begin(), picked.end(), stop.request) == picked.end()) {
        return fmt::format("request {} is dropped off before it is picked up", stop.request);
      } else if (request.status != RequestStatus::kAssigned && request.status != RequestStatus::kOnboard) {
        return fmt::format("drop-off of request {} planned but it is not on its way", stop.request);
      }
    }
  }
  for (const RequestState& request : requests_) {
    const uint32_t id = request.request.id;
    if (request.status == RequestStatus::kOnboard) onboard[request.vehicle] += request.request.passengers;
    const int expected = request.status == RequestStatus::kAssigned ? 2 : request.status == RequestStatus::kOnboard ? 1 : 0;
    if (in_plans[id] != expected) return fmt::format("request {} appears {} times in plans, expected {}", id, in_plans[id], expected);
    const bool listed = std::find(pending_.begin(), pending_.end(), id) != pending_.end();
    if (listed != (request.status == RequestStatus::kPending)) return fmt::format("request {} pending list disagrees with its status", id);
  }
  for (const VehicleState& vehicle : vehicles_) {
    if (onboard[vehicle.id] != vehicle.onboard) return fmt::format("vehicle {} counts {} aboard, riders say {}", vehicle.id, vehicle.onboard, onboard[vehicle.id]);
  }
  return {};
}

}  // namespace bitgoeul::taxi
