#pragma once
// Shared by the routing tests only: time units, a path's checked travel time, a quiet hierarchy build.

#include <vector>

#include "road/contraction_hierarchy.h"
#include "road/road_graph.h"

namespace bitgoeul::road::testing {

inline constexpr TravelTimeMs kS = 1000;  // one second in ms

// Sum of travel times along `edges`, or kInfiniteTime if they are not consecutive from `source` to `target`.
inline TravelTimeMs checked_path_time(const RoadGraph& graph, const std::vector<EdgeId>& edges, NodeId source,
                                      NodeId target) {
  NodeId at = source;
  TravelTimeMs total = 0;
  for (EdgeId e : edges) {
    if (graph.tail[e] != at) return kInfiniteTime;
    total += graph.travel_time_ms[e];
    at = graph.head[e];
  }
  return at == target ? total : kInfiniteTime;
}

// The hierarchy of `graph`, built without a progress bar.
inline ContractionHierarchy hierarchy(const RoadGraph& graph) {
  ChBuildOptions options;
  options.show_progress = false;
  return ContractionHierarchy::build(graph, options);
}

}  // namespace bitgoeul::road::testing
