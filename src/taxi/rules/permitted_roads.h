#pragma once
// The road network a permit allows: only roads whose whole length lies in the permitted area (and outside every
// excluded area), with the permit's speed caps in their travel times. Vehicles route on this graph alone, so no
// route can leave the permitted roads.

#include <cstdint>

#include "core/error.h"
#include "road/road_graph.h"
#include "taxi/rules/permit.h"

namespace bitgoeul::taxi::rules {

struct PermittedRoads {
  road::RoadGraph graph;
  uint32_t edges_in = 0;             // of the full map
  uint32_t edges_outside = 0;        // leave the permitted area somewhere along their length
  uint32_t edges_disconnected = 0;   // inside, but cut off from the largest strongly connected part
  uint32_t edges_speed_capped = 0;   // inside, and slowed by a cap
  double km_kept = 0.0;
};

// Points along an edge are checked every `sample_m` metres (and at every shape point). Error when no road is left.
Result<PermittedRoads> restrict_to_permit(const road::RoadGraph& graph, const Permit& permit, double sample_m = 20.0);

// The speed cap (km/h) a permit sets on `edge` of `graph`: the lowest of its road class cap and the caps of the
// zones its midpoint lies in; 0 when none applies.
double speed_cap_kmh(const road::RoadGraph& graph, road::EdgeId edge, const Permit& permit);

}  // namespace bitgoeul::taxi::rules
