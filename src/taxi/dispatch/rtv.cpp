#include "taxi/dispatch/rtv.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "geo/lat_lon.h"

namespace bitgoeul::taxi {
namespace {

// Trips kept per vehicle and trip size, in the order they are found: bounds a round's work on a vehicle with many
// compatible requests (the combinations grow as the size-th power) without depending on the clock.
constexpr size_t kMaxTripsPerSize = 200;
// Vehicles tried per request, as a multiple of the links kept: near vehicles whose plans cannot take the request
// are skipped, but the search ends before it reaches vehicles too far to matter.
constexpr size_t kTriesPerLink = 3;
// With reassignment, only the assigned requests whose pick-up is planned more than this many round intervals ahead
// join the pool: a vehicle that close is well on its way, so moving the rider would rarely pay, and every pooled
// request multiplies the trips to try. Measured on the pilot zone (scenarios/pilot-zone.toml, 40 vehicles, CPU of
// the whole run, mean wait): without reassignment 0.26 s, 227 s; pooling every assigned request 1.06 s, 204 s;
// bounds of 2, 4 and 6 rounds 0.79 s, 199 s; 0.69 s, 206 s; 0.56 s, 220 s.
constexpr double kReassignAheadRounds = 4.0;

// What one round knows: the pool of requests (batch-local index -> request id, increasing: the waiting ones and,
// when reassigning, those assigned but not yet picked up), which requests are in it, and the bounds for pruning.
struct Round {
  FleetState& fleet;
  double now_s;
  std::vector<uint32_t> pool;
  const std::vector<uint32_t>& pool_index;  // request id -> batch-local index, UINT32_MAX when not in the pool
  double max_speed_mps;
  double min_factor;  // the smallest congestion factor of the day: crow-fly bounds stay lower bounds
  double dwell_s;
  bool in_pool(uint32_t request) const { return pool_index[request] != UINT32_MAX; }
};

// A vehicle's plan without the requests of the pool (its committed plan less its reassignable requests' stops),
// as the baseline its trips are inserted into and their costs measured from.
struct Baseline {
  std::vector<Stop> plan;
  std::vector<double> etas;
  double end_s = 0.0;
};

struct Trip {
  std::vector<uint32_t> requests;  // batch-local, increasing
  std::vector<Stop> plan;
  double cost_s = std::numeric_limits<double>::infinity();
};

// Seconds a drive between two riders' locations takes at the least: crow-fly between their snapped points (each
// within its snap distance of the given point) at the network's top speed.
double bound_s(const Round& round, const Location& from, const Location& to) {
  const double metres = geo::haversine_m(from.point, to.point) - from.snap_distance_m - to.snap_distance_m;
  return std::max(0.0, metres) / round.max_speed_mps * round.min_factor;
}

// Whether some vehicle could serve `first` and then `second` (one after the other or overlapping), judged by lower
// bounds only: false rules the pair out for certain, true means it is worth asking the road network.
bool may_follow(const Round& round, const RequestState& first, const RequestState& second) {
  const double dwell_s = round.dwell_s;
  const double first_pickup_s = round.now_s;
  // One after the other.
  const double first_dropoff_s = first_pickup_s + dwell_s + bound_s(round, first.origin, first.destination);
  if (first_dropoff_s + dwell_s + bound_s(round, first.destination, second.origin) <= second.latest_pickup_s) {
    return true;
  }
  // Both aboard at once.
  const double second_pickup_s = first_pickup_s + dwell_s + bound_s(round, first.origin, second.origin);
  if (second_pickup_s > second.latest_pickup_s) return false;
  {
    const double a_s = second_pickup_s + dwell_s + bound_s(round, second.origin, first.destination);
    const double b_s = a_s + dwell_s + bound_s(round, first.destination, second.destination);
    if (a_s - first_pickup_s <= first.max_ride_s && b_s - second_pickup_s <= second.max_ride_s) return true;
  }
  const double b_s = second_pickup_s + dwell_s + bound_s(round, second.origin, second.destination);
  const double a_s = b_s + dwell_s + bound_s(round, second.destination, first.destination);
  return a_s - first_pickup_s <= first.max_ride_s && b_s - second_pickup_s <= second.max_ride_s;
}

bool may_share(const Round& round, uint32_t a, uint32_t b) {
  const RequestState& first = round.fleet.requests()[round.pool[a]];
  const RequestState& second = round.fleet.requests()[round.pool[b]];
  return may_follow(round, first, second) || may_follow(round, second, first);
}

// The insertion cost of InsertionDispatcher, for any number of new riders: vehicle time added, plus each new
// rider's time to destination, plus the delay every rider of the baseline suffers at their stops. The riders of
// the pool are the new ones, whether waiting or assigned: a trip costs the same whichever vehicle held them.
double trip_cost_s(const Round& round, const Baseline& baseline, const std::vector<Stop>& plan,
                   const std::vector<double>& etas) {
  double cost_s = etas.back() - baseline.end_s;
  size_t old = 0;
  for (size_t s = 0; s < plan.size(); ++s) {
    if (round.in_pool(plan[s].request)) {
      if (plan[s].kind == Stop::Kind::kDropoff) cost_s += etas[s] - round.now_s;
    } else {
      cost_s += etas[s] - baseline.etas[old++];
    }
  }
  // A later start can fall into a less congested hour and make a plan shorter; costs stay non-negative.
  return std::max(0.0, cost_s);
}

// Inserts `request` into `plan` at the pick-up and drop-off places that cost least; improves `best` if cheaper.
void insert_cheapest(Round& round, const VehicleState& vehicle, const Baseline& baseline,
                     const std::vector<Stop>& plan, uint32_t request, Trip& best) {
  std::vector<Stop> candidate;
  std::vector<double> etas;
  const size_t stops = plan.size();
  for (size_t pickup_at = 0; pickup_at <= stops; ++pickup_at) {
    for (size_t dropoff_at = pickup_at + 1; dropoff_at <= stops + 1; ++dropoff_at) {
      candidate = plan;
      candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(pickup_at), {Stop::Kind::kPickup, request});
      candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(dropoff_at), {Stop::Kind::kDropoff, request});
      if (!round.fleet.evaluate_plan(vehicle, candidate, round.now_s, &etas)) continue;
      const double cost_s = trip_cost_s(round, baseline, candidate, etas);
      if (cost_s < best.cost_s) {
        best.cost_s = cost_s;
        best.plan = candidate;
      }
    }
  }
}

// The RTV graph's edges of one vehicle: every trip of 1..max_size requests it can add to its plan, from its
// feasible single-request trips (`previous`, by increasing request), each inserted into its baseline plan; a trip
// of size n is tried only when each of its sub-trips of size n-1 is feasible.
std::vector<Trip> vehicle_trips(Round& round, const VehicleState& vehicle, const Baseline& baseline,
                                std::vector<Trip> previous, size_t max_size) {
  std::vector<Trip> trips;
  std::vector<uint32_t> singles;
  for (const Trip& trip : previous) singles.push_back(trip.requests.front());
  std::vector<uint32_t> combined;
  std::vector<uint32_t> subset;
  for (size_t size = 2; size <= max_size && !previous.empty(); ++size) {
    std::map<std::vector<uint32_t>, size_t> feasible;
    for (size_t t = 0; t < previous.size(); ++t) feasible.emplace(previous[t].requests, t);
    std::vector<Trip> current;
    for (const Trip& base : previous) {
      if (current.size() == kMaxTripsPerSize) break;
      for (const uint32_t r : singles) {
        if (r <= base.requests.back()) continue;
        if (!std::all_of(base.requests.begin(), base.requests.end(),
                         [&](uint32_t member) { return may_share(round, member, r); })) {
          continue;
        }
        combined = base.requests;
        combined.push_back(r);
        // Every sub-trip must be feasible (the one without r is `base`); each offers a plan to insert into.
        std::vector<std::pair<size_t, uint32_t>> sub_trips;  // (index in previous, the request left out)
        for (size_t leave_out = 0; leave_out < combined.size(); ++leave_out) {
          subset = combined;
          subset.erase(subset.begin() + static_cast<std::ptrdiff_t>(leave_out));
          const auto found = feasible.find(subset);
          if (found == feasible.end()) break;
          sub_trips.emplace_back(found->second, combined[leave_out]);
        }
        if (sub_trips.size() != combined.size()) continue;
        Trip trip;
        trip.requests = combined;
        for (const auto& [sub_trip, left_out] : sub_trips) {
          insert_cheapest(round, vehicle, baseline, previous[sub_trip].plan, round.pool[left_out], trip);
        }
        if (trip.plan.empty()) continue;
        current.push_back(std::move(trip));
        if (current.size() == kMaxTripsPerSize) break;
      }
    }
    for (Trip& trip : previous) trips.push_back(std::move(trip));
    previous = std::move(current);
  }
  for (Trip& trip : previous) trips.push_back(std::move(trip));
  return trips;
}

}  // namespace

RtvDispatcher::RtvDispatcher(const DispatchSpec& spec) : spec_(spec) {}

void RtvDispatcher::dispatch(FleetState& fleet, double now_s) {
  const size_t vehicle_count = fleet.vehicles().size();
  std::vector<std::optional<Baseline>> baselines(vehicle_count);
  std::vector<bool> broken(vehicle_count, false);  // committed plan no longer feasible: left alone
  // The pool: the waiting requests and, when reassigning, each vehicle's assigned requests not yet picked up (its
  // `held` ones), whose stops leave its baseline. The committed plan's arrival times cost keeping them.
  std::vector<uint32_t> pool = fleet.pending();
  std::vector<std::vector<uint32_t>> held(vehicle_count);
  std::vector<std::vector<double>> committed_etas(vehicle_count);
  if (spec_.rtv_reassign) {
    // Pick-ups planned within kReassignAheadRounds rounds stay with their vehicle (see the constant).
    const double reassign_after_s = now_s + kReassignAheadRounds * spec_.rtv_interval_s;
    for (const VehicleState& vehicle : fleet.vehicles()) {
      if (std::none_of(vehicle.plan.begin(), vehicle.plan.end(),
                       [](const Stop& stop) { return stop.kind == Stop::Kind::kPickup; })) {
        continue;
      }
      std::vector<double> etas;
      if (!fleet.evaluate_plan(vehicle, vehicle.plan, now_s, &etas)) {
        broken[vehicle.id] = true;
        continue;
      }
      std::vector<uint32_t> mine;
      for (size_t s = 0; s < vehicle.plan.size(); ++s) {
        const Stop& stop = vehicle.plan[s];
        if (stop.kind == Stop::Kind::kPickup && etas[s] > reassign_after_s) mine.push_back(stop.request);
      }
      if (mine.empty()) continue;
      Baseline baseline;
      for (const Stop& stop : vehicle.plan) {
        if (std::find(mine.begin(), mine.end(), stop.request) == mine.end()) baseline.plan.push_back(stop);
      }
      if (fleet.evaluate_plan(vehicle, baseline.plan, now_s, &baseline.etas)) {
        std::sort(mine.begin(), mine.end());
        pool.insert(pool.end(), mine.begin(), mine.end());
        held[vehicle.id] = std::move(mine);
        committed_etas[vehicle.id] = std::move(etas);
      } else {
        // Leaving stops out can, rarely, break a plan (the drive then starts in a more congested hour): this vehicle
        // keeps its requests, out of the pool.
        baseline.plan = vehicle.plan;
        baseline.etas = std::move(etas);
      }
      baseline.end_s = baseline.etas.empty() ? std::max(now_s, vehicle.anchor_s) : baseline.etas.back();
      baselines[vehicle.id] = std::move(baseline);
    }
    std::sort(pool.begin(), pool.end());
  }
  if (pool.empty()) return;

  if (pool_index_.size() < fleet.requests().size()) pool_index_.resize(fleet.requests().size(), UINT32_MAX);
  for (uint32_t r = 0; r < pool.size(); ++r) pool_index_[pool[r]] = r;
  // The index is all UINT32_MAX between rounds, whichever way a round ends.
  struct ForgetPool {
    std::vector<uint32_t>& index;
    const std::vector<uint32_t>& pool;
    ~ForgetPool() {
      for (const uint32_t id : pool) index[id] = UINT32_MAX;
    }
  };
  const Scenario& scenario = fleet.scenario();
  Round round{fleet,
              now_s,
              std::move(pool),
              pool_index_,
              fleet.travel().max_speed_mps(),
              std::min(1.0, *std::min_element(scenario.travel_time_factor.begin(), scenario.travel_time_factor.end())),
              scenario.limits.dwell_s};
  const ForgetPool forget_pool{pool_index_, round.pool};

  // RV graph: each request to the rtv_nearest_vehicles vehicles that can add it to their baseline plan, tried in
  // order of a lower bound on the pick-up time, at most kTriesPerLink times as many; an assigned request's own
  // vehicle is tried first, so that it may keep the request within a larger trip. The single-request trips come
  // with it.
  std::vector<std::vector<Trip>> singles(vehicle_count);
  const auto link = [&](uint32_t r, uint32_t vehicle_id) {
    const VehicleState& vehicle = fleet.vehicles()[vehicle_id];
    if (broken[vehicle_id] || singles[vehicle_id].size() == kMaxTripsPerSize) return false;
    if (!baselines[vehicle_id]) {
      Baseline baseline;
      baseline.plan = vehicle.plan;
      if (!fleet.evaluate_plan(vehicle, baseline.plan, now_s, &baseline.etas)) {  // committed plans stay feasible
        broken[vehicle_id] = true;
        return false;
      }
      baseline.end_s = baseline.etas.empty() ? std::max(now_s, vehicle.anchor_s) : baseline.etas.back();
      baselines[vehicle_id] = std::move(baseline);
    }
    Trip trip;
    trip.requests = {r};
    insert_cheapest(round, vehicle, *baselines[vehicle_id], baselines[vehicle_id]->plan, round.pool[r], trip);
    if (trip.plan.empty()) return false;
    singles[vehicle_id].push_back(std::move(trip));
    return true;
  };
  std::vector<std::pair<double, uint32_t>> nearest;
  for (uint32_t r = 0; r < round.pool.size(); ++r) {
    const RequestState& request = fleet.requests()[round.pool[r]];
    const uint32_t holder = request.status == RequestStatus::kAssigned ? request.vehicle : UINT32_MAX;
    nearest.clear();
    for (const VehicleState& vehicle : fleet.vehicles()) {
      if (vehicle.id == holder || vehicle.capacity < request.request.passengers) continue;
      const double earliest_pickup_s = std::max(now_s, vehicle.anchor_s) +
                                       fleet.crow_fly_m(vehicle, now_s, request.origin.point) / round.max_speed_mps;
      if (earliest_pickup_s > request.latest_pickup_s) continue;
      nearest.emplace_back(earliest_pickup_s, vehicle.id);
    }
    const size_t tries = std::min<size_t>(size_t{spec_.rtv_nearest_vehicles} * kTriesPerLink, nearest.size());
    std::partial_sort(nearest.begin(), nearest.begin() + static_cast<std::ptrdiff_t>(tries), nearest.end());
    uint32_t linked = 0;
    if (holder != UINT32_MAX && link(r, holder)) ++linked;
    for (size_t i = 0; i < tries && linked < spec_.rtv_nearest_vehicles; ++i) {
      if (link(r, nearest[i].second)) ++linked;
    }
  }

  // RTV graph: each vehicle's feasible trips, and the trip it holds now with its committed plan (always feasible,
  // though insertion might not rebuild that plan).
  TripProblem problem;
  problem.vehicles = static_cast<uint32_t>(vehicle_count);
  problem.requests = static_cast<uint32_t>(round.pool.size());
  std::vector<std::vector<Stop>> plans;  // per trip; empty for a held trip, which keeps the committed plan
  std::vector<uint32_t> held_trip(vehicle_count, UINT32_MAX);
  for (const VehicleState& vehicle : fleet.vehicles()) {
    const size_t first_trip = problem.trips.size();
    if (!singles[vehicle.id].empty()) {
      const size_t max_size = std::min<size_t>(spec_.rtv_max_trip_size, vehicle.capacity);
      for (Trip& trip :
           vehicle_trips(round, vehicle, *baselines[vehicle.id], std::move(singles[vehicle.id]), max_size)) {
        problem.trips.push_back({vehicle.id, std::move(trip.requests), trip.cost_s});
        plans.push_back(std::move(trip.plan));
      }
    }
    if (!held[vehicle.id].empty()) {
      TripCandidate current{vehicle.id, {}, 0.0};
      for (const uint32_t id : held[vehicle.id]) current.requests.push_back(pool_index_[id]);
      current.cost_s = trip_cost_s(round, *baselines[vehicle.id], vehicle.plan, committed_etas[vehicle.id]);
      // A rebuilt trip of the same requests that costs no less (the committed plan itself, usually) would only
      // replace the plan by an equal or worse one.
      for (size_t t = problem.trips.size(); t-- > first_trip;) {
        if (problem.trips[t].requests == current.requests && problem.trips[t].cost_s >= current.cost_s) {
          problem.trips.erase(problem.trips.begin() + static_cast<std::ptrdiff_t>(t));
          plans.erase(plans.begin() + static_cast<std::ptrdiff_t>(t));
        }
      }
      held_trip[vehicle.id] = static_cast<uint32_t>(problem.trips.size());
      problem.fallback.push_back(held_trip[vehicle.id]);
      problem.trips.push_back(std::move(current));
      plans.emplace_back();
    }
  }
  if (problem.trips.empty()) return;
  problem.unserved_penalty_s = lexicographic_penalty_s(problem);
  // Requests promised a vehicle stay served: a hard constraint, which the held trips together always meet.
  if (!problem.fallback.empty()) {
    problem.must_serve.resize(round.pool.size());
    for (uint32_t r = 0; r < round.pool.size(); ++r) {
      problem.must_serve[r] = fleet.requests()[round.pool[r]].status == RequestStatus::kAssigned;
    }
  }

  const TripAssignment assignment =
      solve_trip_assignment(problem, {.max_nodes = spec_.rtv_solver_nodes, .max_seconds = spec_.rtv_solver_seconds});
  ++stats_.rounds;
  stats_.trips += problem.trips.size();
  switch (assignment.source) {
    case TripAssignment::Source::kOptimal: ++stats_.optimal_rounds; break;
    case TripAssignment::Source::kSolverIncumbent: ++stats_.incumbent_rounds; break;
    case TripAssignment::Source::kGreedy: ++stats_.greedy_rounds; break;
  }
  // Vehicles whose trip changed get its plan; a vehicle whose held requests all went elsewhere and that got no
  // trip gets its baseline plan. The plans were evaluated for vehicles as they are now, and each request is in one
  // of them at most, so they all still hold when committed together.
  std::vector<bool> has_trip(vehicle_count, false);
  std::vector<std::pair<uint32_t, std::vector<Stop>>> commits;
  for (const uint32_t chosen : assignment.chosen) {
    const TripCandidate& trip = problem.trips[chosen];
    has_trip[trip.vehicle] = true;
    if (chosen == held_trip[trip.vehicle]) continue;
    stats_.largest_trip = std::max<uint64_t>(stats_.largest_trip, trip.requests.size());
    for (const uint32_t r : trip.requests) {
      const RequestState& request = fleet.requests()[round.pool[r]];
      if (request.status == RequestStatus::kAssigned && request.vehicle != trip.vehicle) ++stats_.reassigned;
    }
    commits.emplace_back(trip.vehicle, std::move(plans[chosen]));
  }
  for (uint32_t vehicle = 0; vehicle < vehicle_count; ++vehicle) {
    if (!held[vehicle].empty() && !has_trip[vehicle]) commits.emplace_back(vehicle, std::move(baselines[vehicle]->plan));
  }
  std::sort(commits.begin(), commits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  fleet.commit_plans(std::move(commits), now_s);
}

}  // namespace bitgoeul::taxi
