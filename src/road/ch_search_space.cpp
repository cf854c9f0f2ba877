#include "road/ch_search_space.h"

#include <algorithm>

namespace bitgoeul::road {

ChSearchSpaceBuilder::ChSearchSpaceBuilder(const ContractionHierarchy& ch)
    : ch_(ch), stamp_(ch.node_count(), 0), time_ms_(ch.node_count(), kInfiniteTime), heap_(ch.node_count()) {}

void ChSearchSpaceBuilder::build(std::span<const Seed> seeds, bool forward, ChSearchSpace& out,
                                 TravelTimeMs limit_ms) {
  if (++round_ == 0) {  // the stamps wrapped around: forget them all once
    std::fill(stamp_.begin(), stamp_.end(), 0);
    round_ = 1;
  }
  heap_.clear();
  settled_.clear();
  for (const Seed& seed : seeds) {
    const uint32_t rank = ch_.rank[seed.node];
    if (stamp_[rank] != round_ || seed.offset_ms < time_ms_[rank]) {
      stamp_[rank] = round_;
      time_ms_[rank] = seed.offset_ms;
      heap_.push_or_decrease(rank, seed.offset_ms);
    }
  }
  // Forward searches climb the upward arcs of each node; backward ones climb the downward arcs stored at it,
  // whose heads are the more important tails of arcs entering it.
  const ChArcs& arcs = forward ? ch_.upward : ch_.downward;
  // Stall-on-demand: a node reached more cheaply through a more important node (over the arcs of the other
  // direction) is on no shortest path from the seeds; it is left out and not expanded, which shrinks spaces
  // severalfold and keeps merges short.
  const ChArcs& stall_arcs = forward ? ch_.downward : ch_.upward;
  while (!heap_.empty()) {
    const auto [rank, time_ms] = heap_.pop();
    // Nodes come off the heap by time: the rest lie beyond the limit, and so does any meeting through them.
    if (time_ms > limit_ms) break;
    bool stalled = false;
    for (uint32_t arc = stall_arcs.first_out[rank]; arc < stall_arcs.first_out[rank + 1] && !stalled; ++arc) {
      const uint32_t above = stall_arcs.head[arc];
      stalled = stamp_[above] == round_ && uint64_t{time_ms_[above]} + stall_arcs.travel_time_ms[arc] < time_ms;
    }
    if (stalled) continue;
    settled_.push_back(rank);
    for (uint32_t arc = arcs.first_out[rank]; arc < arcs.first_out[rank + 1]; ++arc) {
      const uint32_t next = arcs.head[arc];
      const TravelTimeMs candidate = time_ms + arcs.travel_time_ms[arc];
      // Beyond the limit it would never be settled, nor stall a node within it.
      if (candidate > limit_ms) continue;
      if (stamp_[next] != round_ || candidate < time_ms_[next]) {
        stamp_[next] = round_;
        time_ms_[next] = candidate;
        heap_.push_or_decrease(next, candidate);
      }
    }
  }
  std::sort(settled_.begin(), settled_.end());
  out.rank.assign(settled_.begin(), settled_.end());
  out.time_ms.resize(settled_.size());
  for (size_t i = 0; i < settled_.size(); ++i) out.time_ms[i] = time_ms_[settled_[i]];
}

TravelTimeMs meet(const ChSearchSpace& forward, const ChSearchSpace& backward) {
  uint64_t best = kInfiniteTime;
  size_t i = 0;
  size_t j = 0;
  while (i < forward.rank.size() && j < backward.rank.size()) {
    if (forward.rank[i] < backward.rank[j]) {
      ++i;
    } else if (forward.rank[i] > backward.rank[j]) {
      ++j;
    } else {
      best = std::min<uint64_t>(best, uint64_t{forward.time_ms[i]} + backward.time_ms[j]);
      ++i;
      ++j;
    }
  }
  return static_cast<TravelTimeMs>(std::min<uint64_t>(best, kInfiniteTime));
}

ChSpaceTable::ChSpaceTable(uint32_t node_count) : rows_(node_count) {}

void ChSpaceTable::assign(std::span<const ChSearchSpace* const> spaces) {
  if (++round_ == 0) {  // the stamps wrapped around: forget them all once
    for (Row& row : rows_) row.stamp = 0;
    round_ = 1;
  }
  count_ = std::min(spaces.size(), kMaxSpaces);
  for (size_t s = 0; s < count_; ++s) {
    const ChSearchSpace& space = *spaces[s];
    for (size_t i = 0; i < space.rank.size(); ++i) {
      Row& row = rows_[space.rank[i]];
      if (row.stamp != round_) {
        row.stamp = round_;
        row.time_ms.fill(kInfiniteTime);
      }
      row.time_ms[s] = space.time_ms[i];
    }
  }
}

void ChSpaceTable::meet_all(const ChSearchSpace& other, std::span<TravelTimeMs> times) const {
  std::array<uint64_t, kMaxSpaces> best;
  best.fill(kInfiniteTime);
  for (size_t i = 0; i < other.rank.size(); ++i) {
    const Row& row = rows_[other.rank[i]];
    if (row.stamp != round_) continue;
    const uint64_t here = other.time_ms[i];
    for (size_t s = 0; s < kMaxSpaces; ++s) best[s] = std::min(best[s], here + row.time_ms[s]);
  }
  for (size_t s = 0; s < count_; ++s) times[s] = static_cast<TravelTimeMs>(std::min<uint64_t>(best[s], kInfiniteTime));
}

}  // namespace bitgoeul::road
