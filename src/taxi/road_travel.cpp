#include "taxi/road_travel.h"

#include <algorithm>
#include <cmath>

namespace bitgoeul::taxi {
namespace {

// Partial edge times in whole milliseconds, as the router counts them, so that a planned time (time_s) and the
// driven leg (leg) agree to the millisecond.
double between_s(const road::RoadGraph& graph, road::EdgeId edge, double from_fraction, double to_fraction) {
  return (road::time_to_fraction(graph, edge, to_fraction) - road::time_to_fraction(graph, edge, from_fraction)) /
         1000.0;
}

}  // namespace

RoadTravel::RoadTravel(const road::RoadGraph& graph, const road::ContractionHierarchy& ch)
    : graph_(graph), ch_(ch), snapper_(graph), query_(ch), matrix_(ch) {
  for (road::EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (graph.travel_time_ms[e] > 0) {
      max_speed_mps_ = std::max(max_speed_mps_, graph.distance_m[e] / (graph.travel_time_ms[e] / 1000.0));
    }
  }
}

Result<Location> RoadTravel::locate(const geo::LatLon& point, double max_snap_m) const {
  BITGOEUL_ASSIGN_OR_RETURN(const road::SnappedPoint snapped, snapper_.snap(point, max_snap_m));
  Location location;
  location.point = point;
  location.snap_distance_m = snapped.distance_m;
  location.options[location.option_count++] = {snapped.along.edge, snapped.along.fraction};
  if (snapped.two_way()) location.options[location.option_count++] = {snapped.opposite.edge, snapped.opposite.fraction};
  return location;
}

geo::LatLon RoadTravel::point_of(const RoadPosition& position) const {
  // The edge's geometry (RoadGraph::edge_geometry) read in place: tail, shape points, head.
  const road::EdgeId edge = position.edge;
  const size_t shape_begin = graph_.first_shape[edge];
  const size_t count = graph_.first_shape[edge + 1] - shape_begin + 2;
  auto point = [&](size_t i) -> const geo::LatLon& {
    if (i == 0) return graph_.coordinates[graph_.tail[edge]];
    if (i + 1 == count) return graph_.coordinates[graph_.head[edge]];
    return graph_.shape[shape_begin + i - 1];
  };
  double total_m = 0.0;
  for (size_t i = 1; i < count; ++i) total_m += geo::haversine_m(point(i - 1), point(i));
  double remaining_m = position.fraction * total_m;
  for (size_t i = 1; i < count; ++i) {
    const geo::LatLon& a = point(i - 1);
    const geo::LatLon& b = point(i);
    const double piece_m = geo::haversine_m(a, b);
    if (remaining_m <= piece_m || i + 1 == count) {
      const double t = piece_m > 0 ? std::clamp(remaining_m / piece_m, 0.0, 1.0) : 0.0;
      return {a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)};
    }
    remaining_m -= piece_m;
  }
  return point(0);
}

Location RoadTravel::location_of(const RoadPosition& position) const {
  Location location;
  location.point = point_of(position);
  location.options[0] = position;
  location.option_count = 1;
  return location;
}

road::Seed RoadTravel::source_seed(const RoadPosition& from) const {
  const road::TravelTimeMs before_ms = road::time_to_fraction(graph_, from.edge, from.fraction);
  return {graph_.head[from.edge], graph_.travel_time_ms[from.edge] - before_ms,
          static_cast<float>(graph_.distance_m[from.edge] * (1.0 - from.fraction))};
}

road::Seed RoadTravel::target_seed(const RoadPosition& to) const {
  return {graph_.tail[to.edge], road::time_to_fraction(graph_, to.edge, to.fraction),
          static_cast<float>(graph_.distance_m[to.edge] * to.fraction)};
}

double RoadTravel::ahead_on_edge_s(const RoadPosition& from, const RoadPosition& to) const {
  if (to.edge != from.edge || to.fraction < from.fraction) return kUnreachable;
  return between_s(graph_, from.edge, from.fraction, to.fraction);
}

double RoadTravel::time_s(const RoadPosition& from, const Location& to, RoadPosition* arrival) {
  double best_s = kUnreachable;
  RoadPosition best;
  // One search towards every option at once; the path's end tells which option won.
  std::array<road::Seed, 2> targets;
  for (uint8_t i = 0; i < to.option_count; ++i) targets[i] = target_seed(to.options[i]);
  const road::Seed source = source_seed(from);
  const road::TravelTimeMs via_ms = query_.run(std::span<const road::Seed>(&source, 1),
                                               std::span<const road::Seed>(targets.data(), to.option_count));
  if (via_ms != road::kInfiniteTime) {
    best_s = via_ms / 1000.0;
    for (uint8_t i = 0; i < to.option_count; ++i) {
      if (targets[i].node == query_.path_target()) best = to.options[i];
    }
  }
  for (uint8_t i = 0; i < to.option_count; ++i) {
    const double direct_s = ahead_on_edge_s(from, to.options[i]);
    if (direct_s <= best_s) {
      best_s = direct_s;
      best = to.options[i];
    }
  }
  if (arrival != nullptr && best_s < kUnreachable) *arrival = best;
  return best_s;
}

double RoadTravel::time_s(const Location& from, const Location& to) {
  std::array<road::Seed, 2> sources;
  std::array<road::Seed, 2> targets;
  for (uint8_t i = 0; i < from.option_count; ++i) sources[i] = source_seed(from.options[i]);
  for (uint8_t i = 0; i < to.option_count; ++i) targets[i] = target_seed(to.options[i]);
  const road::TravelTimeMs via_ms = query_.run(std::span<const road::Seed>(sources.data(), from.option_count),
                                               std::span<const road::Seed>(targets.data(), to.option_count));
  double best_s = via_ms == road::kInfiniteTime ? kUnreachable : via_ms / 1000.0;
  for (uint8_t i = 0; i < from.option_count; ++i) {
    for (uint8_t j = 0; j < to.option_count; ++j) best_s = std::min(best_s, ahead_on_edge_s(from.options[i], to.options[j]));
  }
  return best_s;
}

Leg RoadTravel::leg(const RoadPosition& from, const Location& to) {
  RoadPosition arrival;
  const double best_s = time_s(from, to, &arrival);
  Leg leg;
  if (best_s >= kUnreachable) return leg;
  leg.reachable = true;
  leg.end = arrival;
  auto add_piece = [&](road::EdgeId edge, double from_fraction, double to_fraction, double duration_s) {
    const double distance_m = graph_.distance_m[edge] * (to_fraction - from_fraction);
    if (duration_s <= 0 && distance_m <= 0) return;
    leg.pieces.push_back({edge, from_fraction, to_fraction, leg.duration_s, duration_s, distance_m, 0});
    leg.duration_s += duration_s;
    leg.distance_m += distance_m;
  };
  const double direct_s = ahead_on_edge_s(from, arrival);
  if (direct_s <= best_s) {
    add_piece(from.edge, from.fraction, arrival.fraction, direct_s);
    return leg;
  }
  auto count_after = [&] {
    uint64_t after_ms = 0;
    for (size_t p = leg.pieces.size(); p-- > 0;) {
      Leg::Piece& piece = leg.pieces[p];
      piece.after_ms = after_ms;
      after_ms += road::time_to_fraction(graph_, piece.edge, piece.to_fraction) -
                  road::time_to_fraction(graph_, piece.edge, piece.from_fraction);
    }
  };
  // With one option the query time_s ran is the route's own; otherwise re-run the winning one to unpack its path.
  if (to.option_count != 1) {
    const road::Seed source = source_seed(from);
    const road::Seed target = target_seed(arrival);
    query_.run(std::span<const road::Seed>(&source, 1), std::span<const road::Seed>(&target, 1));
  }
  add_piece(from.edge, from.fraction, 1.0, between_s(graph_, from.edge, from.fraction, 1.0));
  for (const road::EdgeId edge : query_.path()) add_piece(edge, 0.0, 1.0, graph_.travel_time_ms[edge] / 1000.0);
  add_piece(arrival.edge, 0.0, arrival.fraction, between_s(graph_, arrival.edge, 0.0, arrival.fraction));
  count_after();
  return leg;
}

void RoadTravel::matrix(std::span<const RoadPosition> from, std::span<const Location> to, std::vector<double>& seconds) {
  std::vector<std::vector<road::Seed>> sources;
  sources.reserve(from.size());
  for (const RoadPosition& position : from) sources.push_back({source_seed(position)});
  std::vector<std::vector<road::Seed>> targets;
  targets.reserve(to.size());
  for (const Location& location : to) {
    std::vector<road::Seed> seeds;
    for (uint8_t i = 0; i < location.option_count; ++i) seeds.push_back(target_seed(location.options[i]));
    targets.push_back(std::move(seeds));
  }
  matrix_.compute(std::span<const std::vector<road::Seed>>(sources), std::span<const std::vector<road::Seed>>(targets));
  seconds.assign(from.size() * to.size(), kUnreachable);
  for (size_t s = 0; s < from.size(); ++s) {
    for (size_t t = 0; t < to.size(); ++t) {
      double& entry = seconds[s * to.size() + t];
      const road::TravelTimeMs ms = matrix_.travel_time_ms(static_cast<uint32_t>(s), static_cast<uint32_t>(t));
      if (ms != road::kInfiniteTime) entry = ms / 1000.0;
      for (uint8_t i = 0; i < to[t].option_count; ++i) entry = std::min(entry, ahead_on_edge_s(from[s], to[t].options[i]));
    }
  }
}

void RoadTravel::times_to(std::span<const RoadPosition> from, const Location& to, std::vector<double>& seconds) {
  matrix(from, std::span<const Location>(&to, 1), seconds);
}

RoadPosition RoadTravel::position_at(const Leg& leg, double elapsed_s) const {
  for (const Leg::Piece& piece : leg.pieces) {
    if (elapsed_s < piece.start_s + piece.duration_s) {
      const double t = piece.duration_s > 0 ? std::max(0.0, elapsed_s - piece.start_s) / piece.duration_s : 1.0;
      return {piece.edge, piece.from_fraction + t * (piece.to_fraction - piece.from_fraction)};
    }
  }
  return leg.end;
}

double RoadTravel::remaining_s(const Leg& leg, double elapsed_s) const {
  for (const Leg::Piece& piece : leg.pieces) {
    if (!(elapsed_s < piece.start_s + piece.duration_s)) continue;
    // The same position as position_at.
    const double t = piece.duration_s > 0 ? std::max(0.0, elapsed_s - piece.start_s) / piece.duration_s : 1.0;
    const double fraction = std::min(piece.from_fraction + t * (piece.to_fraction - piece.from_fraction), piece.to_fraction);
    const uint64_t remaining_ms = road::time_to_fraction(graph_, piece.edge, piece.to_fraction) -
                                  road::time_to_fraction(graph_, piece.edge, fraction) + piece.after_ms;
    return static_cast<double>(remaining_ms) / 1000.0;
  }
  return 0.0;
}

double RoadTravel::distance_at(const Leg& leg, double elapsed_s) const {
  double distance_m = 0.0;
  for (const Leg::Piece& piece : leg.pieces) {
    if (elapsed_s >= piece.start_s + piece.duration_s) {
      distance_m += piece.distance_m;
      continue;
    }
    const double t = piece.duration_s > 0 ? std::max(0.0, elapsed_s - piece.start_s) / piece.duration_s : 1.0;
    return distance_m + t * piece.distance_m;
  }
  return distance_m;
}

}  // namespace bitgoeul::taxi
