// Specifications of the request-trip-vehicle dispatcher: a street where joint assignment pools riders that
// one-at-a-time insertion must turn away, the assignment programme against brute force, the greedy fall-back, and
// the fleet invariants on a random city with the fall-back alone.

#include "taxi/dispatch/rtv.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"
#include "taxi/fleet_state.h"
#include "taxi/metrics.h"
#include "taxi/scenario_file.h"
#include "taxi/simulation.h"
#include "taxi/synthetic_demand.h"
#include "taxi/testing.h"

namespace bitgoeul::taxi {
namespace {

using testing::request;
using testing::run;
using testing::World;

// A straight two-way street of twenty blocks, 30 s each, west (node 0) to east (node 20):
//
//   0 === 1 === 2 === ... === 19 === 20
//
// Positions below are in seconds of driving from node 0, always on a node: a vehicle stopped mid-block faces one
// way and would have to drive on to the next corner to turn, which would blur the hand-worked times.
constexpr double kBlockS = 30.0;
constexpr double kBlockLon = 0.0025;
geo::LatLon at_s(double seconds) { return {37.5, 127.0 + seconds / kBlockS * kBlockLon}; }

road::RoadGraph street() {
  std::vector<geo::LatLon> nodes;
  std::vector<int64_t> ids;
  std::vector<road::EdgeInput> edges;
  for (uint32_t i = 0; i <= 20; ++i) {
    nodes.push_back(at_s(kBlockS * i));
    ids.push_back(i + 1);
  }
  for (uint32_t i = 0; i < 20; ++i) {
    const auto metres = static_cast<float>(geo::haversine_m(nodes[i], nodes[i + 1]));
    edges.push_back({i, i + 1, 30000, metres, road::RoadClass::kResidential, 1, {}});
    edges.push_back({i + 1, i, 30000, metres, road::RoadClass::kResidential, 1, {}});
  }
  return road::build_road_graph(std::move(nodes), std::move(ids), std::move(edges));
}

// Vehicle 0 waits at the west end (0 s), vehicle 1 at the east end (600 s). Three riders ask just before the first
// round at 30 s and may wait 360 s (latest pick-ups 378, 379, 380 s); dwell 30 s; a ride may take the direct drive
// plus 100 s, or 1.5 times it:
//   rider 0: 270 -> 180: vehicle 0 reaches it in 270 s, vehicle 1 in 330 s (in time as well);
//   rider 1: 60 -> 30 and rider 2: 90 -> 0: only vehicle 0 can reach them in time.
// Insertion, one rider at a time, gives rider 0 to vehicle 0, its cheapest vehicle; riders 1 and 2 then fit
// nobody's plan. RTV assigns the three together: vehicle 1 takes rider 0 and vehicle 0 pools riders 1 and 2.
Scenario street_scenario(DispatchPolicy policy) {
  Scenario scenario;
  scenario.start_s = 0;
  scenario.end_s = 3600;
  scenario.fleet.size = 2;
  scenario.fleet.capacity = 4;
  scenario.fleet.depots = {at_s(0), at_s(600)};
  scenario.limits.max_wait_s = 360;
  scenario.limits.dwell_s = 30;
  scenario.limits.max_detour_factor = 1.5;
  scenario.limits.min_detour_allowance_s = 100;
  scenario.dispatch.policy = policy;
  scenario.dispatch.insertion_interval_s = 30;
  scenario.dispatch.rtv_interval_s = 30;
  return scenario;
}

const std::vector<TripRequest> kStreetDemand = {request(0, 18, at_s(270), at_s(180)),
                                                request(1, 19, at_s(60), at_s(30)),
                                                request(2, 20, at_s(90), at_s(0))};

TEST(Rtv, InsertionOneAtATimeServesOneRiderOfThree) {
  World world(street());
  const SimulationResult result = run(world, street_scenario(DispatchPolicy::kInsertion), kStreetDemand);
  EXPECT_EQ(result.requests.at(0).status, RequestStatus::kCompleted);
  EXPECT_EQ(result.requests.at(0).vehicle, 0u);
  EXPECT_DOUBLE_EQ(result.requests.at(0).pickup_s, 300.0);
  EXPECT_EQ(result.requests.at(1).reject_reason, RejectReason::kNoVehicleInTime);
  EXPECT_EQ(result.requests.at(2).reject_reason, RejectReason::kNoVehicleInTime);
}

TEST(Rtv, JointAssignmentServesAllThreeAndPoolsTwo) {
  World world(street());
  const SimulationResult result = run(world, street_scenario(DispatchPolicy::kRtv), kStreetDemand);
  const RequestState& lone = result.requests.at(0);
  const RequestState& first = result.requests.at(1);
  const RequestState& second = result.requests.at(2);
  ASSERT_EQ(lone.status, RequestStatus::kCompleted);
  ASSERT_EQ(first.status, RequestStatus::kCompleted);
  ASSERT_EQ(second.status, RequestStatus::kCompleted);
  // Vehicle 1 drives 330 s west to rider 0 (360 s), boards 30 s, drives 90 s on.
  EXPECT_EQ(lone.vehicle, 1u);
  EXPECT_DOUBLE_EQ(lone.pickup_s, 360.0);
  EXPECT_DOUBLE_EQ(lone.dropoff_s, 480.0);
  // Vehicle 0 drives east past rider 1 to rider 2 (120 s), turns back for rider 1 (180 s), leaves rider 1 at 30
  // (240 s) and rider 2 at 0 (300 s): rides 60 s and 180 s. Picking rider 1 up first would make rider 1's ride
  // 150 s, beyond 30 + 100 s; serving them one after the other costs 30 s more.
  EXPECT_EQ(first.vehicle, 0u);
  EXPECT_EQ(second.vehicle, 0u);
  EXPECT_DOUBLE_EQ(second.pickup_s, 120.0);
  EXPECT_DOUBLE_EQ(first.pickup_s, 180.0);
  EXPECT_DOUBLE_EQ(first.dropoff_s, 240.0);
  EXPECT_DOUBLE_EQ(second.dropoff_s, 300.0);
  EXPECT_EQ(compute_kpis(result).overall.served, 3u);
}

// The same round driven by hand: the plans committed and how the assignment was found.
TEST(Rtv, OneRoundCommitsThePooledPlan) {
  for (const uint32_t solver_nodes : {2000u, 0u}) {
    World world(street());
    Scenario scenario = street_scenario(DispatchPolicy::kRtv);
    scenario.dispatch.rtv_solver_nodes = solver_nodes;
    FleetState fleet(world.travel, scenario);
    for (const geo::LatLon depot : scenario.fleet.depots) {
      fleet.add_vehicle(world.travel.locate(depot, 10.0).value().options[0], 0.0);
    }
    for (const TripRequest& trip : kStreetDemand) ASSERT_TRUE(fleet.add_request(trip));
    RtvDispatcher dispatcher(scenario.dispatch);
    dispatcher.dispatch(fleet, 30.0);
    EXPECT_TRUE(fleet.pending().empty());
    const auto stops = [](const VehicleState& vehicle) {
      std::vector<std::pair<Stop::Kind, uint32_t>> listed;
      for (const Stop& stop : vehicle.plan) listed.emplace_back(stop.kind, stop.request);
      return listed;
    };
    using Listed = std::vector<std::pair<Stop::Kind, uint32_t>>;
    constexpr Stop::Kind kUp = Stop::Kind::kPickup;
    constexpr Stop::Kind kOff = Stop::Kind::kDropoff;
    EXPECT_EQ(stops(fleet.vehicles()[0]), (Listed{{kUp, 2}, {kUp, 1}, {kOff, 1}, {kOff, 2}}));
    EXPECT_EQ(stops(fleet.vehicles()[1]), (Listed{{kUp, 0}, {kOff, 0}}));
    EXPECT_EQ(fleet.verify(), "");
    const RtvDispatcher::Stats& stats = dispatcher.stats();
    EXPECT_EQ(stats.rounds, 1u);
    EXPECT_EQ(stats.largest_trip, 2u);
    // Vehicle 0: three single trips and the pair {1, 2}; vehicle 1: rider 0 alone.
    EXPECT_EQ(stats.trips, 5u);
    if (solver_nodes > 0) {
      EXPECT_EQ(stats.optimal_rounds, 1u);
    } else {
      EXPECT_EQ(stats.greedy_rounds, 1u);
    }
  }
}

// Brute force over every choice of at most one trip per vehicle.
void brute_force(const TripProblem& problem, uint32_t vehicle, std::vector<uint32_t>& chosen,
                 std::vector<bool>& served, double& best) {
  if (vehicle == problem.vehicles) {
    best = std::min(best, trip_objective(problem, chosen));
    return;
  }
  brute_force(problem, vehicle + 1, chosen, served, best);
  for (uint32_t t = 0; t < problem.trips.size(); ++t) {
    const TripCandidate& trip = problem.trips[t];
    if (trip.vehicle != vehicle) continue;
    if (std::any_of(trip.requests.begin(), trip.requests.end(), [&](uint32_t r) { return served[r]; })) continue;
    for (const uint32_t r : trip.requests) served[r] = true;
    chosen.push_back(t);
    brute_force(problem, vehicle + 1, chosen, served, best);
    chosen.pop_back();
    for (const uint32_t r : trip.requests) served[r] = false;
  }
}

TripProblem random_problem(std::mt19937_64& random) {
  TripProblem problem;
  problem.vehicles = std::uniform_int_distribution<uint32_t>(1, 4)(random);
  problem.requests = std::uniform_int_distribution<uint32_t>(1, 8)(random);
  std::uniform_real_distribution<double> cost(0.0, 1000.0);
  for (uint32_t v = 0; v < problem.vehicles; ++v) {
    const uint32_t trips = std::uniform_int_distribution<uint32_t>(0, 6)(random);
    for (uint32_t t = 0; t < trips; ++t) {
      std::vector<uint32_t> all(problem.requests);
      std::iota(all.begin(), all.end(), 0u);
      std::shuffle(all.begin(), all.end(), random);
      all.resize(std::min<size_t>(all.size(), std::uniform_int_distribution<size_t>(1, 3)(random)));
      problem.trips.push_back({v, all, std::round(cost(random))});
    }
  }
  problem.unserved_penalty_s = lexicographic_penalty_s(problem);
  return problem;
}

TEST(TripAssignment, CbcIsOptimalAgainstBruteForceOnRandomCases) {
  std::mt19937_64 random(17);
  for (int round = 0; round < 300; ++round) {
    const TripProblem problem = random_problem(random);
    const TripAssignment solved = solve_trip_assignment(problem, {});
    std::vector<uint32_t> chosen;
    std::vector<bool> served(problem.requests, false);
    double best = std::numeric_limits<double>::infinity();
    brute_force(problem, 0, chosen, served, best);
    EXPECT_EQ(solved.source, TripAssignment::Source::kOptimal) << "round " << round;
    EXPECT_NEAR(solved.objective, best, 1e-6) << "round " << round;
    EXPECT_NEAR(trip_objective(problem, solved.chosen), solved.objective, 1e-9) << "round " << round;
    // Deterministic: the same problem, the same trips.
    EXPECT_EQ(solve_trip_assignment(problem, {}).chosen, solved.chosen) << "round " << round;
    // Never worse than the greedy assignment it starts from.
    EXPECT_LE(solved.objective, trip_objective(problem, greedy_trip_assignment(problem)) + 1e-9);
  }
}

TEST(TripAssignment, TheLexicographicPenaltyServesAsManyAsPossibleFirst) {
  // Serving request 1 too costs 900 s more than serving request 0 alone, and is still chosen.
  TripProblem problem;
  problem.vehicles = 1;
  problem.requests = 2;
  problem.trips = {{0, {0}, 10.0}, {0, {0, 1}, 910.0}};
  problem.unserved_penalty_s = lexicographic_penalty_s(problem);
  EXPECT_DOUBLE_EQ(problem.unserved_penalty_s, 911.0);
  EXPECT_EQ(solve_trip_assignment(problem, {}).chosen, (std::vector<uint32_t>{1}));
}

// Vehicle 0 can take requests 0 and 1 together (100 s) or 0 alone (10 s); vehicle 1 can take 1 alone (10 s).
// Greedy takes the largest trip first and leaves vehicle 1 nothing: both served for 100 s. The optimum serves both
// for 20 s.
TripProblem greedy_trap() {
  TripProblem problem;
  problem.vehicles = 2;
  problem.requests = 2;
  problem.trips = {{0, {0, 1}, 100.0}, {0, {0}, 10.0}, {1, {1}, 10.0}};
  problem.unserved_penalty_s = lexicographic_penalty_s(problem);
  return problem;
}

TEST(TripAssignment, GreedyTakesTheLargestTripsFirst) {
  const TripProblem problem = greedy_trap();
  EXPECT_EQ(greedy_trip_assignment(problem), (std::vector<uint32_t>{0}));
  const TripAssignment solved = solve_trip_assignment(problem, {});
  EXPECT_EQ(solved.source, TripAssignment::Source::kOptimal);
  EXPECT_EQ(solved.chosen, (std::vector<uint32_t>{1, 2}));
  EXPECT_DOUBLE_EQ(solved.objective, 20.0);
}

TEST(TripAssignment, WithoutSolverBudgetTheGreedyAssignmentIsUsed) {
  const TripProblem problem = greedy_trap();
  const TripAssignment fallback = solve_trip_assignment(problem, {.max_nodes = 0});
  EXPECT_EQ(fallback.source, TripAssignment::Source::kGreedy);
  EXPECT_EQ(fallback.chosen, (std::vector<uint32_t>{0}));
  EXPECT_DOUBLE_EQ(fallback.objective, 100.0);
}

TEST(Rtv, GreedyFallBackKeepsEveryInvariantOnARandomCity) {
  road::SyntheticGridOptions grid;
  grid.rows = 20;
  grid.cols = 20;
  grid.seed = 9;
  World world(road::make_synthetic_grid(grid));
  Scenario scenario;
  scenario.start_s = 7 * 3600;
  scenario.end_s = 8 * 3600;
  scenario.fleet.size = 8;
  scenario.fleet.capacity = 3;
  scenario.dispatch.policy = DispatchPolicy::kRtv;
  scenario.dispatch.rtv_solver_nodes = 0;
  scenario.seed = 4;
  SyntheticDemandOptions demand;
  demand.total_trips = 3000;
  demand.seed = 12;
  demand.start_s = scenario.start_s;
  demand.end_s = scenario.end_s;
  auto requests = generate_road_demand(world.graph, demand);
  ASSERT_TRUE(requests.is_ok());
  const SimulationResult result = run(world, scenario, *requests);  // verify: invariants after every event
  const Kpis kpis = compute_kpis(result);
  EXPECT_GT(kpis.overall.served, 0u);
  EXPECT_GT(kpis.fleet.average_occupancy, 1.0);  // riders were pooled
  EXPECT_EQ(kpis.overall.served + kpis.overall.rejected + kpis.overall.unfinished, kpis.overall.requests);
  for (const RequestState& ride : result.requests) {
    if (ride.status != RequestStatus::kCompleted) continue;
    EXPECT_LE(ride.pickup_s, ride.latest_pickup_s + 1e-6) << ride.request.id;
    EXPECT_LE(ride.dropoff_s - ride.pickup_s, ride.max_ride_s + 1e-6) << ride.request.id;
  }
}

std::string write_scenario(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_rtv_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "rtv.toml";
  std::ofstream(path) << text;
  return path.string();
}

TEST(RtvScenario, KeysAreReadAndChecked) {
  auto file = read_scenario_file(write_scenario(
      "map = \"m.osm\"\n[dispatch]\npolicy = \"rtv\"\nrtv_seconds = 20\nrtv_max_trip_size = 3\n"
      "rtv_nearest_vehicles = 5\nrtv_solver_nodes = 0\nrtv_solver_seconds = 0.5\n"));
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  const DispatchSpec& spec = file->scenario.dispatch;
  EXPECT_EQ(spec.policy, DispatchPolicy::kRtv);
  EXPECT_STREQ(dispatch_policy_name(spec.policy), "rtv");
  EXPECT_DOUBLE_EQ(spec.rtv_interval_s, 20.0);
  EXPECT_EQ(spec.rtv_max_trip_size, 3u);
  EXPECT_EQ(spec.rtv_nearest_vehicles, 5u);
  EXPECT_EQ(spec.rtv_solver_nodes, 0u);
  EXPECT_DOUBLE_EQ(spec.rtv_solver_seconds, 0.5);
  EXPECT_DOUBLE_EQ(make_dispatcher(spec)->tick_interval_s(), 20.0);
  const std::vector<std::pair<std::string, std::string>> mistakes = {
      {"rtv_seconds = 0", "dispatch.rtv_seconds: must be positive"},
      {"rtv_max_trip_size = 0", "dispatch.rtv_max_trip_size: must be between 1 and 60"},
      {"rtv_nearest_vehicles = 0", "dispatch.rtv_nearest_vehicles: must be between 1"},
      {"rtv_solver_nodes = -1", "dispatch.rtv_solver_nodes: must be between 0"},
      {"rtv_solver_seconds = -1", "dispatch.rtv_solver_seconds: must be zero or more"},
  };
  for (const auto& [line, expected] : mistakes) {
    auto bad = read_scenario_file(write_scenario("map = \"m.osm\"\n[dispatch]\npolicy = \"rtv\"\n" + line + "\n"));
    ASSERT_FALSE(bad.is_ok()) << line;
    EXPECT_NE(bad.status().message().find(expected), std::string::npos) << bad.status().message();
  }
}

}  // namespace
}  // namespace bitgoeul::taxi
