#pragma once
// Many-to-many travel times on a contraction hierarchy with the bucket algorithm (Knopp et al. 2007): an upward
// search from every target (in the reversed graph) leaves (target, time) entries in buckets at the nodes it
// settles; an upward search from every source then scans the buckets of the nodes it settles. Cost is about
// |sources| + |targets| one-sided CH searches plus the bucket scans. Reusable: buffers grow to the largest request.

#include <span>
#include <vector>

#include "core/indexed_heap.h"
#include "road/contraction_hierarchy.h"
#include "road/dijkstra.h"

namespace bitgoeul::road {

class TravelTimeMatrix {
 public:
  // `ch` must outlive the matrix object.
  explicit TravelTimeMatrix(const ContractionHierarchy& ch);

  // Fills the |sources| x |targets| table (row = source). RoadGraph node ids.
  void compute(std::span<const NodeId> sources, std::span<const NodeId> targets);
  // Each source and target is a set of seeds (a snapped point: up to two nodes with offsets); the entry is the
  // minimum over the seed pairs, as ChQuery::run computes it. An empty seed set is unreachable from everywhere.
  void compute(std::span<const std::vector<Seed>> sources, std::span<const std::vector<Seed>> targets);

  uint32_t source_count() const { return source_count_; }
  uint32_t target_count() const { return target_count_; }
  // kInfiniteTime if unreachable.
  TravelTimeMs travel_time_ms(uint32_t source, uint32_t target) const { return times_ms_[source * target_count_ + target]; }
  // Length of the fastest route found including the seeds' offset distances; meaningless if unreachable.
  float distance_m(uint32_t source, uint32_t target) const { return distances_m_[source * target_count_ + target]; }
  const std::vector<TravelTimeMs>& travel_times_ms() const { return times_ms_; }

 private:
  struct BucketEntry {
    uint32_t target;
    TravelTimeMs time_ms;
    float distance_m;
  };
  // Upward search from `seeds` along `climb`, stalled through `stall`; calls visit(rank, time, distance) for every
  // settled, unstalled node.
  template <typename Visit>
  void search(std::span<const Seed> seeds, const ChArcs& climb, const ChArcs& stall, Visit&& visit);

  const ContractionHierarchy& ch_;
  uint32_t round_ = 0;
  std::vector<uint32_t> stamp_;
  std::vector<TravelTimeMs> time_ms_;
  std::vector<float> label_distance_m_;
  IndexedMinHeap<TravelTimeMs> heap_;

  std::vector<uint32_t> bucket_first_;   // per rank + 1
  std::vector<uint32_t> entry_rank_;     // per collected entry, before sorting into buckets
  std::vector<BucketEntry> collected_;
  std::vector<BucketEntry> buckets_;
  std::vector<std::vector<Seed>> node_seeds_;  // for the NodeId overload

  uint32_t source_count_ = 0;
  uint32_t target_count_ = 0;
  std::vector<TravelTimeMs> times_ms_;
  std::vector<float> distances_m_;
};

}  // namespace bitgoeul::road
