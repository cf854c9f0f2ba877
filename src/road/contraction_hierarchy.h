#pragma once
// A contraction hierarchy (Geisberger et al. 2008, in the style of RoutingKit) over a RoadGraph: nodes are
// contracted one by one in order of importance, adding shortcuts that preserve shortest travel times among the
// nodes not yet contracted. A query then only ever climbs to more important nodes (see ch_query.h).
//
// All arrays are in *rank space*: a node's rank is its position in the contraction order (0 = least important),
// which keeps the arcs searched together close in memory.

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

// One direction of the hierarchy in compressed sparse rows over ranks.
struct ChArcs {
  std::vector<uint32_t> first_out;  // per rank + 1
  std::vector<uint32_t> head;       // rank of the arc's more important end
  std::vector<TravelTimeMs> travel_time_ms;
  std::vector<float> distance_m;
  // How to unpack an arc into RoadGraph edges. An original arc has unpack_second == kInvalidId and unpack_first ==
  // its RoadGraph edge id. A shortcut u->v that bypasses x has unpack_first == the downward arc u->x (stored at x)
  // and unpack_second == the upward arc x->v (stored at x); x is less important than u and v.
  std::vector<uint32_t> unpack_first;
  std::vector<uint32_t> unpack_second;

  uint32_t arc_count() const { return static_cast<uint32_t>(head.size()); }
};

struct ChBuildOptions {
  // Witness searches give up after settling this many nodes or following this many arcs; giving up only adds a
  // shortcut that was not needed, never loses a shortest path.
  uint32_t witness_settle_limit = 500;
  uint32_t witness_hop_limit = 16;  // at most 255
  bool show_progress = true;  // a progress bar on a terminal
};

struct ContractionHierarchy {
  std::vector<uint32_t> rank;   // per RoadGraph node
  std::vector<NodeId> order;    // per rank: the RoadGraph node
  ChArcs upward;    // arcs x->y with rank x < rank y, grouped by x
  ChArcs downward;  // arcs y->x with rank y > rank x, grouped by x; `head` holds y
  uint32_t graph_edge_count = 0;

  uint32_t node_count() const { return static_cast<uint32_t>(order.size()); }
  uint32_t arc_count() const { return upward.arc_count() + downward.arc_count(); }
  uint32_t shortcut_count() const;

  // Self-loops are dropped and, of parallel edges, only the fastest is kept: neither can be on a shortest path.
  static ContractionHierarchy build(const RoadGraph& graph, const ChBuildOptions& options = {});
};

// Checks that every array agrees in size, every id is in range, arcs climb in rank and every shortcut refers to
// arcs that meet below both its ends (so unpacking terminates). Loading runs it; errors say what is wrong.
Status validate(const ContractionHierarchy& ch);

}  // namespace bitgoeul::road
