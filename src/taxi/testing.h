#pragma once
// Shared by the taxi tests only: a small world (graph, hierarchy, travel) built from a picture or generator, a ride
// request, and a simulation run with every invariant checked after every event.

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "road/contraction_hierarchy.h"
#include "taxi/road_travel.h"
#include "taxi/simulation.h"

namespace bitgoeul::taxi::testing {

struct World {
  explicit World(road::RoadGraph road_graph)
      : graph(std::move(road_graph)), ch(road::ContractionHierarchy::build(graph, {.show_progress = false})),
        travel(graph, ch) {}
  road::RoadGraph graph;
  road::ContractionHierarchy ch;
  RoadTravel travel;
};

inline TripRequest request(uint32_t id, double time_s, geo::LatLon from, geo::LatLon to, uint16_t passengers = 1) {
  TripRequest trip;
  trip.id = id;
  trip.request_time_s = time_s;
  trip.origin = from;
  trip.destination = to;
  trip.passengers = passengers;
  return trip;
}

// Runs with verification on; a failed run is a test failure and returns an empty result.
inline SimulationResult run(World& world, const Scenario& scenario, const std::vector<TripRequest>& demand) {
  auto result = simulate(world.travel, scenario, demand, {.verify = true, .show_progress = false});
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  return result.is_ok() ? std::move(result).value() : SimulationResult{};
}

}  // namespace bitgoeul::taxi::testing
