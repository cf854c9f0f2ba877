// Scenario tests of the fleet simulation: small maps, a few requests, the expected schedule.

#include "taxi/simulation.h"

#include <random>

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"
#include "taxi/dispatch/batch_matching.h"
#include "taxi/metrics.h"
#include "taxi/synthetic_demand.h"
#include "taxi/testing.h"

namespace bitgoeul::taxi {
namespace {

using testing::request;
using testing::run;
using testing::World;

// A one-way ring, clockwise, 60 s per side (about 1.1 km by 0.9 km):
//
//     A ---60s--> B
//     ^           |
//     |           v
//     D <--60s--- C
//
// One-way streets make every position unambiguous, so times can be predicted to the second.
constexpr geo::LatLon kA{37.510, 127.000};
constexpr geo::LatLon kB{37.510, 127.010};
constexpr geo::LatLon kC{37.500, 127.010};
constexpr geo::LatLon kD{37.500, 127.000};

geo::LatLon midpoint(geo::LatLon a, geo::LatLon b) { return {(a.lat + b.lat) / 2, (a.lon + b.lon) / 2}; }

road::RoadGraph ring() {
  std::vector<road::EdgeInput> edges;
  const std::vector<geo::LatLon> corners = {kA, kB, kC, kD};
  for (uint32_t i = 0; i < 4; ++i) {
    const uint32_t j = (i + 1) % 4;
    edges.push_back({i, j, 60000, static_cast<float>(geo::haversine_m(corners[i], corners[j])),
                     road::RoadClass::kResidential, 1, {}});
  }
  return road::build_road_graph(corners, {1, 2, 3, 4}, std::move(edges));
}

Scenario ring_scenario(uint32_t vehicles, DispatchPolicy policy) {
  Scenario scenario;
  scenario.start_s = 0;
  scenario.end_s = 3600;
  scenario.fleet.size = vehicles;
  scenario.dispatch.policy = policy;
  scenario.limits.max_wait_s = 600;
  scenario.limits.dwell_s = 30;
  return scenario;
}

TEST(Simulation, NearestIdleServesARideOnTheExpectedSchedule) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kNearestIdle);
  scenario.fleet.depots = {midpoint(kA, kB)};
  // Requested at 100 s from the middle of B->C to the middle of C->D.
  const auto result = run(world, scenario, {request(0, 100, midpoint(kB, kC), midpoint(kC, kD))});
  const RequestState& ride = result.requests.at(0);
  ASSERT_EQ(ride.status, RequestStatus::kCompleted);
  // 30 s to B, 30 s to the rider; 30 s boarding; 30 s to C, 30 s to the destination.
  EXPECT_DOUBLE_EQ(ride.pickup_s, 160.0);
  EXPECT_DOUBLE_EQ(ride.dropoff_s, 250.0);
  EXPECT_DOUBLE_EQ(ride.direct_time_s, 60.0);
  EXPECT_NEAR(ride.ride_distance_m, (geo::haversine_m(kB, kC) + geo::haversine_m(kC, kD)) / 2, 1.0);
  const Kpis kpis = compute_kpis(result);
  EXPECT_EQ(kpis.overall.served, 1u);
  EXPECT_DOUBLE_EQ(kpis.overall.wait_mean_s, 60.0);
  EXPECT_NEAR(kpis.fleet.empty_km * 1000, (geo::haversine_m(kA, kB) + geo::haversine_m(kB, kC)) / 2, 1.0);
}

TEST(Simulation, TheVehicleThatArrivesFirstIsSent) {
  World world(ring());
  Scenario scenario = ring_scenario(2, DispatchPolicy::kNearestIdle);
  // Vehicle 0 waits 15 s before the rider on the same street; vehicle 1 is nearer as the crow flies (D->A) but
  // would need most of a lap.
  scenario.fleet.depots = {midpoint(kC, kD), midpoint(kD, kA)};
  const auto result = run(world, scenario, {request(0, 0, midpoint(midpoint(kC, kD), kD), kB)});
  EXPECT_EQ(result.requests.at(0).vehicle, 0u);
  EXPECT_DOUBLE_EQ(result.requests.at(0).pickup_s, 15.0);
}

TEST(Simulation, NobodyInTimeMeansRejectedWithTheReason) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kNearestIdle);
  scenario.fleet.depots = {midpoint(kA, kB)};
  scenario.limits.max_wait_s = 50;  // the rider is 60 s away
  const auto result = run(world, scenario, {request(0, 0, midpoint(kB, kC), kD)});
  EXPECT_EQ(result.requests.at(0).status, RequestStatus::kRejected);
  EXPECT_EQ(result.requests.at(0).reject_reason, RejectReason::kNoVehicleInTime);
  const Kpis kpis = compute_kpis(result);
  EXPECT_EQ(kpis.overall.rejections.at("no_vehicle_in_time"), 1u);
}

TEST(Simulation, ARiderWaitsForTheVehicleToBecomeFree) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kNearestIdle);
  scenario.fleet.depots = {midpoint(kA, kB)};
  // The second rider asks while the only vehicle is busy; it is served after the first drop-off.
  const auto result = run(world, scenario,
                          {request(0, 0, midpoint(kB, kC), midpoint(kC, kD)), request(1, 10, midpoint(kD, kA), kB)});
  ASSERT_EQ(result.requests.at(1).status, RequestStatus::kCompleted);
  EXPECT_GT(result.requests.at(1).assigned_s, result.requests.at(0).dropoff_s - 1e-9);
}

TEST(Simulation, TooManyPassengersAndOffRoadRequestsAreRejected) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kNearestIdle);
  scenario.fleet.capacity = 2;
  const auto result = run(world, scenario,
                          {request(0, 0, midpoint(kB, kC), kD, 3), request(1, 1, {37.6, 127.2}, kD)});
  EXPECT_EQ(result.requests.at(0).reject_reason, RejectReason::kTooManyPassengers);
  EXPECT_EQ(result.requests.at(1).reject_reason, RejectReason::kNotOnRoad);
}

TEST(Simulation, InsertionPoolsRidersGoingTheSameWay) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kInsertion);
  scenario.fleet.depots = {kA};
  scenario.limits.max_detour_factor = 2.0;
  // Two riders along B->C->D: one vehicle carries both at once.
  const auto result = run(world, scenario,
                          {request(0, 0, midpoint(kB, kC), midpoint(kC, kD)),
                           request(1, 5, midpoint(midpoint(kB, kC), kC), midpoint(midpoint(kC, kD), kD))});
  ASSERT_EQ(result.requests.at(0).status, RequestStatus::kCompleted);
  ASSERT_EQ(result.requests.at(1).status, RequestStatus::kCompleted);
  // Shared: the second rider boards before the first alights.
  EXPECT_LT(result.requests.at(1).pickup_s, result.requests.at(0).dropoff_s);
  EXPECT_GT(compute_kpis(result).fleet.average_occupancy, 1.0);
}

TEST(Simulation, SeatsAreNeverExceeded) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kInsertion);
  scenario.fleet.depots = {kA};
  scenario.fleet.capacity = 1;
  const auto result = run(world, scenario,
                          {request(0, 0, midpoint(kB, kC), midpoint(kC, kD)),
                           request(1, 5, midpoint(midpoint(kB, kC), kC), midpoint(midpoint(kC, kD), kD))});
  // verify() checks seats after every event; here the two rides must not overlap in time (either may go first).
  const RequestState& first = result.requests.at(0);
  const RequestState& second = result.requests.at(1);
  ASSERT_EQ(first.status, RequestStatus::kCompleted);
  ASSERT_EQ(second.status, RequestStatus::kCompleted);
  EXPECT_TRUE(second.pickup_s >= first.dropoff_s || first.pickup_s >= second.dropoff_s);
  EXPECT_DOUBLE_EQ(compute_kpis(result).fleet.average_occupancy, 1.0);
}

TEST(Simulation, CongestionFactorStretchesTravelTimes) {
  World world(ring());
  Scenario scenario = ring_scenario(1, DispatchPolicy::kNearestIdle);
  scenario.fleet.depots = {midpoint(kA, kB)};
  scenario.travel_time_factor.fill(2.0);
  const auto result = run(world, scenario, {request(0, 100, midpoint(kB, kC), midpoint(kC, kD))});
  EXPECT_DOUBLE_EQ(result.requests.at(0).pickup_s, 220.0);
  EXPECT_DOUBLE_EQ(result.requests.at(0).dropoff_s, 370.0);
}

TEST(Simulation, RebalancingMovesIdleVehiclesTowardDemandAndShortensWaits) {
  road::SyntheticGridOptions grid;
  grid.rows = 40;
  grid.cols = 40;
  grid.seed = 2;
  grid.removed_fraction = 0;
  grid.one_way_fraction = 0;
  World world(road::make_synthetic_grid(grid));
  // Demand only in the north-east corner; the fleet starts in the south-west.
  geo::LatLon low{90, 180};
  geo::LatLon high{-90, -180};
  for (const geo::LatLon& p : world.graph.coordinates) {
    low = {std::min(low.lat, p.lat), std::min(low.lon, p.lon)};
    high = {std::max(high.lat, p.lat), std::max(high.lon, p.lon)};
  }
  geo::Zone corner;
  corner.id = "ne";
  const geo::LatLon ne_low{low.lat + 0.7 * (high.lat - low.lat), low.lon + 0.7 * (high.lon - low.lon)};
  corner.polygons.push_back({{ne_low, {ne_low.lat, high.lon}, high, {high.lat, ne_low.lon}}, {}});
  corner.south_west = ne_low;
  corner.north_east = high;
  corner.weight = 1;
  SyntheticDemandOptions demand;
  demand.total_trips = 24 * 60;  // one a minute
  demand.profile.weight.fill(1.0);
  demand.start_s = 6 * 3600;
  demand.end_s = 10 * 3600;
  demand.min_trip_distance_m = 300;
  demand.seed = 4;
  auto requests = generate_zone_demand({corner}, demand);
  ASSERT_TRUE(requests.is_ok()) << requests.status().to_string();
  Scenario scenario;
  scenario.start_s = 6 * 3600;
  scenario.end_s = 10 * 3600;
  scenario.fleet.size = 12;
  scenario.fleet.depots = {low};
  scenario.limits.max_wait_s = 1200;
  scenario.rebalance.interval_s = 300;
  scenario.rebalance.cell_size_m = 500;
  const SimulationResult without = run(world, scenario, *requests);
  scenario.rebalance.enabled = true;
  const SimulationResult with = run(world, scenario, *requests);
  const size_t moves = std::count_if(with.events.begin(), with.events.end(),
                                     [](const VehicleEvent& e) { return e.kind == "reposition"; });
  EXPECT_GT(moves, 0u);
  EXPECT_LT(compute_kpis(with).overall.wait_mean_s, compute_kpis(without).overall.wait_mean_s);
}

TEST(BatchMatching, MinCostAssignmentBeatsGreedy) {
  // Greedy gives vehicle 0 request 0 (1 s) and leaves vehicle 1 a 100 s drive; the optimum costs 4 s.
  EXPECT_EQ(min_cost_assignment(2, 2, {1, 2, 2, 100}), (std::vector<int>{1, 0}));
  // Serving more requests comes before saving seconds.
  EXPECT_EQ(min_cost_assignment(2, 2, {1, 50, 2, kUnreachable}), (std::vector<int>{1, 0}));
  // Infeasible pairs are never matched.
  EXPECT_EQ(min_cost_assignment(2, 1, {kUnreachable, kUnreachable}), (std::vector<int>{-1, -1}));
  EXPECT_EQ(min_cost_assignment(3, 1, {9, 3, 5}), (std::vector<int>{-1, 0, -1}));
}

// Brute force over every partial assignment: most matches first, then least total cost.
std::pair<size_t, double> best_by_brute_force(size_t vehicles, size_t requests, const std::vector<double>& cost,
                                              size_t vehicle, std::vector<bool>& taken) {
  if (vehicle == vehicles) return {0, 0.0};
  std::pair<size_t, double> best = best_by_brute_force(vehicles, requests, cost, vehicle + 1, taken);  // unmatched
  for (size_t r = 0; r < requests; ++r) {
    const double c = cost[vehicle * requests + r];
    if (taken[r] || c >= kUnreachable) continue;
    taken[r] = true;
    auto [count, total] = best_by_brute_force(vehicles, requests, cost, vehicle + 1, taken);
    taken[r] = false;
    ++count;
    total += c;
    if (count > best.first || (count == best.first && total < best.second - 1e-9)) best = {count, total};
  }
  return best;
}

TEST(BatchMatching, OptimalAgainstBruteForceOnRandomCases) {
  std::mt19937_64 random(17);
  for (int round = 0; round < 300; ++round) {
    const size_t vehicles = 1 + random() % 5;
    const size_t requests = 1 + random() % 5;
    std::vector<double> cost(vehicles * requests);
    for (double& c : cost) c = random() % 4 == 0 ? kUnreachable : static_cast<double>(random() % 600);
    const std::vector<int> match = min_cost_assignment(vehicles, requests, cost);
    size_t count = 0;
    double total = 0;
    std::vector<bool> used(requests, false);
    for (size_t v = 0; v < vehicles; ++v) {
      if (match[v] < 0) continue;
      ASSERT_FALSE(used[static_cast<size_t>(match[v])]) << "request matched twice";
      used[static_cast<size_t>(match[v])] = true;
      ASSERT_LT(cost[v * requests + static_cast<size_t>(match[v])], kUnreachable);
      ++count;
      total += cost[v * requests + static_cast<size_t>(match[v])];
    }
    std::vector<bool> taken(requests, false);
    const auto [best_count, best_total] = best_by_brute_force(vehicles, requests, cost, 0, taken);
    EXPECT_EQ(count, best_count) << "round " << round;
    EXPECT_NEAR(total, best_total, 1e-6) << "round " << round;
  }
}

class RandomCity : public ::testing::TestWithParam<DispatchPolicy> {};

TEST_P(RandomCity, InvariantsHoldAndRunsAreDeterministic) {
  road::SyntheticGridOptions grid;
  grid.rows = 30;
  grid.cols = 30;
  grid.seed = 5;
  World world(road::make_synthetic_grid(grid));
  Scenario scenario;
  scenario.start_s = 7 * 3600;
  scenario.end_s = 9 * 3600;
  scenario.fleet.size = 15;
  scenario.dispatch.policy = GetParam();
  scenario.seed = 3;
  SyntheticDemandOptions demand;
  demand.total_trips = 4000;
  demand.seed = 11;
  demand.start_s = scenario.start_s;
  demand.end_s = scenario.end_s;
  auto requests = generate_road_demand(world.graph, demand);
  ASSERT_TRUE(requests.is_ok());
  const SimulationResult first = run(world, scenario, *requests);
  const SimulationResult second = run(world, scenario, *requests);
  ASSERT_EQ(first.events.size(), second.events.size());
  for (size_t i = 0; i < first.events.size(); ++i) {
    ASSERT_EQ(first.events[i].time_s, second.events[i].time_s);
    ASSERT_EQ(first.events[i].vehicle, second.events[i].vehicle);
  }
  const Kpis kpis = compute_kpis(first);
  EXPECT_GT(kpis.overall.served, 0u);
  EXPECT_EQ(kpis.overall.served + kpis.overall.rejected + kpis.overall.unfinished, kpis.overall.requests);
  // Every request ends served or rejected with a reason; nobody is picked up or dropped off twice.
  std::vector<int> pickups(first.requests.size(), 0);
  std::vector<int> dropoffs(first.requests.size(), 0);
  for (const VehicleEvent& event : first.events) {
    if (event.kind == "pickup") ++pickups[event.request];
    if (event.kind == "dropoff") ++dropoffs[event.request];
  }
  for (const RequestState& ride : first.requests) {
    const uint32_t id = ride.request.id;
    ASSERT_TRUE(ride.status == RequestStatus::kCompleted || ride.status == RequestStatus::kRejected) << id;
    if (ride.status == RequestStatus::kRejected) {
      EXPECT_NE(ride.reject_reason, RejectReason::kNone) << id;
      EXPECT_EQ(pickups[id], 0) << id;
      continue;
    }
    EXPECT_EQ(pickups[id], 1) << id;
    EXPECT_EQ(dropoffs[id], 1) << id;
    // Times run forward: request, assignment, pick-up, drop-off.
    EXPECT_LE(ride.request.request_time_s, ride.assigned_s) << id;
    EXPECT_LE(ride.assigned_s, ride.pickup_s) << id;
    EXPECT_LT(ride.pickup_s, ride.dropoff_s) << id;
    EXPECT_LE(ride.pickup_s, ride.latest_pickup_s + 1e-6) << id;
    EXPECT_LE(ride.dropoff_s - ride.pickup_s, ride.max_ride_s + 1e-6) << id;
  }
  for (size_t i = 1; i < first.events.size(); ++i) ASSERT_LE(first.events[i - 1].time_s, first.events[i].time_s);
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, RandomCity,
                         ::testing::Values(DispatchPolicy::kNearestIdle, DispatchPolicy::kBatchMatching,
                                           DispatchPolicy::kInsertion, DispatchPolicy::kRtv),
                         [](const auto& test_info) { return std::string(dispatch_policy_name(test_info.param)); });

}  // namespace
}  // namespace bitgoeul::taxi
