#pragma once
// The reference shortest-path search on a RoadGraph: plain Dijkstra, slow but obviously right. Faster queries
// (contraction hierarchy, matrices) are tested against it. A Dijkstra object is reusable: after construction it
// allocates nothing per query (timestamps reset the labels, one heap is reused), so tests and benchmarks can run
// many thousands of queries.

#include <cstdint>
#include <span>
#include <vector>

#include "core/indexed_heap.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

// A start or end of a search with the time already spent reaching it (a source) or still to spend after it
// (a target): a point snapped onto the middle of an edge becomes the edge's head with the remaining part of the
// edge as offset, or its tail with the part before the point.
struct Seed {
  NodeId node = kInvalidId;
  TravelTimeMs offset_ms = 0;
  float offset_distance_m = 0.0f;  // carried along by searches that report distances (matrices)
};

// REQUIRES for every query: total path times stay below kInfiniteTime (49 days).
class Dijkstra {
 public:
  explicit Dijkstra(const RoadGraph& graph);

  // Shortest travel time from `source` to `target`, or kInfiniteTime. Stops as soon as `target` is settled.
  TravelTimeMs run(NodeId source, NodeId target);
  // min over sources s, targets t of s.offset + dist(s.node, t.node) + t.offset; kInfiniteTime if none connects.
  // Empty `targets` searches the whole reachable graph (see distance()).
  TravelTimeMs run(std::span<const Seed> sources, std::span<const Seed> targets);

  // After a run: the tentative label of `node` from the sources (exact for settled nodes and, after a run without
  // targets, for every node), kInfiniteTime if not reached.
  TravelTimeMs distance(NodeId node) const;
  // The edges of the best path of the last run, source to target; empty if unreachable or if it has no edges.
  std::vector<EdgeId> path() const;
  // The seed nodes the best path starts and ends at; kInvalidId if unreachable.
  NodeId path_source() const;
  NodeId path_target() const { return best_target_; }
  uint32_t settled_count() const { return settled_count_; }

 private:
  bool reached(NodeId node) const { return reached_stamp_[node] == round_; }
  bool is_target(NodeId node) const { return target_stamp_[node] == round_; }
  void start_round();

  const RoadGraph& graph_;
  uint32_t round_ = 0;
  std::vector<uint32_t> reached_stamp_;
  std::vector<uint32_t> target_stamp_;
  std::vector<TravelTimeMs> distance_ms_;
  std::vector<TravelTimeMs> target_offset_ms_;
  std::vector<EdgeId> parent_edge_;
  IndexedMinHeap<TravelTimeMs> heap_;
  NodeId best_target_ = kInvalidId;
  uint32_t settled_count_ = 0;
};

}  // namespace bitgoeul::road
