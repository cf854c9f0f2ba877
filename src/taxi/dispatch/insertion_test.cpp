// The insertion dispatcher against the slow obvious search it replaces: every insertion of the rider into each of
// the nearest vehicles' plans, each plan driven in full by FleetState::evaluate_plan. On random cities, busy enough
// that plans hold several riders, both must pick the same vehicle, the same plan and the same cost, every time.

#include "taxi/dispatch/insertion.h"

#include <algorithm>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"
#include "taxi/fleet_state.h"
#include "taxi/synthetic_demand.h"
#include "taxi/testing.h"

namespace bitgoeul::taxi {
namespace {

using testing::World;

// The search as it was first written: every (pick-up, drop-off) place of every candidate vehicle, evaluated whole.
std::optional<InsertionDispatcher::Insertion> reference(FleetState& fleet, uint32_t request_id, double now_s) {
  const RequestState& request = fleet.requests()[request_id];
  const double max_speed_mps = fleet.travel().max_speed_mps();
  std::optional<InsertionDispatcher::Insertion> best;
  double best_cost_s = std::numeric_limits<double>::infinity();
  std::vector<std::pair<double, uint32_t>> candidates;
  for (const VehicleState& vehicle : fleet.vehicles()) {
    if (vehicle.capacity < request.request.passengers) continue;
    const double start_s = std::max(now_s, vehicle.anchor_s);
    const double earliest_pickup_s = start_s + fleet.crow_fly_m(vehicle, now_s, request.origin.point) / max_speed_mps;
    if (earliest_pickup_s > std::min(request.latest_pickup_s, vehicle.pickups_until_s)) continue;
    candidates.emplace_back(earliest_pickup_s, vehicle.id);
  }
  std::sort(candidates.begin(), candidates.end());
  if (candidates.size() > 30) candidates.resize(30);
  std::vector<double> etas;
  std::vector<double> base_etas;
  for (const auto& [earliest_pickup_s, vehicle_id] : candidates) {
    if (earliest_pickup_s - now_s + request.direct_time_s >= best_cost_s) break;
    const VehicleState& vehicle = fleet.vehicles()[vehicle_id];
    if (!fleet.evaluate_plan(vehicle, vehicle.plan, now_s, &base_etas)) continue;
    const double base_end_s = base_etas.empty() ? std::max(now_s, vehicle.anchor_s) : base_etas.back();
    const size_t stops = vehicle.plan.size();
    for (size_t pickup_at = 0; pickup_at <= stops; ++pickup_at) {
      for (size_t dropoff_at = pickup_at + 1; dropoff_at <= stops + 1; ++dropoff_at) {
        std::vector<Stop> candidate = vehicle.plan;
        candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(pickup_at), {Stop::Kind::kPickup, request_id});
        candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(dropoff_at), {Stop::Kind::kDropoff, request_id});
        if (!fleet.evaluate_plan(vehicle, candidate, now_s, &etas)) continue;
        double cost_s = (etas.back() - base_end_s) + (etas[dropoff_at] - now_s);
        for (size_t old = 0, fresh = 0; fresh < candidate.size(); ++fresh) {
          if (fresh == pickup_at || fresh == dropoff_at) continue;
          cost_s += etas[fresh] - base_etas[old++];
        }
        if (cost_s < best_cost_s) {
          best_cost_s = cost_s;
          best = InsertionDispatcher::Insertion{vehicle.id, candidate, cost_s};
        }
      }
    }
  }
  return best;
}

struct Counts {
  int insertions = 0;
  int refused = 0;
  size_t longest_plan = 0;
};

// A day in miniature, driven by hand: vehicles arrive at their stops in time order, and every 30 s each waiting
// rider is inserted by the dispatcher, after checking its choice against the reference's.
Counts run_and_compare(World& world, const Scenario& scenario, const std::vector<TripRequest>& demand, bool shifts) {
  Counts counts;
  FleetState fleet(world.travel, scenario);
  std::mt19937_64 random(scenario.seed);
  std::discrete_distribution<road::EdgeId> edge(world.graph.distance_m.begin(), world.graph.distance_m.end());
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  for (uint32_t v = 0; v < scenario.fleet.size; ++v) fleet.add_vehicle({edge(random), fraction(random)}, scenario.start_s);
  if (shifts) {  // every third vehicle's safety driver stops picking up riders partway through
    for (VehicleState& vehicle : fleet.vehicles()) {
      if (vehicle.id % 3 == 0) vehicle.pickups_until_s = scenario.start_s + 900.0 + 300.0 * vehicle.id;
    }
  }
  InsertionDispatcher dispatcher(30.0);
  size_t next_request = 0;
  for (double now_s = scenario.start_s + 30.0; now_s < scenario.end_s; now_s += 30.0) {
    // Arrivals up to now, earliest first.
    for (;;) {
      const VehicleState* first = nullptr;
      for (const VehicleState& vehicle : fleet.vehicles()) {
        if (vehicle.driving && vehicle.arrival_s <= now_s && (first == nullptr || vehicle.arrival_s < first->arrival_s)) {
          first = &vehicle;
        }
      }
      if (first == nullptr) break;
      fleet.arrive(first->id, first->arrival_s);
    }
    for (const uint32_t request : std::vector<uint32_t>(fleet.pending())) {
      if (fleet.requests()[request].latest_pickup_s < now_s) fleet.reject(request, RejectReason::kNoVehicleInTime, now_s);
    }
    while (next_request < demand.size() && demand[next_request].request_time_s <= now_s) {
      TripRequest trip = demand[next_request];
      trip.id = static_cast<uint32_t>(next_request++);
      fleet.add_request(trip);
    }
    for (const uint32_t request : std::vector<uint32_t>(fleet.pending())) {
      const auto expected = reference(fleet, request, now_s);
      const auto found = dispatcher.cheapest(fleet, request, now_s);
      EXPECT_EQ(found.has_value(), expected.has_value()) << "request " << request << " at " << now_s;
      if (!found || !expected) {
        ++counts.refused;
        continue;
      }
      EXPECT_EQ(found->vehicle, expected->vehicle) << "request " << request << " at " << now_s;
      EXPECT_EQ(found->plan, expected->plan) << "request " << request << " at " << now_s;
      EXPECT_EQ(found->cost_s, expected->cost_s) << "request " << request << " at " << now_s;
      if (::testing::Test::HasFailure()) return counts;
      counts.longest_plan = std::max(counts.longest_plan, found->plan.size());
      ++counts.insertions;
      EXPECT_TRUE(dispatcher.insert(fleet, request, now_s));
      fleet.take_changed_vehicles();
      const std::string broken = fleet.verify();
      EXPECT_TRUE(broken.empty()) << broken;
    }
  }
  return counts;
}

struct Case {
  uint32_t seed;
  bool congestion;  // hourly factors that change within the run, and pick-ups that end with a driver's shift
  uint32_t vehicles = 12;  // more than 30 puts the nearest-30 ranking under test too
};

class InsertionAgainstReference : public ::testing::TestWithParam<Case> {};

TEST_P(InsertionAgainstReference, SameVehiclePlanAndCostForEveryRider) {
  road::SyntheticGridOptions grid;
  grid.rows = 25;
  grid.cols = 25;
  grid.seed = GetParam().seed;
  World world(road::make_synthetic_grid(grid));
  Scenario scenario;
  scenario.start_s = 7 * 3600.0 - 1800.0;  // across the 07:00 change of factor
  scenario.end_s = 7 * 3600.0 + 1800.0;
  scenario.fleet.size = GetParam().vehicles;
  scenario.fleet.capacity = 4;
  scenario.seed = GetParam().seed;
  if (GetParam().congestion) {
    for (size_t hour = 0; hour < 24; ++hour) scenario.travel_time_factor[hour] = 1.0 + 0.15 * static_cast<double>(hour % 5);
  }
  SyntheticDemandOptions demand;
  demand.total_trips = 1000 * GetParam().vehicles;  // per day; 12 vehicles: about 250 in this hour
  demand.seed = GetParam().seed + 100;
  demand.min_trip_distance_m = 500;
  const Result<std::vector<TripRequest>> day = generate_road_demand(world.graph, demand);
  ASSERT_TRUE(day.is_ok()) << day.status().to_string();
  std::vector<TripRequest> requests;
  for (const TripRequest& trip : *day) {
    if (trip.request_time_s >= scenario.start_s && trip.request_time_s < scenario.end_s) requests.push_back(trip);
  }
  std::sort(requests.begin(), requests.end(),
            [](const TripRequest& a, const TripRequest& b) { return a.request_time_s < b.request_time_s; });
  const Counts counts = run_and_compare(world, scenario, requests, GetParam().congestion);
  // The comparison is worth something only if riders were pooled into plans of several stops.
  EXPECT_GT(counts.insertions, 100);
  EXPECT_GE(counts.longest_plan, 6u);
}

INSTANTIATE_TEST_SUITE_P(RandomCities, InsertionAgainstReference,
                         ::testing::Values(Case{1, false}, Case{2, false}, Case{3, true}, Case{4, true},
                                           Case{5, false, 45}));

}  // namespace
}  // namespace bitgoeul::taxi
