#include "road/snapping.h"

#include <algorithm>
#include <cmath>

namespace bitgoeul::road {
namespace {

geo::LatLon centre_of(const RoadGraph& graph) {
  if (graph.node_count() == 0) return {};
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const geo::LatLon& p : graph.coordinates) {
    min_lat = std::min(min_lat, p.lat);
    max_lat = std::max(max_lat, p.lat);
    min_lon = std::min(min_lon, p.lon);
    max_lon = std::max(max_lon, p.lon);
  }
  return {(min_lat + max_lat) / 2, (min_lon + max_lon) / 2};
}

bool same_shape_reversed(const RoadGraph& graph, EdgeId a, EdgeId b) {
  const uint32_t count = graph.first_shape[a + 1] - graph.first_shape[a];
  if (graph.first_shape[b + 1] - graph.first_shape[b] != count) return false;
  for (uint32_t i = 0; i < count; ++i) {
    if (!(graph.shape[graph.first_shape[a] + i] == graph.shape[graph.first_shape[b + 1] - 1 - i])) return false;
  }
  return true;
}

std::vector<EdgeId> find_opposites(const RoadGraph& graph) {
  std::vector<EdgeId> opposite(graph.edge_count(), kInvalidId);
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (opposite[e] != kInvalidId) continue;
    const NodeId tail = graph.tail[e];
    const NodeId head = graph.head[e];
    if (tail == head) continue;
    EdgeId best = kInvalidId;
    for (EdgeId r = graph.first_out[head]; r < graph.first_out[head + 1]; ++r) {
      if (graph.head[r] != tail || opposite[r] != kInvalidId || !same_shape_reversed(graph, e, r)) continue;
      // Prefer the same OSM way when several roads join the same two nodes the same way.
      if (best == kInvalidId || (graph.osm_way_ids[r] == graph.osm_way_ids[e] && graph.osm_way_ids[best] != graph.osm_way_ids[e])) {
        best = r;
      }
    }
    if (best != kInvalidId) {
      opposite[e] = best;
      opposite[best] = e;
    }
  }
  return opposite;
}

}  // namespace

Snapper::Snapper(const RoadGraph& graph)
    : graph_(graph), projection_(centre_of(graph)), opposite_(find_opposites(graph)), grid_({}) {
  std::vector<geo::SegmentGrid::Segment> segments;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (opposite_[e] != kInvalidId && opposite_[e] < e) continue;  // the road is indexed once
    const std::vector<geo::LatLon> points = graph.edge_geometry(e);
    for (uint32_t i = 0; i + 1 < points.size(); ++i) {
      segments.push_back({projection_.to_xy(points[i]), projection_.to_xy(points[i + 1])});
      segment_edge_.push_back(e);
      segment_index_.push_back(i);
    }
  }
  grid_ = geo::SegmentGrid(std::move(segments));
}

Result<SnappedPoint> Snapper::snap(const geo::LatLon& point, double max_distance_m) const {
  if (!geo::is_valid(point)) {
    return invalid_input("cannot snap {},{}: not a valid coordinate (latitude in [-90, 90], longitude in [-180, 180])",
                         point.lat, point.lon);
  }
  const auto hit = grid_.nearest(projection_.to_xy(point), max_distance_m);
  if (!hit) return not_found("no road within {} m of {:.6f},{:.6f}", max_distance_m, point.lat, point.lon);

  SnappedPoint snapped;
  snapped.input = point;
  snapped.point = projection_.to_lat_lon(hit->point);
  snapped.distance_m = hit->distance;
  const EdgeId edge = segment_edge_[hit->segment];
  const uint32_t segment = segment_index_[hit->segment];

  // Fraction by projected length along the polyline.
  const std::vector<geo::LatLon> points = graph_.edge_geometry(edge);
  double total_m = 0, before_m = 0;
  for (uint32_t i = 0; i + 1 < points.size(); ++i) {
    const geo::LocalProjection::Xy a = projection_.to_xy(points[i]);
    const geo::LocalProjection::Xy b = projection_.to_xy(points[i + 1]);
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    if (i < segment) before_m += length;
    if (i == segment) before_m += length * hit->t;
    total_m += length;
  }
  const double fraction = total_m > 0 ? std::clamp(before_m / total_m, 0.0, 1.0) : 0.0;
  snapped.along = {edge, fraction, segment};
  const EdgeId opposite = opposite_[edge];
  if (opposite != kInvalidId) {
    snapped.opposite = {opposite, 1.0 - fraction, static_cast<uint32_t>(points.size() - 2 - segment)};
  }
  return snapped;
}

std::vector<geo::LatLon> partial_geometry(const RoadGraph& graph, const EdgePosition& position, const geo::LatLon& point,
                                          bool from_point) {
  const std::vector<geo::LatLon> points = graph.edge_geometry(position.edge);
  std::vector<geo::LatLon> part;
  if (from_point) {
    part.push_back(point);
    for (size_t i = position.segment + 1; i < points.size(); ++i) {
      if (!(points[i] == part.back())) part.push_back(points[i]);
    }
  } else {
    for (size_t i = 0; i <= position.segment && i < points.size(); ++i) part.push_back(points[i]);
    if (part.empty() || !(part.back() == point)) part.push_back(point);
  }
  return part;
}

}  // namespace bitgoeul::road
