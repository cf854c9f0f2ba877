// Specifications of the request-trip-vehicle dispatcher: a street where joint assignment pools riders that
// one-at-a-time insertion must turn away, a street where a later rider makes an assigned one move to another
// vehicle, the assignment programme against brute force (with and without requests that must stay served), the
// greedy fall-back and its repair, and the fleet invariants on random cities.

#include "taxi/dispatch/rtv.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <tuple>

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

// Reassignment, on the same street. Vehicle 0 waits at the west end (0 s), vehicle 1 near the east end (570 s).
//   rider A: 270 -> 180, asks at 18 s (latest pick-up 378 s). At the 30 s round vehicle 0 would pick A up at
//            300 s, vehicle 1 at 330 s: A goes to vehicle 0, which sets off east.
//   rider B: 0 -> 60, asks at 40 s (latest pick-up 400 s). At the 60 s round vehicle 0, now at 30 s heading east
//            (it turns at the next corner), is the only one that can reach B in time (at 150 s), and it cannot
//            serve both: B first, it would reach A at 450 s; A first, B at 600 s. Vehicle 1, still at 570 s, can
//            reach A at 360 s.
// The joint assignment of the 60 s round moves A to vehicle 1 and gives B to vehicle 0; without reassignment A
// stays with vehicle 0 and B is turned away.
Scenario takeover_scenario(bool reassign) {
  Scenario scenario = street_scenario(DispatchPolicy::kRtv);
  scenario.fleet.depots = {at_s(0), at_s(570)};
  scenario.dispatch.rtv_reassign = reassign;
  return scenario;
}

const std::vector<TripRequest> kTakeoverDemand = {request(0, 18, at_s(270), at_s(180)),
                                                  request(1, 40, at_s(0), at_s(60))};

// What the vehicle events say about one request: (kind, vehicle, time).
std::vector<std::tuple<std::string, uint32_t, double>> history(const SimulationResult& result, uint32_t request) {
  std::vector<std::tuple<std::string, uint32_t, double>> listed;
  for (const VehicleEvent& event : result.events) {
    if (event.request == request) listed.emplace_back(event.kind, event.vehicle, event.time_s);
  }
  return listed;
}

TEST(RtvReassign, ALaterRiderTakesTheVehicleAndTheAssignedRiderMovesToAnother) {
  World world(street());
  const SimulationResult result = run(world, takeover_scenario(true), kTakeoverDemand);
  const RequestState& a = result.requests.at(0);
  const RequestState& b = result.requests.at(1);
  ASSERT_EQ(a.status, RequestStatus::kCompleted);
  ASSERT_EQ(b.status, RequestStatus::kCompleted);
  // Vehicle 1 drives 300 s west from 570 s, boards A for 30 s and drives 90 s on.
  EXPECT_EQ(a.vehicle, 1u);
  EXPECT_DOUBLE_EQ(a.assigned_s, 60.0);
  EXPECT_DOUBLE_EQ(a.pickup_s, 360.0);
  EXPECT_DOUBLE_EQ(a.dropoff_s, 480.0);
  // Vehicle 0, heading east at 30 s, turns at the next corner (60 s), is back at 0 s at 150 s, boards B and drives
  // 60 s east.
  EXPECT_EQ(b.vehicle, 0u);
  EXPECT_DOUBLE_EQ(b.pickup_s, 150.0);
  EXPECT_DOUBLE_EQ(b.dropoff_s, 240.0);
  // The vehicle events tell the move: A is taken from vehicle 0 before vehicle 1 gets it.
  using History = std::vector<std::tuple<std::string, uint32_t, double>>;
  EXPECT_EQ(history(result, 0), (History{{"assign", 0, 30.0},
                                         {"unassign", 0, 60.0},
                                         {"assign", 1, 60.0},
                                         {"pickup", 1, 360.0},
                                         {"dropoff", 1, 480.0}}));
  EXPECT_EQ(history(result, 1), (History{{"assign", 0, 60.0}, {"pickup", 0, 150.0}, {"dropoff", 0, 240.0}}));
}

TEST(RtvReassign, WithoutReassignmentTheAssignedRiderStaysAndTheLaterOneIsTurnedAway) {
  World world(street());
  const SimulationResult result = run(world, takeover_scenario(false), kTakeoverDemand);
  EXPECT_EQ(result.requests.at(0).status, RequestStatus::kCompleted);
  EXPECT_EQ(result.requests.at(0).vehicle, 0u);
  EXPECT_DOUBLE_EQ(result.requests.at(0).pickup_s, 300.0);
  EXPECT_EQ(result.requests.at(1).reject_reason, RejectReason::kNoVehicleInTime);
}

// The 60 s round of the takeover by hand: what the dispatcher counted.
TEST(RtvReassign, TheRoundCountsTheMove) {
  for (const uint32_t solver_nodes : {2000u, 0u}) {
    World world(street());
    Scenario scenario = takeover_scenario(true);
    scenario.dispatch.rtv_solver_nodes = solver_nodes;
    FleetState fleet(world.travel, scenario);
    for (const geo::LatLon depot : scenario.fleet.depots) {
      fleet.add_vehicle(world.travel.locate(depot, 10.0).value().options[0], 0.0);
    }
    RtvDispatcher dispatcher(scenario.dispatch);
    ASSERT_TRUE(fleet.add_request(kTakeoverDemand[0]));
    dispatcher.dispatch(fleet, 30.0);
    ASSERT_EQ(fleet.requests()[0].vehicle, 0u);
    ASSERT_TRUE(fleet.add_request(kTakeoverDemand[1]));
    dispatcher.dispatch(fleet, 60.0);
    EXPECT_EQ(fleet.verify(), "");
    EXPECT_EQ(fleet.requests()[0].vehicle, 1u);
    EXPECT_EQ(fleet.requests()[1].vehicle, 0u);
    EXPECT_EQ(dispatcher.stats().reassigned, 1u);
    EXPECT_EQ(dispatcher.stats().rounds, 2u);
    // Nothing better at 90 s: vehicle 1 keeps its trip, and its plan.
    const std::vector<Stop> plan1 = fleet.vehicles()[1].plan;
    const uint64_t version1 = fleet.vehicles()[1].version;
    dispatcher.dispatch(fleet, 90.0);
    EXPECT_EQ(fleet.vehicles()[1].plan, plan1);
    EXPECT_EQ(fleet.vehicles()[1].version, version1);  // not even re-committed
    EXPECT_EQ(dispatcher.stats().reassigned, 1u);
  }
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

// Brute force over every choice of at most one trip per vehicle that serves every request it must.
void brute_force(const TripProblem& problem, uint32_t vehicle, std::vector<uint32_t>& chosen,
                 std::vector<bool>& served, double& best) {
  if (vehicle == problem.vehicles) {
    for (uint32_t r = 0; r < problem.must_serve.size(); ++r) {
      if (problem.must_serve[r] && !served[r]) return;
    }
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

// Requests already assigned (must_serve) with the trips their vehicles hold now (fallback): vehicle 0 holds
// request 0 (trip 0, 50 s); it could pool requests 1 and 2 instead (trip 1, 10 s); vehicle 1 can take request 1
// (trip 2, 5 s).
TripProblem held_trap() {
  TripProblem problem;
  problem.vehicles = 2;
  problem.requests = 3;
  problem.trips = {{0, {0}, 50.0}, {0, {1, 2}, 10.0}, {1, {1}, 5.0}};
  problem.unserved_penalty_s = lexicographic_penalty_s(problem);
  problem.must_serve = {true, false, false};
  problem.fallback = {0};
  return problem;
}

// Greedy takes the largest trip first, vehicle 0's pair, which leaves request 0 to nobody: the repair forces
// vehicle 0's held trip back, dropping the pair, and fills vehicle 1 with request 1; request 2 stays unserved.
TEST(TripAssignment, GreedyNeverDropsARequestThatMustBeServed) {
  TripProblem problem = held_trap();
  const std::vector<uint32_t> greedy = greedy_trip_assignment(problem);
  EXPECT_EQ(greedy, (std::vector<uint32_t>{0, 2}));
  EXPECT_TRUE(trip_selection_feasible(problem, greedy));
  const TripAssignment fallback = solve_trip_assignment(problem, {.max_nodes = 0});
  EXPECT_EQ(fallback.source, TripAssignment::Source::kGreedy);
  EXPECT_EQ(fallback.chosen, greedy);
  // Without the constraint greedy drops request 0 for the pair, which a selection that must serve it refuses.
  EXPECT_FALSE(trip_selection_feasible(problem, {1}));
  problem.must_serve.clear();
  EXPECT_EQ(greedy_trip_assignment(problem), (std::vector<uint32_t>{1}));
}

// The pair serves as many requests (two) as keeping request 0 with request 1 on vehicle 1, for less: unconstrained,
// CBC takes the pair; constrained, it keeps request 0 (55 s plus the 56 s penalty for request 2).
TEST(TripAssignment, CbcKeepsEveryRequestThatMustBeServed) {
  TripProblem problem = held_trap();
  const TripAssignment solved = solve_trip_assignment(problem, {});
  EXPECT_EQ(solved.source, TripAssignment::Source::kOptimal);
  EXPECT_EQ(solved.chosen, (std::vector<uint32_t>{0, 2}));
  EXPECT_DOUBLE_EQ(solved.objective, 111.0);
  problem.must_serve.clear();
  EXPECT_EQ(solve_trip_assignment(problem, {}).chosen, (std::vector<uint32_t>{1}));
}

// Random problems where some vehicles hold trips of requests that must stay served.
TripProblem random_held_problem(std::mt19937_64& random) {
  TripProblem problem = random_problem(random);
  problem.must_serve.assign(problem.requests, false);
  std::vector<uint32_t> free(problem.requests);
  std::iota(free.begin(), free.end(), 0u);
  std::shuffle(free.begin(), free.end(), random);
  std::uniform_real_distribution<double> cost(0.0, 1000.0);
  for (uint32_t v = 0; v < problem.vehicles && !free.empty(); ++v) {
    if (std::uniform_int_distribution<int>(0, 2)(random) == 0) continue;
    const size_t size = std::min<size_t>(free.size(), std::uniform_int_distribution<size_t>(1, 2)(random));
    std::vector<uint32_t> held(free.end() - static_cast<std::ptrdiff_t>(size), free.end());
    free.resize(free.size() - size);
    for (const uint32_t r : held) problem.must_serve[r] = true;
    problem.fallback.push_back(static_cast<uint32_t>(problem.trips.size()));
    problem.trips.push_back({v, held, std::round(cost(random))});
  }
  problem.unserved_penalty_s = lexicographic_penalty_s(problem);
  return problem;
}

TEST(TripAssignment, WithRequestsThatMustBeServedCbcIsOptimalAndGreedyFeasible) {
  std::mt19937_64 random(23);
  int repaired = 0;
  for (int round = 0; round < 300; ++round) {
    const TripProblem problem = random_held_problem(random);
    std::vector<uint32_t> chosen;
    std::vector<bool> served(problem.requests, false);
    double best = std::numeric_limits<double>::infinity();
    brute_force(problem, 0, chosen, served, best);
    const TripAssignment solved = solve_trip_assignment(problem, {});
    EXPECT_EQ(solved.source, TripAssignment::Source::kOptimal) << "round " << round;
    EXPECT_TRUE(trip_selection_feasible(problem, solved.chosen)) << "round " << round;
    EXPECT_NEAR(solved.objective, best, 1e-6) << "round " << round;
    const std::vector<uint32_t> greedy = greedy_trip_assignment(problem);
    EXPECT_TRUE(trip_selection_feasible(problem, greedy)) << "round " << round;
    TripProblem plain = problem;
    plain.must_serve.clear();
    if (!trip_selection_feasible(problem, greedy_trip_assignment(plain))) ++repaired;
  }
  EXPECT_GT(repaired, 10);  // the repair was needed often enough to be tested
}

// A random city at its busiest, reassigning every round: requests move between vehicles, and every request a
// vehicle was promised is served, whether CBC or the greedy fall-back (solver nodes 0) assigns.
Scenario busy_city_scenario(uint32_t solver_nodes) {
  Scenario scenario;
  scenario.start_s = 7 * 3600;
  scenario.end_s = 8 * 3600;
  scenario.fleet.size = 8;
  scenario.fleet.capacity = 3;
  scenario.dispatch.policy = DispatchPolicy::kRtv;
  scenario.dispatch.rtv_solver_nodes = solver_nodes;
  scenario.seed = 4;
  return scenario;
}

TEST(Rtv, GreedyFallBackKeepsEveryInvariantOnARandomCity) {
  road::SyntheticGridOptions grid;
  grid.rows = 20;
  grid.cols = 20;
  grid.seed = 9;
  World world(road::make_synthetic_grid(grid));
  const Scenario scenario = busy_city_scenario(0);
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

std::vector<TripRequest> busy_city_demand(const road::RoadGraph& graph, uint64_t seed) {
  SyntheticDemandOptions demand;
  demand.total_trips = 6000;  // a day's: the hour gets about 220
  demand.seed = seed;
  demand.start_s = 7 * 3600;
  demand.end_s = 8 * 3600;
  auto requests = generate_road_demand(graph, demand);
  EXPECT_TRUE(requests.is_ok());
  return requests.is_ok() ? *requests : std::vector<TripRequest>{};
}

// Blocks of 250 m: pick-ups lie minutes ahead, so assigned requests join the pool (see kReassignAheadRounds).
World random_city(uint64_t seed) {
  road::SyntheticGridOptions grid;
  grid.rows = 20;
  grid.cols = 20;
  grid.spacing_m = 250.0;
  grid.seed = seed;
  return World(road::make_synthetic_grid(grid));
}

TEST(RtvReassign, AnAssignedRequestIsNeverDroppedOnRandomCities) {
  for (const uint32_t solver_nodes : {2000u, 0u}) {
    for (const uint64_t seed : {9u, 31u}) {
      SCOPED_TRACE(::testing::Message() << "solver nodes " << solver_nodes << ", city " << seed);
      World world = random_city(seed);
      const SimulationResult result =
          run(world, busy_city_scenario(solver_nodes), busy_city_demand(world.graph, seed + 3));
      ASSERT_FALSE(result.requests.empty());
      std::vector<int> assigned(result.requests.size(), 0);
      size_t moves = 0;
      for (size_t e = 0; e < result.events.size(); ++e) {
        const VehicleEvent& event = result.events[e];
        if (event.kind == "assign") ++assigned[event.request];
        if (event.kind != "unassign") continue;
        ++moves;
        // Taken from one vehicle only to be given to another in the same round.
        const auto given = std::find_if(result.events.begin() + static_cast<std::ptrdiff_t>(e), result.events.end(),
                                        [&](const VehicleEvent& later) {
                                          return later.kind == "assign" && later.request == event.request;
                                        });
        ASSERT_NE(given, result.events.end()) << event.request;
        EXPECT_EQ(given->time_s, event.time_s) << event.request;
        EXPECT_NE(given->vehicle, event.vehicle) << event.request;
      }
      EXPECT_GT(moves, 0u);  // reassignment happened
      for (const RequestState& ride : result.requests) {
        const uint32_t id = ride.request.id;
        ASSERT_TRUE(ride.status == RequestStatus::kCompleted || ride.status == RequestStatus::kRejected) << id;
        if (ride.status == RequestStatus::kRejected) {
          EXPECT_NE(ride.reject_reason, RejectReason::kNone) << id;
          EXPECT_EQ(assigned[id], 0) << "request " << id << " was promised a vehicle and then turned away";
          continue;
        }
        EXPECT_GE(assigned[id], 1) << id;
        EXPECT_LE(ride.pickup_s, ride.latest_pickup_s + 1e-6) << id;
        EXPECT_LE(ride.dropoff_s - ride.pickup_s, ride.max_ride_s + 1e-6) << id;
      }
    }
  }
}

TEST(RtvReassign, TheSameSeedGivesTheSameEvents) {
  World world = random_city(9);
  const std::vector<TripRequest> demand = busy_city_demand(world.graph, 12);
  const SimulationResult first = run(world, busy_city_scenario(2000), demand);
  const SimulationResult second = run(world, busy_city_scenario(2000), demand);
  ASSERT_EQ(first.events.size(), second.events.size());
  for (size_t e = 0; e < first.events.size(); ++e) {
    const VehicleEvent& a = first.events[e];
    const VehicleEvent& b = second.events[e];
    ASSERT_EQ(std::tie(a.time_s, a.vehicle, a.kind, a.request), std::tie(b.time_s, b.vehicle, b.kind, b.request))
        << "event " << e;
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
      "rtv_nearest_vehicles = 5\nrtv_solver_nodes = 0\nrtv_solver_seconds = 0.5\nrtv_reassign = false\n"));
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  const DispatchSpec& spec = file->scenario.dispatch;
  EXPECT_EQ(spec.policy, DispatchPolicy::kRtv);
  EXPECT_STREQ(dispatch_policy_name(spec.policy), "rtv");
  EXPECT_DOUBLE_EQ(spec.rtv_interval_s, 20.0);
  EXPECT_EQ(spec.rtv_max_trip_size, 3u);
  EXPECT_EQ(spec.rtv_nearest_vehicles, 5u);
  EXPECT_EQ(spec.rtv_solver_nodes, 0u);
  EXPECT_DOUBLE_EQ(spec.rtv_solver_seconds, 0.5);
  EXPECT_FALSE(spec.rtv_reassign);
  EXPECT_TRUE(DispatchSpec{}.rtv_reassign);  // the paper's way unless turned off
  EXPECT_DOUBLE_EQ(make_dispatcher(spec)->tick_interval_s(), 20.0);
  const std::vector<std::pair<std::string, std::string>> mistakes = {
      {"rtv_seconds = 0", "dispatch.rtv_seconds: must be positive"},
      {"rtv_max_trip_size = 0", "dispatch.rtv_max_trip_size: must be between 1 and 60"},
      {"rtv_nearest_vehicles = 0", "dispatch.rtv_nearest_vehicles: must be between 1"},
      {"rtv_solver_nodes = -1", "dispatch.rtv_solver_nodes: must be between 0"},
      {"rtv_solver_seconds = -1", "dispatch.rtv_solver_seconds: must be zero or more"},
      {"rtv_reassign = 1", "dispatch.rtv_reassign"},
      {"rtv_reassign = \"yes\"", "dispatch.rtv_reassign"},
  };
  for (const auto& [line, expected] : mistakes) {
    auto bad = read_scenario_file(write_scenario("map = \"m.osm\"\n[dispatch]\npolicy = \"rtv\"\n" + line + "\n"));
    ASSERT_FALSE(bad.is_ok()) << line;
    EXPECT_NE(bad.status().message().find(expected), std::string::npos) << bad.status().message();
  }
}

}  // namespace
}  // namespace bitgoeul::taxi
