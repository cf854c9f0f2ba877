#include "road/road_graph.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bitgoeul::road {

const char* road_class_name(RoadClass road_class) {
  switch (road_class) {
    case RoadClass::kMotorway: return "motorway";
    case RoadClass::kMotorwayLink: return "motorway_link";
    case RoadClass::kTrunk: return "trunk";
    case RoadClass::kTrunkLink: return "trunk_link";
    case RoadClass::kPrimary: return "primary";
    case RoadClass::kPrimaryLink: return "primary_link";
    case RoadClass::kSecondary: return "secondary";
    case RoadClass::kSecondaryLink: return "secondary_link";
    case RoadClass::kTertiary: return "tertiary";
    case RoadClass::kTertiaryLink: return "tertiary_link";
    case RoadClass::kUnclassified: return "unclassified";
    case RoadClass::kResidential: return "residential";
    case RoadClass::kLivingStreet: return "living_street";
    case RoadClass::kService: return "service";
    case RoadClass::kCount: break;
  }
  return "unknown";
}

std::vector<geo::LatLon> RoadGraph::edge_geometry(EdgeId edge) const {
  std::vector<geo::LatLon> points;
  points.reserve(first_shape[edge + 1] - first_shape[edge] + 2);
  points.push_back(coordinates[tail[edge]]);
  points.insert(points.end(), shape.begin() + first_shape[edge], shape.begin() + first_shape[edge + 1]);
  points.push_back(coordinates[head[edge]]);
  return points;
}

Status validate(const RoadGraph& graph) {
  const size_t n = graph.coordinates.size();
  const size_t m = graph.head.size();
  if (n >= kInvalidId || m >= kInvalidId) return corrupt("graph too large: {} nodes, {} edges", n, m);
  if (graph.osm_node_ids.size() != n) return corrupt("graph: {} OSM node ids for {} nodes", graph.osm_node_ids.size(), n);
  if (graph.first_out.size() != n + 1) return corrupt("graph: first_out has {} entries, expected {}", graph.first_out.size(), n + 1);
  if (graph.tail.size() != m || graph.travel_time_ms.size() != m || graph.distance_m.size() != m ||
      graph.road_class.size() != m || graph.osm_way_ids.size() != m || graph.first_shape.size() != m + 1) {
    return corrupt("graph: per-edge arrays disagree in length (expected {} edges)", m);
  }
  if (graph.first_out.front() != 0 || graph.first_out.back() != m) return corrupt("graph: first_out does not span the edges");
  for (size_t v = 0; v < n; ++v) {
    if (graph.first_out[v] > graph.first_out[v + 1]) return corrupt("graph: first_out decreases at node {}", v);
    if (!geo::is_valid(graph.coordinates[v])) return corrupt("graph: node {} has invalid coordinates", v);
    for (EdgeId e = graph.first_out[v]; e < graph.first_out[v + 1]; ++e) {
      if (graph.tail[e] != v) return corrupt("graph: edge {} is stored under node {} but its tail is {}", e, v, graph.tail[e]);
    }
  }
  if (graph.first_shape.front() != 0 || graph.first_shape.back() != graph.shape.size()) {
    return corrupt("graph: first_shape does not span the shape points");
  }
  for (size_t e = 0; e < m; ++e) {
    if (graph.head[e] >= n) return corrupt("graph: edge {} points to node {} of {}", e, graph.head[e], n);
    if (graph.first_shape[e] > graph.first_shape[e + 1]) return corrupt("graph: first_shape decreases at edge {}", e);
    if (graph.travel_time_ms[e] == kInfiniteTime) return corrupt("graph: edge {} has infinite travel time", e);
    if (!std::isfinite(graph.distance_m[e]) || graph.distance_m[e] < 0) return corrupt("graph: edge {} has invalid length", e);
    if (graph.road_class[e] >= RoadClass::kCount) return corrupt("graph: edge {} has unknown road class", e);
  }
  for (const geo::LatLon& point : graph.shape) {
    if (!geo::is_valid(point)) return corrupt("graph: a shape point has invalid coordinates");
  }
  return Status::ok();
}

RoadGraph build_road_graph(std::vector<geo::LatLon> coordinates, std::vector<int64_t> osm_node_ids,
                           std::vector<EdgeInput> edges) {
  std::stable_sort(edges.begin(), edges.end(), [](const EdgeInput& a, const EdgeInput& b) { return a.tail < b.tail; });
  RoadGraph graph;
  graph.coordinates = std::move(coordinates);
  graph.osm_node_ids = std::move(osm_node_ids);
  const size_t n = graph.coordinates.size();
  const size_t m = edges.size();
  graph.first_out.assign(n + 1, 0);
  graph.tail.reserve(m);
  graph.head.reserve(m);
  graph.travel_time_ms.reserve(m);
  graph.distance_m.reserve(m);
  graph.road_class.reserve(m);
  graph.osm_way_ids.reserve(m);
  graph.first_shape.reserve(m + 1);
  graph.first_shape.push_back(0);
  for (EdgeInput& edge : edges) {
    ++graph.first_out[edge.tail + 1];
    graph.tail.push_back(edge.tail);
    graph.head.push_back(edge.head);
    graph.travel_time_ms.push_back(edge.travel_time_ms);
    graph.distance_m.push_back(edge.distance_m);
    graph.road_class.push_back(edge.road_class);
    graph.osm_way_ids.push_back(edge.osm_way_id);
    graph.shape.insert(graph.shape.end(), edge.shape.begin(), edge.shape.end());
    graph.first_shape.push_back(static_cast<EdgeId>(graph.shape.size()));
  }
  std::partial_sum(graph.first_out.begin(), graph.first_out.end(), graph.first_out.begin());
  return graph;
}

}  // namespace bitgoeul::road
