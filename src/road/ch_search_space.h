#pragma once
// Contraction-hierarchy search spaces, kept: the nodes an upward search from a point settles, with their times.
// The shortest time from s to t is the minimum, over the ranks both spaces contain, of forward(s) + backward(t)
// (the meeting node of any shortest path is in both). Dispatchers that ask many times between the same few
// points (every stop of every vehicle plan) build each point's spaces once and then answer each question by
// merging two short sorted lists, with no search at all.

#include <array>
#include <span>
#include <vector>

#include "core/indexed_heap.h"
#include "road/contraction_hierarchy.h"
#include "road/dijkstra.h"

namespace bitgoeul::road {

struct ChSearchSpace {
  std::vector<uint32_t> rank;  // ascending
  std::vector<TravelTimeMs> time_ms;
  bool empty() const { return rank.empty(); }
};

class ChSearchSpaceBuilder {
 public:
  // `ch` must outlive the builder. Allocates once; build() allocates only what `out` grows by.
  explicit ChSearchSpaceBuilder(const ContractionHierarchy& ch);
  // The upward search space from `seeds` (RoadGraph nodes with offsets): towards more important nodes along
  // the hierarchy's arcs leaving them (`forward`, for times from the seeds) or entering them (for times to them).
  // With `limit_ms`, only the nodes settled within that time: meeting it gives the exact time wherever that is
  // at most limit_ms, and a time above limit_ms (or kInfiniteTime) elsewhere.
  void build(std::span<const Seed> seeds, bool forward, ChSearchSpace& out, TravelTimeMs limit_ms = kInfiniteTime);

 private:
  const ContractionHierarchy& ch_;
  std::vector<uint32_t> stamp_;
  std::vector<TravelTimeMs> time_ms_;
  std::vector<uint32_t> settled_;
  IndexedMinHeap<TravelTimeMs> heap_;
  uint32_t round_ = 0;
};

// Shortest time from the forward space's seeds to the backward space's seeds; kInfiniteTime if they never meet.
TravelTimeMs meet(const ChSearchSpace& forward, const ChSearchSpace& backward);

// A few spaces of one direction laid out by rank (the buckets of a many-to-many query), so that one pass over a
// space of the other direction meets all of them at once, with no merge: a dispatcher asking the times between
// a new rider's stops and every stop of many vehicle plans pays one pass per stop, not one merge per pair.
class ChSpaceTable {
 public:
  static constexpr size_t kMaxSpaces = 4;
  // `node_count` as in the hierarchy. Allocates once.
  explicit ChSpaceTable(uint32_t node_count);
  // Lays out `spaces` (at most kMaxSpaces, all of one direction), replacing what was laid out before.
  void assign(std::span<const ChSearchSpace* const> spaces);
  size_t size() const { return count_; }
  // times[i] = meet(other, spaces[i]) when the laid-out spaces are backward ones (meet(spaces[i], other) when
  // they are forward): kInfiniteTime where they never meet. REQUIRES: times.size() >= size().
  void meet_all(const ChSearchSpace& other, std::span<TravelTimeMs> times) const;

 private:
  struct Row {
    uint32_t stamp = 0;
    std::array<TravelTimeMs, kMaxSpaces> time_ms{};
  };
  std::vector<Row> rows_;
  uint32_t round_ = 0;
  size_t count_ = 0;
};

}  // namespace bitgoeul::road
