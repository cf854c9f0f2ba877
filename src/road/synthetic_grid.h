#pragma once
// Synthetic road networks for tests and benchmarks when no city extract is at hand:
//  - make_synthetic_grid: a seeded, city-like grid (fast arterials, slow local streets, one-way streets, missing
//    segments, jittered travel times), reduced to its largest strongly connected component;
//  - drawn_graph: a small graph drawn as an ASCII picture, for scenario tests that read like a map.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

struct SyntheticGridOptions {
  uint32_t rows = 320;
  uint32_t cols = 320;
  uint64_t seed = 1;
  double spacing_m = 100.0;            // between neighbouring junctions
  uint32_t arterial_every = 8;         // every n-th row and column is an arterial
  double arterial_speed_kmh = 60.0;
  double local_speed_kmh = 30.0;
  double one_way_fraction = 0.15;      // of local street segments
  double removed_fraction = 0.08;      // of local street segments
  double time_jitter = 0.2;            // travel times are scaled by a uniform factor in [1 - j, 1 + j]
  geo::LatLon origin{35.1595, 126.8526};  // south-west corner (Gwangju city hall)
};

// REQUIRES: rows, cols >= 1 and rows * cols < 2^31. Deterministic for a given options value. Node ids are
// renumbered densely after dropping the nodes outside the largest strongly connected component; osm_node_ids
// hold the original row * cols + col index.
RoadGraph make_synthetic_grid(const SyntheticGridOptions& options);

// A graph drawn as text, e.g.
//
//     A --30-- B ->-- C
//     |        |
//     |        v
//     D ------ E
//
// Nodes are capital letters. A road joins two letters on one row through '-' (two-way) or '>' / '<' (one-way
// in that direction), or two letters in one column through '|' (two-way) or 'v' / '^' (one-way). Digits on a road
// give its travel time in seconds (10 s if none; on a vertical road read top to bottom). One character is 10 m
// east or 20 m south. `extra` adds edges the picture cannot show (parallel or zero-time edges).
struct DrawnEdge {
  char from = 'A';
  char to = 'A';
  double seconds = 10.0;
};
struct DrawnGraph {
  RoadGraph graph;
  std::array<NodeId, 26> node_of_letter{};  // kInvalidId for letters not drawn
  // REQUIRES: `letter` is drawn.
  NodeId operator()(char letter) const { return node_of_letter[static_cast<size_t>(letter - 'A')]; }
};
// Errors name the row and column of a malformed road.
Result<DrawnGraph> drawn_graph(std::string_view picture, const std::vector<DrawnEdge>& extra = {});

// The nodes of the largest strongly connected component (ascending), for generators and importers' tests.
std::vector<NodeId> largest_strongly_connected_component(const RoadGraph& graph);

}  // namespace bitgoeul::road
