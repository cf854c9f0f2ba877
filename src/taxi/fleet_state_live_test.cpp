// A live fleet (taxi_service) drives FleetState through telemetry and confirmations instead of simulated arrivals:
// relocate keeps the plan, stops are done when confirmed (in any order the riders allow, never twice), a waiting
// rider can be taken out of a plan, and a fleet rebuilt from a store passes every invariant. Also: riders moving
// between vehicles in one commit, as the RTV dispatcher reassigns them.

#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"
#include "taxi/dispatch/dispatcher.h"
#include "taxi/fleet_state.h"
#include "taxi/testing.h"

namespace bitgoeul::taxi {
namespace {

using testing::World;

//   A --20-- B --20-- C --20-- D --20-- E
class LiveFleet : public ::testing::Test {
 protected:
  LiveFleet() : world(drawn().graph), fleet(world.travel, scenario) {}

  static road::DrawnGraph drawn() {
    auto graph = road::drawn_graph("A --20-- B --20-- C --20-- D --20-- E");
    EXPECT_TRUE(graph.is_ok());
    return std::move(graph).value();
  }
  geo::LatLon at(char letter) const { return world.graph.coordinates[letters(letter)]; }
  RoadPosition position(char letter) {
    auto location = world.travel.locate(at(letter), 50.0);
    EXPECT_TRUE(location.is_ok());
    return location->options[0];
  }
  uint32_t ride(char from, char to, double now_s) {
    const auto id = static_cast<uint32_t>(fleet.requests().size());
    EXPECT_TRUE(fleet.add_request(testing::request(id, now_s, at(from), at(to))));
    return id;
  }
  void ride_in(FleetState& other, char from, char to, double now_s) {
    const auto id = static_cast<uint32_t>(other.requests().size());
    EXPECT_TRUE(other.add_request(testing::request(id, now_s, at(from), at(to))));
  }
  void expect_invariants() { EXPECT_EQ(fleet.verify(), ""); }

  road::DrawnGraph letters = drawn();
  Scenario scenario;
  World world;
  FleetState fleet;
};

TEST_F(LiveFleet, StopsAreDoneWhenConfirmedAndNeverTwice) {
  fleet.add_vehicle(position('A'), 0.0, 2);
  EXPECT_EQ(fleet.vehicles()[0].capacity, 2);
  const uint32_t r = ride('B', 'D', 0.0);
  const std::vector<Stop> plan = solo_plan(r);
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[0], plan, 0.0));
  fleet.commit_plan(0, plan, 0.0);
  expect_invariants();

  // Telemetry moves the vehicle; it keeps its plan and heads on from where it was seen.
  const uint64_t version = fleet.vehicles()[0].version;
  fleet.relocate(0, position('B'), 20.0);
  EXPECT_EQ(fleet.vehicles()[0].plan, plan);
  EXPECT_EQ(fleet.vehicles()[0].anchor, position('B'));
  EXPECT_GT(fleet.vehicles()[0].version, version);
  expect_invariants();

  const Stop pickup{Stop::Kind::kPickup, r};
  const Stop dropoff{Stop::Kind::kDropoff, r};
  EXPECT_FALSE(fleet.execute_stop(0, dropoff, 21.0));  // not aboard yet
  ASSERT_TRUE(fleet.execute_stop(0, pickup, 21.0));
  // It stands at the stop.
  EXPECT_LT(geo::haversine_m(world.travel.point_of(fleet.vehicles()[0].anchor), at('B')), 1.0);
  EXPECT_EQ(fleet.requests()[r].status, RequestStatus::kOnboard);
  EXPECT_EQ(fleet.requests()[r].pickup_s, 21.0);
  EXPECT_EQ(fleet.vehicles()[0].onboard, 1);
  EXPECT_FALSE(fleet.execute_stop(0, pickup, 22.0));  // replayed
  expect_invariants();

  fleet.relocate(0, position('C'), 40.0);
  EXPECT_EQ(fleet.vehicles()[0].plan, std::vector<Stop>{dropoff});
  ASSERT_TRUE(fleet.execute_stop(0, dropoff, 60.0));
  EXPECT_EQ(fleet.requests()[r].status, RequestStatus::kCompleted);
  EXPECT_EQ(fleet.vehicles()[0].onboard, 0);
  EXPECT_TRUE(fleet.vehicles()[0].idle());
  EXPECT_FALSE(fleet.execute_stop(0, dropoff, 61.0));
  expect_invariants();
}

TEST_F(LiveFleet, APickUpBeforeTheDropOffThatFreesItsSeatIsRefused) {
  fleet.add_vehicle(position('A'), 0.0, 1);
  const uint32_t first = ride('A', 'B', 0.0);
  const uint32_t second = ride('B', 'C', 0.0);
  const std::vector<Stop> plan = {{Stop::Kind::kPickup, first}, {Stop::Kind::kDropoff, first},
                                  {Stop::Kind::kPickup, second}, {Stop::Kind::kDropoff, second}};
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[0], plan, 0.0));
  fleet.commit_plan(0, plan, 0.0);
  ASSERT_TRUE(fleet.execute_stop(0, {Stop::Kind::kPickup, first}, 1.0));
  EXPECT_FALSE(fleet.execute_stop(0, {Stop::Kind::kPickup, second}, 2.0));  // the one seat is taken
  EXPECT_EQ(fleet.requests()[second].status, RequestStatus::kAssigned);
  EXPECT_EQ(fleet.vehicles()[0].onboard, 1);
  expect_invariants();
  ASSERT_TRUE(fleet.execute_stop(0, {Stop::Kind::kDropoff, first}, 20.0));
  EXPECT_TRUE(fleet.execute_stop(0, {Stop::Kind::kPickup, second}, 21.0));
  expect_invariants();
}

TEST_F(LiveFleet, AStopOfAnotherVehicleIsRefused) {
  fleet.add_vehicle(position('A'), 0.0);
  fleet.add_vehicle(position('E'), 0.0);
  const uint32_t r = ride('B', 'C', 0.0);
  fleet.commit_plan(0, solo_plan(r), 0.0);
  EXPECT_FALSE(fleet.execute_stop(1, {Stop::Kind::kPickup, r}, 5.0));
  EXPECT_EQ(fleet.requests()[r].status, RequestStatus::kAssigned);
  expect_invariants();
}

TEST_F(LiveFleet, AWaitingRiderCanBeTakenOutOfAPlan) {
  fleet.add_vehicle(position('A'), 0.0);
  const uint32_t first = ride('B', 'D', 0.0);
  const uint32_t second = ride('C', 'E', 1.0);
  EXPECT_FALSE(fleet.unassign(first, 2.0));  // still pending: nothing to take out
  std::vector<Stop> plan = {{Stop::Kind::kPickup, first}, {Stop::Kind::kPickup, second},
                            {Stop::Kind::kDropoff, first}, {Stop::Kind::kDropoff, second}};
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[0], plan, 2.0));
  fleet.commit_plan(0, plan, 2.0);
  EXPECT_TRUE(fleet.pending().empty());
  ASSERT_TRUE(fleet.unassign(first, 3.0));
  EXPECT_EQ(fleet.requests()[first].status, RequestStatus::kPending);
  EXPECT_EQ(fleet.pending(), std::vector<uint32_t>{first});
  EXPECT_EQ(fleet.vehicles()[0].plan, (std::vector<Stop>{{Stop::Kind::kPickup, second}, {Stop::Kind::kDropoff, second}}));
  expect_invariants();
  ASSERT_TRUE(fleet.execute_stop(0, {Stop::Kind::kPickup, second}, 30.0));
  EXPECT_FALSE(fleet.unassign(second, 31.0));  // aboard: cannot be taken out
  expect_invariants();
}

// A dispatcher that reassigns (RTV) commits several plans at once: a rider leaving a vehicle is unassigned from
// it before the vehicle taking them is assigned, all at the same moment; a rider in no new plan waits again.
TEST_F(LiveFleet, RidersMoveBetweenVehiclesInOneCommit) {
  fleet.add_vehicle(position('A'), 0.0);
  fleet.add_vehicle(position('E'), 0.0);
  const uint32_t moving = ride('D', 'E', 0.0);
  fleet.commit_plan(0, solo_plan(moving), 0.0);
  const uint32_t fresh = ride('B', 'A', 1.0);
  const std::vector<Stop> plan0 = solo_plan(fresh);
  const std::vector<Stop> plan1 = solo_plan(moving);
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[0], plan0, 2.0));
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[1], plan1, 2.0));
  const size_t before = fleet.events().size();
  fleet.commit_plans({{0, plan0}, {1, plan1}}, 2.0);
  expect_invariants();
  EXPECT_EQ(fleet.vehicles()[0].plan, plan0);
  EXPECT_EQ(fleet.vehicles()[1].plan, plan1);
  EXPECT_EQ(fleet.requests()[moving].vehicle, 1u);
  EXPECT_EQ(fleet.requests()[moving].status, RequestStatus::kAssigned);
  EXPECT_DOUBLE_EQ(fleet.requests()[moving].assigned_s, 2.0);
  EXPECT_EQ(fleet.requests()[fresh].vehicle, 0u);
  EXPECT_TRUE(fleet.pending().empty());
  const auto since = [&](size_t first) {
    std::vector<std::tuple<std::string, uint32_t, uint32_t, double>> listed;
    for (size_t e = first; e < fleet.events().size(); ++e) {
      const VehicleEvent& event = fleet.events()[e];
      listed.emplace_back(event.kind, event.vehicle, event.request, event.time_s);
    }
    return listed;
  };
  using Events = std::vector<std::tuple<std::string, uint32_t, uint32_t, double>>;
  EXPECT_EQ(since(before), (Events{{"unassign", 0, moving, 2.0}, {"assign", 0, fresh, 2.0}, {"assign", 1, moving, 2.0}}));

  // Vehicle 1 gives its rider up and takes nobody: the rider waits again, the vehicle is idle.
  const size_t second = fleet.events().size();
  fleet.commit_plans({{1, {}}}, 3.0);
  expect_invariants();
  EXPECT_EQ(fleet.pending(), std::vector<uint32_t>{moving});
  EXPECT_EQ(fleet.requests()[moving].status, RequestStatus::kPending);
  EXPECT_TRUE(fleet.vehicles()[1].idle());
  EXPECT_EQ(since(second), (Events{{"unassign", 1, moving, 3.0}, {"idle", 1, UINT32_MAX, 3.0}}));
}

TEST_F(LiveFleet, ATentativeRequestIsWithdrawnWithoutATrace) {
  fleet.add_vehicle(position('A'), 0.0);
  const uint32_t kept = ride('B', 'C', 0.0);
  const uint32_t tentative = ride('C', 'E', 1.0);
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[0], solo_plan(tentative), 1.0));  // measures legs to its stops
  fleet.withdraw_last_request();
  EXPECT_EQ(fleet.requests().size(), 1u);
  EXPECT_EQ(fleet.pending(), std::vector<uint32_t>{kept});
  expect_invariants();
  // The id is taken again by a request elsewhere, and planned from its own stops, not the withdrawn one's.
  const uint32_t next = ride('D', 'B', 2.0);
  EXPECT_EQ(next, tentative);
  std::vector<double> etas;
  ASSERT_TRUE(fleet.evaluate_plan(fleet.vehicles()[0], solo_plan(next), 2.0, &etas));
  FleetState fresh(world.travel, scenario);
  fresh.add_vehicle(position('A'), 0.0);
  ride_in(fresh, 'B', 'C', 0.0);
  ride_in(fresh, 'D', 'B', 2.0);
  std::vector<double> fresh_etas;
  ASSERT_TRUE(fresh.evaluate_plan(fresh.vehicles()[0], solo_plan(next), 2.0, &fresh_etas));
  EXPECT_EQ(etas, fresh_etas);
}

TEST_F(LiveFleet, AFleetRebuiltFromAStoreKeepsItsRidersAndPlans) {
  fleet.add_vehicle(position('C'), 100.0);
  const uint32_t aboard = ride('A', 'E', 0.0);
  const uint32_t waiting = ride('D', 'E', 90.0);
  fleet.restore_onboard(aboard, 0, 50.0);
  fleet.commit_plan(0, {{Stop::Kind::kPickup, waiting}, {Stop::Kind::kDropoff, aboard}, {Stop::Kind::kDropoff, waiting}},
                    100.0);
  expect_invariants();
  EXPECT_EQ(fleet.vehicles()[0].onboard, 1);
  EXPECT_EQ(fleet.requests()[aboard].status, RequestStatus::kOnboard);
  EXPECT_EQ(fleet.requests()[waiting].status, RequestStatus::kAssigned);
  EXPECT_TRUE(fleet.pending().empty());
  ASSERT_TRUE(fleet.execute_stop(0, {Stop::Kind::kDropoff, aboard}, 110.0));
  EXPECT_EQ(fleet.requests()[aboard].status, RequestStatus::kCompleted);
  expect_invariants();
}

}  // namespace
}  // namespace bitgoeul::taxi
