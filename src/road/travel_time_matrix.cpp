#include "road/travel_time_matrix.h"

#include <algorithm>

namespace bitgoeul::road {

TravelTimeMatrix::TravelTimeMatrix(const ContractionHierarchy& ch)
    : ch_(ch),
      stamp_(ch.node_count(), 0),
      time_ms_(ch.node_count()),
      label_distance_m_(ch.node_count()),
      heap_(ch.node_count()),
      bucket_first_(ch.node_count() + 1, 0) {}

template <typename Visit>
void TravelTimeMatrix::search(std::span<const Seed> seeds, const ChArcs& climb, const ChArcs& stall, Visit&& visit) {
  if (++round_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    round_ = 1;
  }
  heap_.clear();
  for (const Seed& seed : seeds) {
    const uint32_t rank = ch_.rank[seed.node];
    if (stamp_[rank] != round_ || seed.offset_ms < time_ms_[rank]) {
      stamp_[rank] = round_;
      time_ms_[rank] = seed.offset_ms;
      label_distance_m_[rank] = seed.offset_distance_m;
      heap_.push_or_decrease(rank, seed.offset_ms);
    }
  }
  while (!heap_.empty()) {
    const auto [rank, time_ms] = heap_.pop();
    bool stalled = false;
    for (uint32_t a = stall.first_out[rank]; a < stall.first_out[rank + 1]; ++a) {
      const uint32_t above = stall.head[a];
      if (stamp_[above] == round_ && time_ms_[above] + stall.travel_time_ms[a] < time_ms) {
        stalled = true;
        break;
      }
    }
    if (stalled) continue;
    const float distance_m = label_distance_m_[rank];
    visit(rank, time_ms, distance_m);
    for (uint32_t a = climb.first_out[rank]; a < climb.first_out[rank + 1]; ++a) {
      const uint32_t head = climb.head[a];
      const TravelTimeMs candidate = time_ms + climb.travel_time_ms[a];
      if (stamp_[head] != round_ || candidate < time_ms_[head]) {
        stamp_[head] = round_;
        time_ms_[head] = candidate;
        label_distance_m_[head] = distance_m + climb.distance_m[a];
        heap_.push_or_decrease(head, candidate);
      }
    }
  }
}

void TravelTimeMatrix::compute(std::span<const NodeId> sources, std::span<const NodeId> targets) {
  node_seeds_.resize(sources.size() + targets.size());
  for (size_t i = 0; i < sources.size(); ++i) node_seeds_[i].assign(1, Seed{sources[i], 0, 0.0f});
  for (size_t j = 0; j < targets.size(); ++j) node_seeds_[sources.size() + j].assign(1, Seed{targets[j], 0, 0.0f});
  const std::span<const std::vector<Seed>> all(node_seeds_);
  compute(all.subspan(0, sources.size()), all.subspan(sources.size()));
}

void TravelTimeMatrix::compute(std::span<const std::vector<Seed>> sources,
                               std::span<const std::vector<Seed>> targets) {
  source_count_ = static_cast<uint32_t>(sources.size());
  target_count_ = static_cast<uint32_t>(targets.size());
  times_ms_.assign(static_cast<size_t>(source_count_) * target_count_, kInfiniteTime);
  distances_m_.assign(times_ms_.size(), 0.0f);

  // Backward searches fill the buckets; a counting sort groups the entries by node.
  collected_.clear();
  entry_rank_.clear();
  for (uint32_t t = 0; t < target_count_; ++t) {
    search(targets[t], ch_.downward, ch_.upward, [&](uint32_t rank, TravelTimeMs time_ms, float distance_m) {
      collected_.push_back({t, time_ms, distance_m});
      entry_rank_.push_back(rank);
    });
  }
  std::fill(bucket_first_.begin(), bucket_first_.end(), 0);
  for (uint32_t rank : entry_rank_) ++bucket_first_[rank + 1];
  for (size_t r = 1; r < bucket_first_.size(); ++r) bucket_first_[r] += bucket_first_[r - 1];
  buckets_.resize(collected_.size());
  for (size_t i = 0; i < collected_.size(); ++i) buckets_[bucket_first_[entry_rank_[i]]++] = collected_[i];
  // The fill loop advanced each start to the next bucket's start; shift back.
  for (size_t r = bucket_first_.size() - 1; r > 0; --r) bucket_first_[r] = bucket_first_[r - 1];
  bucket_first_[0] = 0;

  for (uint32_t s = 0; s < source_count_; ++s) {
    TravelTimeMs* row_ms = times_ms_.data() + static_cast<size_t>(s) * target_count_;
    float* row_m = distances_m_.data() + static_cast<size_t>(s) * target_count_;
    search(sources[s], ch_.upward, ch_.downward, [&](uint32_t rank, TravelTimeMs time_ms, float distance_m) {
      for (uint32_t i = bucket_first_[rank]; i < bucket_first_[rank + 1]; ++i) {
        const BucketEntry& entry = buckets_[i];
        const TravelTimeMs candidate = time_ms + entry.time_ms;
        if (candidate < row_ms[entry.target]) {
          row_ms[entry.target] = candidate;
          row_m[entry.target] = distance_m + entry.distance_m;
        }
      }
    });
  }
}

}  // namespace bitgoeul::road
