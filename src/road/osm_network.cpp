#include "road/osm_network.h"

#include <algorithm>
#include <cmath>

namespace bitgoeul::road {
namespace {

// A maximal run of a way's nodes that are all present, as indices into OsmData::nodes.
struct WayPiece {
  uint32_t way = 0;
  std::vector<uint32_t> nodes;
};

constexpr uint32_t kAbsent = kInvalidId;

uint32_t find_node(const std::vector<OsmNode>& nodes, int64_t id) {
  const auto it = std::lower_bound(nodes.begin(), nodes.end(), id,
                                   [](const OsmNode& node, int64_t wanted) { return node.id < wanted; });
  if (it == nodes.end() || it->id != id) return kAbsent;
  return static_cast<uint32_t>(it - nodes.begin());
}

std::vector<WayPiece> cut_ways(const OsmData& data, ImportReport& report) {
  std::vector<WayPiece> pieces;
  for (uint32_t w = 0; w < data.ways.size(); ++w) {
    const OsmWay& way = data.ways[w];
    WayPiece current{w, {}};
    bool missing = false;
    size_t pieces_of_way = 0;
    const auto close_piece = [&]() {
      if (current.nodes.size() >= 2) {
        pieces.push_back(std::move(current));
        ++pieces_of_way;
      }
      current = WayPiece{w, {}};
    };
    for (const int64_t ref : way.node_refs) {
      const uint32_t index = find_node(data.nodes, ref);
      if (index == kAbsent) {
        ++report.missing_node_refs;
        missing = true;
        close_piece();
        continue;
      }
      if (!current.nodes.empty() && current.nodes.back() == index) continue;  // repeated ref: no length
      current.nodes.push_back(index);
    }
    close_piece();
    if (pieces_of_way == 0) {
      ++report.ways_skipped[missing ? "all nodes missing" : "fewer than two nodes"];
    } else if (missing) {
      ++report.ways_split_at_missing_nodes;
    }
  }
  return pieces;
}

}  // namespace

TravelTimeMs travel_time_ms(double distance_m, double speed_kmh) {
  const double ms = distance_m / (speed_kmh / 3.6) * 1000.0;
  if (!std::isfinite(ms) || ms >= static_cast<double>(kInfiniteTime - 1)) return kInfiniteTime - 1;
  return std::max<TravelTimeMs>(1, static_cast<TravelTimeMs>(std::llround(ms)));
}

RoadNetworkDraft build_road_network(const OsmData& data, ImportReport& report) {
  const std::vector<WayPiece> pieces = cut_ways(data, report);

  // A node becomes a graph node where a piece ends, where pieces meet (or a piece meets itself), or where a
  // restriction needs a junction.
  std::vector<uint8_t> uses(data.nodes.size(), 0);
  std::vector<bool> is_graph_node(data.nodes.size(), false);
  for (const WayPiece& piece : pieces) {
    for (const uint32_t node : piece.nodes) uses[node] = static_cast<uint8_t>(std::min(uses[node] + 1, 2));
    is_graph_node[piece.nodes.front()] = true;
    is_graph_node[piece.nodes.back()] = true;
  }
  for (const OsmRestriction& restriction : data.restrictions) {
    for (const int64_t via : restriction.via_nodes) {
      const uint32_t node = find_node(data.nodes, via);
      if (node != kAbsent && uses[node] > 0) is_graph_node[node] = true;
    }
  }

  RoadNetworkDraft draft;
  std::vector<NodeId> graph_id(data.nodes.size(), kInvalidId);
  for (uint32_t node = 0; node < data.nodes.size(); ++node) {
    if (!(is_graph_node[node] || uses[node] >= 2)) continue;
    graph_id[node] = static_cast<NodeId>(draft.coordinates.size());
    draft.coordinates.push_back(data.nodes[node].position);
    draft.osm_node_ids.push_back(data.nodes[node].id);
    draft.node_of_osm_id.emplace(data.nodes[node].id, graph_id[node]);
  }

  uint32_t segment = 0;
  for (const WayPiece& piece : pieces) {
    const OsmWay& way = data.ways[piece.way];
    size_t start = 0;
    double distance_m = 0.0;
    for (size_t i = 1; i < piece.nodes.size(); ++i) {
      distance_m += geo::haversine_m(data.nodes[piece.nodes[i - 1]].position, data.nodes[piece.nodes[i]].position);
      if (graph_id[piece.nodes[i]] == kInvalidId) continue;
      std::vector<geo::LatLon> shape;
      shape.reserve(i - start - 1);
      for (size_t k = start + 1; k < i; ++k) shape.push_back(data.nodes[piece.nodes[k]].position);
      const NodeId from = graph_id[piece.nodes[start]];
      const NodeId to = graph_id[piece.nodes[i]];
      const auto add_edge = [&](NodeId tail, NodeId head, double speed_kmh, std::vector<geo::LatLon> points) {
        EdgeInput& edge = draft.edges.emplace_back();
        edge.tail = tail;
        edge.head = head;
        edge.distance_m = static_cast<float>(distance_m);
        edge.travel_time_ms = travel_time_ms(distance_m, speed_kmh);
        edge.road_class = way.profile.road_class;
        edge.osm_way_id = way.id;
        edge.shape = std::move(points);
        draft.segment_of_edge.push_back(segment);
      };
      if (way.profile.forward) add_edge(from, to, way.profile.forward_speed_kmh, shape);
      if (way.profile.backward) {
        std::reverse(shape.begin(), shape.end());
        add_edge(to, from, way.profile.backward_speed_kmh, std::move(shape));
      }
      ++segment;
      start = i;
      distance_m = 0.0;
    }
  }
  return draft;
}

}  // namespace bitgoeul::road
