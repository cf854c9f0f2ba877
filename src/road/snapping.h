#pragma once
// Nearest-road snapping: maps a coordinate onto the closest point of the road network, as a position on a
// directed edge. A two-way road is two directed edges over the same geometry; both are reported, so a router can
// start (or end) the trip in either direction.

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"
#include "geo/segment_grid.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

// A point on a directed edge.
struct EdgePosition {
  EdgeId edge = kInvalidId;
  double fraction = 0.0;  // of the edge's length from its tail, [0, 1]
  uint32_t segment = 0;   // index of the polyline segment (of edge_geometry(edge)) the point lies on
};

struct SnappedPoint {
  geo::LatLon input;
  geo::LatLon point;        // the nearest point on the road
  double distance_m = 0.0;  // from input to point
  EdgePosition along;       // the edge the point was found on
  EdgePosition opposite;    // the same road in the other direction; edge == kInvalidId on a one-way road

  bool two_way() const { return opposite.edge != kInvalidId; }
};

class Snapper {
 public:
  // Indexes every edge's geometry (each two-way road once). `graph` must outlive the snapper.
  explicit Snapper(const RoadGraph& graph);

  // Errors: invalid coordinate (NaN, out of range) or "no road within N m of LAT,LON" (kNotFound).
  Result<SnappedPoint> snap(const geo::LatLon& point, double max_distance_m) const;

  // The edge driving the same road the other way (tail and head swapped, geometry reversed), or kInvalidId.
  EdgeId opposite_edge(EdgeId edge) const { return opposite_[edge]; }

 private:
  const RoadGraph& graph_;
  geo::LocalProjection projection_;
  std::vector<EdgeId> opposite_;
  std::vector<EdgeId> segment_edge_;      // per indexed segment
  std::vector<uint32_t> segment_index_;   // per indexed segment: its index within the edge's polyline
  geo::SegmentGrid grid_;
};

// The sub-polyline of `edge` from `position` to the head (from_point = true) or from the tail to `position`,
// starting / ending exactly at `point`.
std::vector<geo::LatLon> partial_geometry(const RoadGraph& graph, const EdgePosition& position, const geo::LatLon& point,
                                          bool from_point);

}  // namespace bitgoeul::road
