#include "taxi/rules/permitted_roads.h"

#include <algorithm>
#include <cmath>

#include "geo/lat_lon.h"
#include "road/strongly_connected.h"

namespace bitgoeul::taxi::rules {
namespace {

bool edge_inside(const std::vector<geo::LatLon>& geometry, const Permit& permit, double sample_m) {
  for (size_t i = 0; i < geometry.size(); ++i) {
    if (!in_permitted_area(permit, geometry[i])) return false;
    if (i + 1 == geometry.size()) break;
    const double length_m = geo::haversine_m(geometry[i], geometry[i + 1]);
    const int samples = static_cast<int>(std::floor(length_m / sample_m));
    for (int k = 1; k <= samples; ++k) {
      const double t = static_cast<double>(k) / (samples + 1);
      const geo::LatLon point{geometry[i].lat + t * (geometry[i + 1].lat - geometry[i].lat),
                              geometry[i].lon + t * (geometry[i + 1].lon - geometry[i].lon)};
      if (!in_permitted_area(permit, point)) return false;
    }
  }
  return true;
}

geo::LatLon midpoint(const std::vector<geo::LatLon>& geometry) {
  double total_m = 0;
  for (size_t i = 0; i + 1 < geometry.size(); ++i) total_m += geo::haversine_m(geometry[i], geometry[i + 1]);
  double walked_m = 0;
  for (size_t i = 0; i + 1 < geometry.size(); ++i) {
    const double piece_m = geo::haversine_m(geometry[i], geometry[i + 1]);
    if (walked_m + piece_m >= total_m / 2 && piece_m > 0) {
      const double t = (total_m / 2 - walked_m) / piece_m;
      return {geometry[i].lat + t * (geometry[i + 1].lat - geometry[i].lat),
              geometry[i].lon + t * (geometry[i + 1].lon - geometry[i].lon)};
    }
    walked_m += piece_m;
  }
  return geometry.front();
}

}  // namespace

double speed_cap_kmh(const road::RoadGraph& graph, road::EdgeId edge, const Permit& permit) {
  double cap = permit.class_speed_cap_kmh[static_cast<size_t>(graph.road_class[edge])];
  if (!permit.zone_speed_caps.empty()) {
    const geo::LatLon middle = midpoint(graph.edge_geometry(edge));
    for (const ZoneSpeedCap& zone_cap : permit.zone_speed_caps) {
      if (geo::find_zone(zone_cap.zones, middle) >= 0) cap = cap > 0 ? std::min(cap, zone_cap.kmh) : zone_cap.kmh;
    }
  }
  return cap;
}

Result<PermittedRoads> restrict_to_permit(const road::RoadGraph& graph, const Permit& permit, double sample_m) {
  PermittedRoads result;
  result.edges_in = graph.edge_count();
  std::vector<road::EdgeInput> kept;
  for (road::EdgeId edge = 0; edge < graph.edge_count(); ++edge) {
    std::vector<geo::LatLon> geometry = graph.edge_geometry(edge);
    if (!edge_inside(geometry, permit, sample_m)) {
      ++result.edges_outside;
      continue;
    }
    road::EdgeInput input;
    input.tail = graph.tail[edge];
    input.head = graph.head[edge];
    input.distance_m = graph.distance_m[edge];
    input.road_class = graph.road_class[edge];
    input.osm_way_id = graph.osm_way_ids[edge];
    input.travel_time_ms = graph.travel_time_ms[edge];
    const double cap_kmh = speed_cap_kmh(graph, edge, permit);
    if (cap_kmh > 0) {
      const auto capped_ms = static_cast<road::TravelTimeMs>(std::ceil(graph.distance_m[edge] / (cap_kmh / 3.6) * 1000.0));
      if (capped_ms > input.travel_time_ms) {
        input.travel_time_ms = capped_ms;
        ++result.edges_speed_capped;
      }
    }
    input.shape.assign(geometry.begin() + 1, geometry.end() - 1);
    kept.push_back(std::move(input));
  }
  if (kept.empty()) return invalid_input("{}: no road of the map lies inside the permitted area", permit.path);
  const uint32_t inside = static_cast<uint32_t>(kept.size());
  road::RoadGraph restricted = road::build_road_graph(graph.coordinates, graph.osm_node_ids, std::move(kept));
  std::vector<uint32_t> component;
  const uint32_t components = road::strongly_connected_components(restricted, component);
  result.graph = road::keep_largest_component(restricted, component, components);
  result.edges_disconnected = inside - result.graph.edge_count();
  for (road::EdgeId edge = 0; edge < result.graph.edge_count(); ++edge) {
    result.km_kept += result.graph.distance_m[edge] / 1000.0;
  }
  if (result.graph.edge_count() == 0) return invalid_input("{}: no connected road inside the permitted area", permit.path);
  return result;
}

}  // namespace bitgoeul::taxi::rules
