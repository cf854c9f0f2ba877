#include "road/strongly_connected.h"

#include <algorithm>

namespace bitgoeul::road {

uint32_t strongly_connected_components(const RoadGraph& graph, std::vector<uint32_t>& component_of_node) {
  const uint32_t n = graph.node_count();
  constexpr uint32_t kUnvisited = kInvalidId;
  std::vector<uint32_t> index(n, kUnvisited);
  std::vector<uint32_t> low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<NodeId> stack;
  component_of_node.assign(n, kInvalidId);
  struct Frame {
    NodeId node;
    EdgeId next_edge;
  };
  std::vector<Frame> calls;
  uint32_t next_index = 0;
  uint32_t components = 0;
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    calls.push_back({root, graph.first_out[root]});
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!calls.empty()) {
      Frame& frame = calls.back();
      const NodeId v = frame.node;
      if (frame.next_edge < graph.first_out[v + 1]) {
        const NodeId w = graph.head[frame.next_edge++];
        if (index[w] == kUnvisited) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = true;
          calls.push_back({w, graph.first_out[w]});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        NodeId w = kInvalidId;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component_of_node[w] = components;
        } while (w != v);
        ++components;
      }
      calls.pop_back();
      if (!calls.empty()) {
        const NodeId parent = calls.back().node;
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }
  return components;
}

RoadGraph keep_largest_component(const RoadGraph& graph, const std::vector<uint32_t>& component_of_node,
                                 uint32_t component_count) {
  std::vector<uint32_t> size(component_count, 0);
  for (const uint32_t component : component_of_node) ++size[component];
  const uint32_t largest =
      component_count == 0 ? 0 : static_cast<uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());

  std::vector<NodeId> new_id(graph.node_count(), kInvalidId);
  std::vector<geo::LatLon> coordinates;
  std::vector<int64_t> osm_node_ids;
  for (NodeId v = 0; v < graph.node_count(); ++v) {
    if (component_of_node[v] != largest) continue;
    new_id[v] = static_cast<NodeId>(coordinates.size());
    coordinates.push_back(graph.coordinates[v]);
    osm_node_ids.push_back(graph.osm_node_ids[v]);
  }
  std::vector<EdgeInput> edges;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (new_id[graph.tail[e]] == kInvalidId || new_id[graph.head[e]] == kInvalidId) continue;
    EdgeInput& edge = edges.emplace_back();
    edge.tail = new_id[graph.tail[e]];
    edge.head = new_id[graph.head[e]];
    edge.travel_time_ms = graph.travel_time_ms[e];
    edge.distance_m = graph.distance_m[e];
    edge.road_class = graph.road_class[e];
    edge.osm_way_id = graph.osm_way_ids[e];
    edge.shape.assign(graph.shape.begin() + graph.first_shape[e], graph.shape.begin() + graph.first_shape[e + 1]);
  }
  return build_road_graph(std::move(coordinates), std::move(osm_node_ids), std::move(edges));
}

}  // namespace bitgoeul::road
