#include "road/dijkstra.h"

#include <algorithm>

namespace bitgoeul::road {

Dijkstra::Dijkstra(const RoadGraph& graph)
    : graph_(graph),
      reached_stamp_(graph.node_count(), 0),
      target_stamp_(graph.node_count(), 0),
      distance_ms_(graph.node_count(), kInfiniteTime),
      target_offset_ms_(graph.node_count(), kInfiniteTime),
      parent_edge_(graph.node_count(), kInvalidId),
      heap_(graph.node_count()) {}

void Dijkstra::start_round() {
  heap_.clear();
  best_target_ = kInvalidId;
  settled_count_ = 0;
  if (++round_ == 0) {  // wrapped: old stamps could alias the new round
    std::fill(reached_stamp_.begin(), reached_stamp_.end(), 0);
    std::fill(target_stamp_.begin(), target_stamp_.end(), 0);
    round_ = 1;
  }
}

TravelTimeMs Dijkstra::run(NodeId source, NodeId target) {
  const Seed source_seed{source, 0};
  const Seed target_seed{target, 0};
  return run(std::span(&source_seed, 1), std::span(&target_seed, 1));
}

TravelTimeMs Dijkstra::run(std::span<const Seed> sources, std::span<const Seed> targets) {
  start_round();
  for (const Seed& seed : targets) {
    if (!is_target(seed.node) || seed.offset_ms < target_offset_ms_[seed.node]) {
      target_stamp_[seed.node] = round_;
      target_offset_ms_[seed.node] = seed.offset_ms;
    }
  }
  for (const Seed& seed : sources) {
    if (!reached(seed.node) || seed.offset_ms < distance_ms_[seed.node]) {
      reached_stamp_[seed.node] = round_;
      distance_ms_[seed.node] = seed.offset_ms;
      parent_edge_[seed.node] = kInvalidId;
      heap_.push_or_decrease(seed.node, seed.offset_ms);
    }
  }
  TravelTimeMs best = kInfiniteTime;
  while (!heap_.empty() && heap_.top().key < best) {
    const auto [node, time_ms] = heap_.pop();
    ++settled_count_;
    if (is_target(node) && time_ms + target_offset_ms_[node] < best) {
      best = time_ms + target_offset_ms_[node];
      best_target_ = node;
    }
    for (EdgeId edge = graph_.first_out[node]; edge < graph_.first_out[node + 1]; ++edge) {
      const NodeId head = graph_.head[edge];
      const TravelTimeMs candidate = time_ms + graph_.travel_time_ms[edge];
      if (!reached(head) || candidate < distance_ms_[head]) {
        reached_stamp_[head] = round_;
        distance_ms_[head] = candidate;
        parent_edge_[head] = edge;
        heap_.push_or_decrease(head, candidate);
      }
    }
  }
  return best;
}

TravelTimeMs Dijkstra::distance(NodeId node) const { return reached(node) ? distance_ms_[node] : kInfiniteTime; }

std::vector<EdgeId> Dijkstra::path() const {
  std::vector<EdgeId> edges;
  if (best_target_ == kInvalidId) return edges;
  for (NodeId node = best_target_; parent_edge_[node] != kInvalidId; node = graph_.tail[parent_edge_[node]]) {
    edges.push_back(parent_edge_[node]);
  }
  std::reverse(edges.begin(), edges.end());
  return edges;
}

NodeId Dijkstra::path_source() const {
  if (best_target_ == kInvalidId) return kInvalidId;
  NodeId node = best_target_;
  while (parent_edge_[node] != kInvalidId) node = graph_.tail[parent_edge_[node]];
  return node;
}

}  // namespace bitgoeul::road
