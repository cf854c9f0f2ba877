#include "road/synthetic_grid.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace bitgoeul::road {
namespace {

constexpr double kDegreesPerMetreLat = 1.0 / 111195.0;

double degrees_per_metre_lon(double lat) { return kDegreesPerMetreLat / std::cos(lat * 3.14159265358979 / 180.0); }

// Uniform double in [0, 1) from the generator's raw bits, identical on every standard library.
double uniform01(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

TravelTimeMs travel_time_ms(double distance_m, double speed_kmh, double factor) {
  const double seconds = distance_m / (speed_kmh / 3.6) * factor;
  return static_cast<TravelTimeMs>(std::llround(seconds * 1000.0));
}

RoadGraph induced_subgraph(const RoadGraph& graph, const std::vector<NodeId>& keep) {
  std::vector<NodeId> new_id(graph.node_count(), kInvalidId);
  for (NodeId i = 0; i < keep.size(); ++i) new_id[keep[i]] = i;
  std::vector<geo::LatLon> coordinates;
  std::vector<int64_t> osm_node_ids;
  for (NodeId old : keep) {
    coordinates.push_back(graph.coordinates[old]);
    osm_node_ids.push_back(graph.osm_node_ids[old]);
  }
  std::vector<EdgeInput> edges;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (new_id[graph.tail[e]] == kInvalidId || new_id[graph.head[e]] == kInvalidId) continue;
    EdgeInput edge;
    edge.tail = new_id[graph.tail[e]];
    edge.head = new_id[graph.head[e]];
    edge.travel_time_ms = graph.travel_time_ms[e];
    edge.distance_m = graph.distance_m[e];
    edge.road_class = graph.road_class[e];
    edge.osm_way_id = graph.osm_way_ids[e];
    edge.shape.assign(graph.shape.begin() + graph.first_shape[e], graph.shape.begin() + graph.first_shape[e + 1]);
    edges.push_back(std::move(edge));
  }
  return build_road_graph(std::move(coordinates), std::move(osm_node_ids), std::move(edges));
}

}  // namespace

std::vector<NodeId> largest_strongly_connected_component(const RoadGraph& graph) {
  // Iterative Tarjan: recursion would overflow the stack on a long chain of nodes.
  const NodeId n = graph.node_count();
  std::vector<uint32_t> index(n, kInvalidId), low(n, 0), component(n, kInvalidId);
  std::vector<NodeId> stack, call_node;
  std::vector<EdgeId> call_edge;
  std::vector<uint32_t> component_size;
  uint32_t next_index = 0;
  std::vector<bool> on_stack(n, false);
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != kInvalidId) continue;
    call_node.push_back(root);
    call_edge.push_back(graph.first_out[root]);
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call_node.empty()) {
      const NodeId v = call_node.back();
      EdgeId& e = call_edge.back();
      if (e < graph.first_out[v + 1]) {
        const NodeId w = graph.head[e++];
        if (index[w] == kInvalidId) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = true;
          call_node.push_back(w);
          call_edge.push_back(graph.first_out[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        const uint32_t id = static_cast<uint32_t>(component_size.size());
        component_size.push_back(0);
        NodeId w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component[w] = id;
          ++component_size[id];
        } while (w != v);
      }
      call_node.pop_back();
      call_edge.pop_back();
      if (!call_node.empty()) low[call_node.back()] = std::min(low[call_node.back()], low[v]);
    }
  }
  std::vector<NodeId> nodes;
  if (component_size.empty()) return nodes;
  const uint32_t largest =
      static_cast<uint32_t>(std::max_element(component_size.begin(), component_size.end()) - component_size.begin());
  for (NodeId v = 0; v < n; ++v) {
    if (component[v] == largest) nodes.push_back(v);
  }
  return nodes;
}

RoadGraph make_synthetic_grid(const SyntheticGridOptions& options) {
  std::mt19937_64 random(options.seed);
  const uint32_t rows = options.rows;
  const uint32_t cols = options.cols;
  const double dlat = options.spacing_m * kDegreesPerMetreLat;
  const double dlon = options.spacing_m * degrees_per_metre_lon(options.origin.lat);
  auto node_id = [cols](uint32_t row, uint32_t col) { return static_cast<NodeId>(row * cols + col); };

  std::vector<geo::LatLon> coordinates(static_cast<size_t>(rows) * cols);
  std::vector<int64_t> osm_node_ids(coordinates.size());
  const double jitter_m = options.spacing_m * 0.15;
  for (uint32_t row = 0; row < rows; ++row) {
    for (uint32_t col = 0; col < cols; ++col) {
      const double north_m = (uniform01(random) * 2 - 1) * jitter_m;
      const double east_m = (uniform01(random) * 2 - 1) * jitter_m;
      coordinates[node_id(row, col)] = {options.origin.lat + row * dlat + north_m * kDegreesPerMetreLat,
                                        options.origin.lon + col * dlon + east_m * degrees_per_metre_lon(options.origin.lat)};
      osm_node_ids[node_id(row, col)] = node_id(row, col);
    }
  }

  std::vector<EdgeInput> edges;
  int64_t way_id = 0;
  auto add_street = [&](NodeId a, NodeId b, bool arterial) {
    ++way_id;
    const bool removed = !arterial && uniform01(random) < options.removed_fraction;
    const bool one_way = !arterial && uniform01(random) < options.one_way_fraction;
    const bool reversed = uniform01(random) < 0.5;
    const double factor = 1.0 + (uniform01(random) * 2 - 1) * options.time_jitter;
    if (removed) return;
    EdgeInput edge;
    edge.road_class = arterial ? RoadClass::kPrimary : RoadClass::kResidential;
    edge.osm_way_id = way_id;
    if (arterial) {
      // A slight bend, so that geometry code sees shape points.
      const geo::LatLon& pa = coordinates[a];
      const geo::LatLon& pb = coordinates[b];
      edge.shape.push_back({(pa.lat + pb.lat) / 2 + (pb.lon - pa.lon) * 0.05, (pa.lon + pb.lon) / 2 + (pb.lat - pa.lat) * 0.05});
    }
    double distance_m = 0;
    geo::LatLon previous = coordinates[a];
    for (const geo::LatLon& point : edge.shape) {
      distance_m += geo::haversine_m(previous, point);
      previous = point;
    }
    distance_m += geo::haversine_m(previous, coordinates[b]);
    edge.distance_m = static_cast<float>(distance_m);
    edge.travel_time_ms =
        travel_time_ms(distance_m, arterial ? options.arterial_speed_kmh : options.local_speed_kmh, factor);
    if (!one_way || !reversed) {
      edge.tail = a;
      edge.head = b;
      edges.push_back(edge);
    }
    if (!one_way || reversed) {
      edge.tail = b;
      edge.head = a;
      std::reverse(edge.shape.begin(), edge.shape.end());
      edges.push_back(std::move(edge));
    }
  };
  const uint32_t every = std::max<uint32_t>(1, options.arterial_every);
  for (uint32_t row = 0; row < rows; ++row) {
    for (uint32_t col = 0; col < cols; ++col) {
      if (col + 1 < cols) add_street(node_id(row, col), node_id(row, col + 1), row % every == 0);
      if (row + 1 < rows) add_street(node_id(row, col), node_id(row + 1, col), col % every == 0);
    }
  }
  const RoadGraph full = build_road_graph(std::move(coordinates), std::move(osm_node_ids), std::move(edges));
  return induced_subgraph(full, largest_strongly_connected_component(full));
}

Result<DrawnGraph> drawn_graph(std::string_view picture, const std::vector<DrawnEdge>& extra) {
  std::vector<std::string> lines;
  for (size_t start = 0; start <= picture.size();) {
    size_t end = picture.find('\n', start);
    if (end == std::string_view::npos) end = picture.size();
    lines.emplace_back(picture.substr(start, end - start));
    start = end + 1;
  }
  auto at = [&lines](size_t row, size_t col) { return col < lines[row].size() ? lines[row][col] : ' '; };
  auto is_node = [](char c) { return c >= 'A' && c <= 'Z'; };

  DrawnGraph drawn;
  drawn.node_of_letter.fill(kInvalidId);
  std::vector<geo::LatLon> coordinates;
  std::vector<int64_t> osm_node_ids;
  const geo::LatLon origin{35.1595, 126.8526};
  for (size_t row = 0; row < lines.size(); ++row) {
    for (size_t col = 0; col < lines[row].size(); ++col) {
      const char c = lines[row][col];
      if (!is_node(c)) continue;
      NodeId& id = drawn.node_of_letter[static_cast<size_t>(c - 'A')];
      if (id != kInvalidId) return invalid_input("picture row {} column {}: node {} is drawn twice", row + 1, col + 1, c);
      id = static_cast<NodeId>(coordinates.size());
      coordinates.push_back({origin.lat - row * 20.0 * kDegreesPerMetreLat,
                             origin.lon + col * 10.0 * degrees_per_metre_lon(origin.lat)});
      osm_node_ids.push_back(c);
    }
  }

  std::vector<EdgeInput> edges;
  int64_t way_id = 0;
  auto add_road = [&](char from, char to, bool forward, bool backward, double seconds) {
    const NodeId a = drawn(from);
    const NodeId b = drawn(to);
    EdgeInput edge;
    edge.travel_time_ms = static_cast<TravelTimeMs>(std::llround(seconds * 1000.0));
    edge.distance_m = static_cast<float>(geo::haversine_m(coordinates[a], coordinates[b]));
    edge.osm_way_id = ++way_id;
    if (forward) edges.push_back({a, b, edge.travel_time_ms, edge.distance_m, edge.road_class, way_id, {}});
    if (backward) edges.push_back({b, a, edge.travel_time_ms, edge.distance_m, edge.road_class, way_id, {}});
  };
  // One road is a run of drawing characters between two letters; `along` steps through it.
  auto scan = [&](size_t row, size_t col, bool horizontal) -> Status {
    const char road_char = horizontal ? '-' : '|';
    const char forward_char = horizontal ? '>' : 'v';
    const char backward_char = horizontal ? '<' : '^';
    bool forward = true, backward = true, drawn_road = false;
    std::string digits;
    size_t r = row, c = col;
    while (true) {
      horizontal ? ++c : ++r;
      if (r >= lines.size()) break;
      const char ch = at(r, c);
      if (is_node(ch)) {
        if (!drawn_road) return Status::ok();
        if (!forward && !backward) {
          return invalid_input("picture row {} column {}: road has arrows both ways", row + 1, col + 1);
        }
        add_road(at(row, col), ch, forward, backward, digits.empty() ? 10.0 : std::stod(digits));
        return Status::ok();
      }
      if (ch == road_char) {
        drawn_road = true;
      } else if (ch == forward_char) {
        drawn_road = true;
        backward = false;
      } else if (ch == backward_char) {
        drawn_road = true;
        forward = false;
      } else if (ch >= '0' && ch <= '9') {
        digits += ch;
      } else if (ch != ' ' || (horizontal && c >= lines[r].size())) {
        break;
      }
    }
    if (drawn_road) return invalid_input("picture row {} column {}: road from {} ends nowhere", row + 1, col + 1, at(row, col));
    return Status::ok();
  };
  for (size_t row = 0; row < lines.size(); ++row) {
    for (size_t col = 0; col < lines[row].size(); ++col) {
      if (!is_node(lines[row][col])) continue;
      BITGOEUL_RETURN_IF_ERROR(scan(row, col, true));
      BITGOEUL_RETURN_IF_ERROR(scan(row, col, false));
    }
  }
  for (const DrawnEdge& edge : extra) {
    if (!is_node(edge.from) || !is_node(edge.to) || drawn(edge.from) == kInvalidId || drawn(edge.to) == kInvalidId) {
      return invalid_input("extra edge {}->{}: node not drawn", edge.from, edge.to);
    }
    add_road(edge.from, edge.to, true, false, edge.seconds);
  }
  drawn.graph = build_road_graph(std::move(coordinates), std::move(osm_node_ids), std::move(edges));
  return drawn;
}

}  // namespace bitgoeul::road
