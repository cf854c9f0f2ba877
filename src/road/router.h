#pragma once
// Point-to-point routing between coordinates: snap both ends to the nearest road, search the contraction
// hierarchy from the snapped positions (counting only the part of the first and last road actually driven) and
// return the time, the length and the geometry from snapped point to snapped point. Also the matrix of such trips
// between two lists of points.

#include <span>
#include <vector>

#include "core/error.h"
#include "road/ch_query.h"
#include "road/contraction_hierarchy.h"
#include "road/snapping.h"
#include "road/travel_time_matrix.h"

namespace bitgoeul::road {

struct RouterOptions {
  double max_snap_distance_m = 500.0;
};

struct Route {
  TravelTimeMs travel_time_ms = 0;
  double distance_m = 0.0;
  std::vector<geo::LatLon> geometry;  // from from.point to to.point
  // Edges driven, in order; the first and last are driven only from / to the snapped points. A trip along one
  // edge has just that edge.
  std::vector<EdgeId> edges;
  SnappedPoint from;
  SnappedPoint to;

  double travel_time_s() const { return travel_time_ms / 1000.0; }
};

// The part of `edge`'s travel time from its tail to `fraction` of its length, rounded to whole ms. Monotone in
// fraction, so partial times along one edge never go negative.
TravelTimeMs time_to_fraction(const RoadGraph& graph, EdgeId edge, double fraction);

class Router {
 public:
  // `graph` and `ch` (built from that graph) must outlive the router.
  Router(const RoadGraph& graph, const ContractionHierarchy& ch, RouterOptions options = {});

  // Errors: a point that cannot be snapped (see Snapper::snap), or kNotFound "no route from ... to ...".
  Result<Route> route(const geo::LatLon& from, const geo::LatLon& to);
  Result<Route> route(const SnappedPoint& from, const SnappedPoint& to);
  Result<SnappedPoint> snap(const geo::LatLon& point) const { return snapper_.snap(point, options_.max_snap_distance_m); }

  // Travel times (row-major, kInfiniteTime if unreachable) and distances between snapped points, consistent
  // with route(): entry [i * to.size() + j] equals route(from[i], to[j]).travel_time_ms.
  void matrix(std::span<const SnappedPoint> from, std::span<const SnappedPoint> to,
              std::vector<TravelTimeMs>& travel_time_ms, std::vector<double>& distance_m);

  const Snapper& snapper() const { return snapper_; }

 private:
  // The seeds of a snapped point: leaving it (towards the heads) or arriving at it (from the tails).
  std::vector<Seed> source_seeds(const SnappedPoint& point) const;
  std::vector<Seed> target_seeds(const SnappedPoint& point) const;

  const RoadGraph& graph_;
  RouterOptions options_;
  Snapper snapper_;
  ChQuery query_;
  TravelTimeMatrix matrix_;
};

}  // namespace bitgoeul::road
