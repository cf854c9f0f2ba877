#include "road/ch_query.h"

#include <algorithm>
#include <utility>

namespace bitgoeul::road {

void unpack_arcs(const ContractionHierarchy& ch, std::span<const ChArcRef> arcs, std::vector<ChArcRef>& stack,
                 std::vector<EdgeId>& edges) {
  // Depth-first with an explicit stack: shortcuts nest as deep as the hierarchy.
  stack.assign(arcs.rbegin(), arcs.rend());
  while (!stack.empty()) {
    const ChArcRef ref = stack.back();
    stack.pop_back();
    const ChArcs& side = ref.upward ? ch.upward : ch.downward;
    if (side.unpack_second[ref.arc] == kInvalidId) {
      edges.push_back(side.unpack_first[ref.arc]);
    } else {
      stack.push_back({true, side.unpack_second[ref.arc]});
      stack.push_back({false, side.unpack_first[ref.arc]});
    }
  }
}

ChQuery::ChQuery(const ContractionHierarchy& ch) : ch_(ch), forward_(ch.node_count()), backward_(ch.node_count()) {}

TravelTimeMs ChQuery::run(NodeId source, NodeId target) {
  const Seed source_seed{source, 0};
  const Seed target_seed{target, 0};
  return run(std::span(&source_seed, 1), std::span(&target_seed, 1));
}

void ChQuery::seed(Side& side, std::span<const Seed> seeds) {
  side.heap.clear();
  for (const Seed& seed : seeds) {
    const uint32_t rank = ch_.rank[seed.node];
    if (!reached(side, rank) || seed.offset_ms < side.label[rank].distance_ms) {
      side.label[rank] = {round_, seed.offset_ms, kInvalidId, 0};
      side.heap.push_or_decrease(rank, seed.offset_ms);
    }
  }
}

TravelTimeMs ChQuery::run(std::span<const Seed> sources, std::span<const Seed> targets) {
  if (++round_ == 0) {
    for (Label& label : forward_.label) label.round = 0;
    for (Label& label : backward_.label) label.round = 0;
    round_ = 1;
  }
  best_ms_ = kInfiniteTime;
  meeting_rank_ = kInvalidId;
  seed(forward_, sources);
  seed(backward_, targets);
  while (true) {
    const TravelTimeMs forward_min = forward_.heap.empty() ? kInfiniteTime : forward_.heap.top().key;
    const TravelTimeMs backward_min = backward_.heap.empty() ? kInfiniteTime : backward_.heap.top().key;
    if (std::min(forward_min, backward_min) >= best_ms_) break;
    if (forward_min <= backward_min) {
      settle(forward_, ch_.upward, ch_.downward, backward_);
    } else {
      settle(backward_, ch_.downward, ch_.upward, forward_);
    }
  }
  return best_ms_;
}

void ChQuery::settle(Side& side, const ChArcs& climb, const ChArcs& stall, const Side& other) {
  const auto [rank, time_ms] = side.heap.pop();
  if (reached(other, rank) && time_ms + other.label[rank].distance_ms < best_ms_) {
    best_ms_ = time_ms + other.label[rank].distance_ms;
    meeting_rank_ = rank;
  }
  // Stall on demand: a more important node already reached offers a cheaper way here, so this label is not exact
  // and nothing found through it can be on a shortest route.
  for (uint32_t a = stall.first_out[rank]; a < stall.first_out[rank + 1]; ++a) {
    const uint32_t above = stall.head[a];
    if (reached(side, above) && side.label[above].distance_ms + stall.travel_time_ms[a] < time_ms) return;
  }
  for (uint32_t a = climb.first_out[rank]; a < climb.first_out[rank + 1]; ++a) {
    const uint32_t head = climb.head[a];
    const TravelTimeMs candidate = time_ms + climb.travel_time_ms[a];
    Label& label = side.label[head];
    if (label.round != round_ || candidate < label.distance_ms) {
      label = {round_, candidate, rank, a};
      side.heap.push_or_decrease(head, candidate);
    }
  }
}

std::vector<EdgeId> ChQuery::path() const {
  std::vector<EdgeId> edges;
  path(edges);
  return edges;
}

void ChQuery::path(std::vector<EdgeId>& edges) const {
  edges.clear();
  if (meeting_rank_ == kInvalidId) return;
  // Upward arcs from the source to the meeting node (collected backwards), then downward arcs to the target.
  path_arcs_.clear();
  for (uint32_t rank = meeting_rank_; forward_.label[rank].parent_rank != kInvalidId;
       rank = forward_.label[rank].parent_rank) {
    path_arcs_.push_back({true, forward_.label[rank].parent_arc});
  }
  std::reverse(path_arcs_.begin(), path_arcs_.end());
  for (uint32_t rank = meeting_rank_; backward_.label[rank].parent_rank != kInvalidId;
       rank = backward_.label[rank].parent_rank) {
    path_arcs_.push_back({false, backward_.label[rank].parent_arc});
  }
  unpack_arcs(ch_, path_arcs_, unpack_stack_, edges);
}

NodeId ChQuery::path_source() const {
  if (meeting_rank_ == kInvalidId) return kInvalidId;
  uint32_t rank = meeting_rank_;
  while (forward_.label[rank].parent_rank != kInvalidId) rank = forward_.label[rank].parent_rank;
  return ch_.order[rank];
}

NodeId ChQuery::path_target() const {
  if (meeting_rank_ == kInvalidId) return kInvalidId;
  uint32_t rank = meeting_rank_;
  while (backward_.label[rank].parent_rank != kInvalidId) rank = backward_.label[rank].parent_rank;
  return ch_.order[rank];
}

}  // namespace bitgoeul::road
