// The permit in the simulator, as properties over random permits and requests: no road outside the permitted
// area, no pick-up outside the hours, suspensions or shifts, every refusal names its rule, and vehicles that may
// not serve go to their depot.

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/permitted_roads.h"
#include "taxi/rules/testing.h"
#include "taxi/testing.h"

namespace bitgoeul::taxi::rules {
namespace {

using testing::kH;
using testing::kWednesday;

road::RoadGraph city() {
  road::SyntheticGridOptions grid;
  grid.rows = 30;
  grid.cols = 30;
  grid.seed = 5;
  return road::make_synthetic_grid(grid);
}

// The grid spans about 2.9 km from (35.1595, 126.8526): 0.026 degrees north, 0.032 east.
geo::LatLon grid_point(double north, double east) { return {35.1595 + north * 0.0261, 126.8526 + east * 0.0318}; }

TEST(PermittedRoads, OnlyRoadsInsideTheAreaAndCapsSlowThemDown) {
  const road::RoadGraph graph = city();
  Permit permit = testing::everyday_permit(testing::rectangle("area", grid_point(0.2, 0.2), grid_point(0.8, 0.8)));
  permit.excluded = {testing::rectangle("works", grid_point(0.45, 0.45), grid_point(0.55, 0.55))};
  permit.class_speed_cap_kmh[static_cast<size_t>(road::RoadClass::kPrimary)] = 40;
  permit.class_speed_cap_kmh[static_cast<size_t>(road::RoadClass::kResidential)] = 20;
  auto roads = restrict_to_permit(graph, permit, 10.0);
  ASSERT_TRUE(roads.is_ok()) << roads.status().to_string();
  const road::RoadGraph& kept = roads->graph;
  EXPECT_GT(kept.edge_count(), 100u);
  EXPECT_LT(kept.edge_count(), graph.edge_count() / 2);
  EXPECT_EQ(roads->edges_in, graph.edge_count());
  EXPECT_EQ(roads->edges_in, roads->edges_outside + roads->edges_disconnected + kept.edge_count());
  EXPECT_GT(roads->edges_speed_capped, 0u);
  for (road::EdgeId edge = 0; edge < kept.edge_count(); ++edge) {
    const std::vector<geo::LatLon> geometry = kept.edge_geometry(edge);
    for (size_t i = 0; i + 1 < geometry.size(); ++i) {
      for (double t = 0; t <= 1.0; t += 0.05) {
        const geo::LatLon p{geometry[i].lat + t * (geometry[i + 1].lat - geometry[i].lat),
                            geometry[i].lon + t * (geometry[i + 1].lon - geometry[i].lon)};
        ASSERT_TRUE(in_permitted_area(permit, p)) << "edge " << edge;
      }
    }
    const double cap = speed_cap_kmh(kept, edge, permit);
    if (cap > 0) {
      EXPECT_GE(kept.travel_time_ms[edge] + 1.0, kept.distance_m[edge] / (cap / 3.6) * 1000.0) << edge;
    }
  }
  Permit nowhere = testing::everyday_permit(testing::rectangle("sea", {34.0, 125.0}, {34.1, 125.1}));
  EXPECT_FALSE(restrict_to_permit(graph, nowhere).is_ok());
}

class PermitSimulation : public ::testing::TestWithParam<DispatchPolicy> {};

TEST_P(PermitSimulation, RandomPermitsAreNeverBroken) {
  const road::RoadGraph full = city();
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double south = 0.05 + 0.2 * unit(random);
    const double west = 0.05 + 0.2 * unit(random);
    Permit permit = testing::everyday_permit(
        testing::rectangle("area", grid_point(south, west), grid_point(south + 0.6, west + 0.6)));
    if (seed % 2 == 0) {
      permit.excluded = {testing::rectangle("works", grid_point(south + 0.25, west + 0.25),
                                            grid_point(south + 0.35, west + 0.35))};
    }
    // Hours: two random windows between 06:00 and 12:00, a suspension, drivers on shift for half the fleet.
    const double open1 = 6 * kH + std::floor(unit(random) * 4) * 900;
    const double close1 = open1 + kH + std::floor(unit(random) * 4) * 900;
    const double open2 = close1 + 900 + std::floor(unit(random) * 4) * 900;
    for (auto& windows : permit.hours) windows = {{open1, close1}, {open2, open2 + 1.5 * kH}};
    const int64_t day0 = midnight_s(kWednesday);
    const auto suspend = static_cast<int64_t>(open1 + 1800 + std::floor(unit(random) * 4) * 300);
    permit.suspensions = {{day0 + suspend, day0 + suspend + 1200, "storm"}};
    permit.safety_driver_vehicles = 3;
    permit.safety_driver_shifts = {{open1 + 900, open1 + 900 + 2 * kH}};
    permit.max_vehicles = 7;

    auto roads = restrict_to_permit(full, permit);
    ASSERT_TRUE(roads.is_ok()) << roads.status().to_string();
    taxi::testing::World world(std::move(roads->graph));
    auto rules = PermitRules::create(permit, kWednesday, 14 * kH);
    ASSERT_TRUE(rules.is_ok());

    Scenario scenario;
    scenario.start_s = 6 * kH;
    scenario.end_s = 12 * kH;
    scenario.fleet.size = 9;
    scenario.fleet.depots = {grid_point(south + 0.3, west + 0.1)};
    scenario.dispatch.policy = GetParam();
    scenario.seed = seed;
    std::vector<TripRequest> demand;
    // Most requests inside the area (some in the excluded works), a few from anywhere on the map.
    auto somewhere = [&] {
      if (unit(random) < 0.1) return grid_point(unit(random), unit(random));
      return grid_point(south + 0.02 + 0.56 * unit(random), west + 0.02 + 0.56 * unit(random));
    };
    for (uint32_t i = 0; i < 600; ++i) {
      const geo::LatLon from = somewhere();
      demand.push_back(taxi::testing::request(i, 6 * kH + unit(random) * 6 * kH, from, somewhere()));
    }
    SimulationOptions options{.verify = true, .show_progress = false};
    options.permit = &*rules;
    auto result = simulate(world.travel, scenario, demand, options);
    ASSERT_TRUE(result.is_ok()) << result.status().to_string();
    ASSERT_EQ(result->admissions.size(), result->requests.size());

    int served = 0;
    int refused = 0;
    for (const RequestState& ride : result->requests) {
      const Admission& admission = result->admissions[ride.request.id];
      if (admission.reason != RejectReason::kNone) {
        ++refused;
        EXPECT_EQ(ride.status, RequestStatus::kRejected);
        EXPECT_EQ(ride.reject_reason, admission.reason);
        EXPECT_FALSE(admission.rule.empty());
        // The refusal is the permit's verdict on the request as asked.
        const bool open = rules->open_at(ride.request.request_time_s);
        const bool inside = in_permitted_area(permit, admission.asked_origin) &&
                            in_permitted_area(permit, admission.asked_destination);
        EXPECT_TRUE(!open || !inside) << ride.request.id;
        continue;
      }
      EXPECT_TRUE(rules->open_at(ride.request.request_time_s)) << ride.request.id;
      EXPECT_TRUE(in_permitted_area(permit, ride.request.origin)) << ride.request.id;
      if (ride.status == RequestStatus::kCompleted) {
        ++served;
        EXPECT_TRUE(rules->pickup_allowed(ride.vehicle, ride.pickup_s)) << ride.request.id << " at " << ride.pickup_s;
        EXPECT_LT(ride.vehicle, permit.max_vehicles);
      } else {
        EXPECT_EQ(ride.status, RequestStatus::kRejected);
      }
    }
    EXPECT_GT(served, 100) << "seed " << seed;
    EXPECT_GT(refused, 100) << "seed " << seed;
    for (const VehicleEvent& event : result->events) {
      // Every place a vehicle stands is on a permitted road (the graph has no other).
      EXPECT_TRUE(in_permitted_area(permit, event.point)) << event.kind << " of vehicle " << event.vehicle;
      if (event.kind == "pickup") {
        EXPECT_TRUE(rules->pickup_allowed(event.vehicle, event.time_s));
      }
    }
    // The permit's changes of state are recorded, the suspension among them.
    bool saw_suspension = false;
    for (const PermitEvent& event : result->permit_events) saw_suspension |= event.kind == "suspension_start";
    EXPECT_TRUE(saw_suspension);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, PermitSimulation,
                         ::testing::Values(DispatchPolicy::kNearestIdle, DispatchPolicy::kBatchMatching,
                                           DispatchPolicy::kInsertion, DispatchPolicy::kRtv),
                         [](const auto& test_info) { return std::string(dispatch_policy_name(test_info.param)); });

}  // namespace
}  // namespace bitgoeul::taxi::rules
