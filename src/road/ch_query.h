#pragma once
// Shortest travel times on a contraction hierarchy: a bidirectional search that only climbs in rank, with
// stall-on-demand (a node reached more cheaply from above is not expanded). Reusable: after construction a query
// allocates nothing except the path it is asked for.

#include <span>
#include <vector>

#include "core/indexed_heap.h"
#include "road/contraction_hierarchy.h"
#include "road/dijkstra.h"

namespace bitgoeul::road {

// One hierarchy arc: upward (stored at its tail) or downward (stored at its head).
struct ChArcRef {
  bool upward = true;
  uint32_t arc = 0;
};
// Appends the RoadGraph edges of `arcs` (consecutive hierarchy arcs, in driving order) to `edges`. `stack` is
// scratch space, kept by callers that unpack often so that unpacking allocates nothing once warmed up.
void unpack_arcs(const ContractionHierarchy& ch, std::span<const ChArcRef> arcs, std::vector<ChArcRef>& stack,
                 std::vector<EdgeId>& edges);

// REQUIRES for every query: total path times stay below kInfiniteTime (49 days). Node ids are RoadGraph ids.
class ChQuery {
 public:
  // `ch` must outlive the query.
  explicit ChQuery(const ContractionHierarchy& ch);

  TravelTimeMs run(NodeId source, NodeId target);
  // min over sources s, targets t of s.offset + dist(s.node, t.node) + t.offset; kInfiniteTime if none connects.
  TravelTimeMs run(std::span<const Seed> sources, std::span<const Seed> targets);

  // After a run that found a route: its RoadGraph edges from path_source() to path_target(), consecutive
  // (head of one is the tail of the next), with summed travel time equal to the answer minus the seed offsets.
  std::vector<EdgeId> path() const;
  void path(std::vector<EdgeId>& edges) const;
  // The seed nodes the best route starts and ends at; kInvalidId if unreachable.
  NodeId path_source() const;
  NodeId path_target() const;

 private:
  // Everything a search knows about a node in one 16-byte record: one cache miss per node touched.
  struct Label {
    uint32_t round = 0;  // the label is valid when round == round_
    TravelTimeMs distance_ms = 0;
    uint32_t parent_rank = 0;  // kInvalidId for seeds
    uint32_t parent_arc = 0;
  };
  struct Side {
    explicit Side(uint32_t n) : label(n), heap(n) {}
    std::vector<Label> label;
    IndexedMinHeap<TravelTimeMs> heap;
  };

  void seed(Side& side, std::span<const Seed> seeds);
  // Settles the top of `side`, which climbs `climb` and is stalled through `stall` (the other direction's arcs).
  void settle(Side& side, const ChArcs& climb, const ChArcs& stall, const Side& other);
  bool reached(const Side& side, uint32_t rank) const { return side.label[rank].round == round_; }

  const ContractionHierarchy& ch_;
  uint32_t round_ = 0;
  Side forward_;
  Side backward_;
  TravelTimeMs best_ms_ = kInfiniteTime;
  uint32_t meeting_rank_ = kInvalidId;
  // Scratch for path(): reused so that asking for paths allocates only when a longer path than ever comes.
  mutable std::vector<ChArcRef> path_arcs_;
  mutable std::vector<ChArcRef> unpack_stack_;
};

}  // namespace bitgoeul::road
