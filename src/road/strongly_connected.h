#pragma once
// Private to the importer: strongly connected components of a RoadGraph, and keeping the largest one so that every
// remaining node can reach every other (a router never meets an island or a dead-end trap).

#include <cstdint>
#include <vector>

#include "road/road_graph.h"

namespace bitgoeul::road {

// Component id per node (0-based, in Tarjan's completion order); returns the number of components. Iterative: no
// recursion depth limit on long roads.
uint32_t strongly_connected_components(const RoadGraph& graph, std::vector<uint32_t>& component_of_node);

// The subgraph induced by the largest component (ties: the lowest component id); node order is kept.
RoadGraph keep_largest_component(const RoadGraph& graph, const std::vector<uint32_t>& component_of_node,
                                 uint32_t component_count);

}  // namespace bitgoeul::road
