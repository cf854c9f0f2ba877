#pragma once
// How the fleet moves on the road network: positions on directed edges, rider locations snapped to the road, and
// travel times and routes between them from the contraction hierarchy. The simulator and (later) the live service
// both plan with this one class, so both see the same times.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"
#include "road/ch_query.h"
#include "road/contraction_hierarchy.h"
#include "road/road_graph.h"
#include "road/router.h"
#include "road/snapping.h"
#include "road/travel_time_matrix.h"

namespace bitgoeul::taxi {

// A place on the directed road network: `fraction` of the way along `edge` from its tail (0) to its head (1),
// by length and by time alike (speed is uniform along an edge).
struct RoadPosition {
  road::EdgeId edge = road::kInvalidId;
  double fraction = 0.0;
  friend bool operator==(const RoadPosition&, const RoadPosition&) = default;
};

// Where a rider stands: the road positions a vehicle may stop at to serve them (both directions of a two-way road).
struct Location {
  geo::LatLon point;                   // as given
  std::array<RoadPosition, 2> options;  // the snapped point on each drivable direction
  uint8_t option_count = 0;
  double snap_distance_m = 0.0;  // walk from `point` to the road
};

// A drive from one position to another, as pieces of edges, for moving vehicles along it and measuring it.
struct Leg {
  struct Piece {
    road::EdgeId edge;
    double from_fraction;
    double to_fraction;
    double start_s;  // seconds after the leg's start
    double duration_s;
    double distance_m;
    uint64_t after_ms;  // the hierarchy's milliseconds from this piece's end to the leg's end (remaining_s)
  };
  std::vector<Piece> pieces;
  RoadPosition end;
  double duration_s = 0.0;
  double distance_m = 0.0;
  bool reachable = false;
};

inline constexpr double kUnreachable = 1e18;

class RoadTravel {
 public:
  // `graph` and `ch` must outlive this object.
  RoadTravel(const road::RoadGraph& graph, const road::ContractionHierarchy& ch);

  // Snaps a point to the nearest drivable road within `max_snap_m`; the error names the point.
  Result<Location> locate(const geo::LatLon& point, double max_snap_m) const;
  // A position's coordinates (interpolated along the edge geometry).
  geo::LatLon point_of(const RoadPosition& position) const;
  // The location a vehicle parked at `position` stands at.
  Location location_of(const RoadPosition& position) const;

  // Seconds from `from` to the best option of `to`; kUnreachable if none. `arrival` (optional) gets the option.
  double time_s(const RoadPosition& from, const Location& to, RoadPosition* arrival = nullptr);
  // Seconds of the fastest drive from any option of `from` to any option of `to` (one search); kUnreachable if none.
  double time_s(const Location& from, const Location& to);
  // The same drive with its route.
  Leg leg(const RoadPosition& from, const Location& to);
  // Seconds from each of `from` to `to` (one bucket-matrix run); kUnreachable where there is no route.
  void times_to(std::span<const RoadPosition> from, const Location& to, std::vector<double>& seconds);
  // Seconds between every pair of rows and columns (row-major), for batch assignment.
  void matrix(std::span<const RoadPosition> from, std::span<const Location> to, std::vector<double>& seconds);

  // Where a vehicle driving `leg` is `elapsed_s` after the leg started (its end once elapsed_s >= duration).
  RoadPosition position_at(const Leg& leg, double elapsed_s) const;
  // Seconds left to the end of `leg` from where a vehicle is `elapsed_s` after it started (position_at), counted
  // as time_s counts a drive from there to leg.end: whole milliseconds per edge piece. The rest of a fastest route
  // is a fastest route, so this is time_s(position_at(leg, elapsed_s), location_of(leg.end)) with no search.
  double remaining_s(const Leg& leg, double elapsed_s) const;
  // Metres driven in the first `elapsed_s` of `leg`.
  double distance_at(const Leg& leg, double elapsed_s) const;
  // The fastest possible speed on the network, for lower bounds on travel time from crow-fly distances.
  double max_speed_mps() const { return max_speed_mps_; }

  const road::RoadGraph& graph() const { return graph_; }
  const road::ContractionHierarchy& ch() const { return ch_; }

  // The hierarchy's view of a position: where a route from it enters the node graph (the edge's head, with the
  // rest of the edge as offset), and where a route to it leaves (the edge's tail, with the part before it).
  road::Seed source_seed(const RoadPosition& from) const;
  road::Seed target_seed(const RoadPosition& to) const;
  // Seconds from `from` to `to` when `to` lies ahead on the same edge (the hierarchy only sees routes that leave
  // the edge); kUnreachable otherwise.
  double ahead_on_edge_s(const RoadPosition& from, const RoadPosition& to) const;

 private:
  double edge_time_s(road::EdgeId edge) const { return graph_.travel_time_ms[edge] / 1000.0; }

  const road::RoadGraph& graph_;
  const road::ContractionHierarchy& ch_;
  road::Snapper snapper_;
  road::ChQuery query_;
  road::TravelTimeMatrix matrix_;
  double max_speed_mps_ = 1.0;
};

}  // namespace bitgoeul::taxi
