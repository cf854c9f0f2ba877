#include "road/router.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace bitgoeul::road {
namespace {

std::vector<EdgePosition> positions(const SnappedPoint& point) {
  std::vector<EdgePosition> result{point.along};
  if (point.two_way()) result.push_back(point.opposite);
  return result;
}

std::string where(const geo::LatLon& point) { return fmt::format("{:.6f},{:.6f}", point.lat, point.lon); }

}  // namespace

TravelTimeMs time_to_fraction(const RoadGraph& graph, EdgeId edge, double fraction) {
  const TravelTimeMs total = graph.travel_time_ms[edge];
  const double part = std::llround(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(total));
  return std::min(total, static_cast<TravelTimeMs>(part));
}

Router::Router(const RoadGraph& graph, const ContractionHierarchy& ch, RouterOptions options)
    : graph_(graph), options_(options), snapper_(graph), query_(ch), matrix_(ch) {}

std::vector<Seed> Router::source_seeds(const SnappedPoint& point) const {
  std::vector<Seed> seeds;
  for (const EdgePosition& p : positions(point)) {
    const TravelTimeMs rest = graph_.travel_time_ms[p.edge] - time_to_fraction(graph_, p.edge, p.fraction);
    seeds.push_back({graph_.head[p.edge], rest, static_cast<float>((1.0 - p.fraction) * graph_.distance_m[p.edge])});
  }
  return seeds;
}

std::vector<Seed> Router::target_seeds(const SnappedPoint& point) const {
  std::vector<Seed> seeds;
  for (const EdgePosition& p : positions(point)) {
    seeds.push_back({graph_.tail[p.edge], time_to_fraction(graph_, p.edge, p.fraction),
                     static_cast<float>(p.fraction * graph_.distance_m[p.edge])});
  }
  return seeds;
}

Result<Route> Router::route(const geo::LatLon& from, const geo::LatLon& to) {
  BITGOEUL_ASSIGN_OR_RETURN(SnappedPoint snapped_from, snap(from));
  BITGOEUL_ASSIGN_OR_RETURN(SnappedPoint snapped_to, snap(to));
  return route(snapped_from, snapped_to);
}

Result<Route> Router::route(const SnappedPoint& from, const SnappedPoint& to) {
  const std::vector<Seed> sources = source_seeds(from);
  const std::vector<Seed> targets = target_seeds(to);
  const TravelTimeMs via_graph = query_.run(sources, targets);

  // Both points on one edge, the target further along: drive straight there, unless going round is faster.
  TravelTimeMs direct = kInfiniteTime;
  EdgePosition direct_from, direct_to;
  for (const EdgePosition& p : positions(from)) {
    for (const EdgePosition& q : positions(to)) {
      if (p.edge != q.edge || p.fraction > q.fraction) continue;
      const TravelTimeMs time = time_to_fraction(graph_, q.edge, q.fraction) - time_to_fraction(graph_, p.edge, p.fraction);
      if (time < direct) {
        direct = time;
        direct_from = p;
        direct_to = q;
      }
    }
  }
  if (direct == kInfiniteTime && via_graph == kInfiniteTime) {
    return not_found("no route from {} to {}: the snapped roads are not connected", where(from.input), where(to.input));
  }

  Route route;
  route.from = from;
  route.to = to;
  if (direct <= via_graph) {
    route.travel_time_ms = direct;
    route.distance_m = (direct_to.fraction - direct_from.fraction) * graph_.distance_m[direct_from.edge];
    route.edges = {direct_from.edge};
    const std::vector<geo::LatLon> points = graph_.edge_geometry(direct_from.edge);
    route.geometry.push_back(from.point);
    for (uint32_t i = direct_from.segment + 1; i <= direct_to.segment && i < points.size(); ++i) {
      route.geometry.push_back(points[i]);
    }
    route.geometry.push_back(to.point);
    return route;
  }

  route.travel_time_ms = via_graph;
  // Which of the (up to two) directions the query started and ended with: the seed at its node with least offset.
  const NodeId start = query_.path_source();
  const NodeId end = query_.path_target();
  const std::vector<EdgePosition> from_positions = positions(from);
  const std::vector<EdgePosition> to_positions = positions(to);
  size_t first = from_positions.size(), last = to_positions.size();
  for (size_t i = 0; i < from_positions.size(); ++i) {
    if (sources[i].node == start && (first == from_positions.size() || sources[i].offset_ms < sources[first].offset_ms)) first = i;
  }
  for (size_t j = 0; j < to_positions.size(); ++j) {
    if (targets[j].node == end && (last == to_positions.size() || targets[j].offset_ms < targets[last].offset_ms)) last = j;
  }
  if (first == from_positions.size() || last == to_positions.size()) {
    return internal_error("route from {} to {}: the query ended at no seed", where(from.input), where(to.input));
  }
  const EdgePosition& p = from_positions[first];
  const EdgePosition& q = to_positions[last];

  const std::vector<EdgeId> middle = query_.path();
  route.edges.push_back(p.edge);
  route.edges.insert(route.edges.end(), middle.begin(), middle.end());
  route.edges.push_back(q.edge);

  route.distance_m = (1.0 - p.fraction) * graph_.distance_m[p.edge] + q.fraction * graph_.distance_m[q.edge];
  route.geometry = partial_geometry(graph_, p, from.point, true);
  auto append = [&route](const std::vector<geo::LatLon>& points) {
    for (const geo::LatLon& point : points) {
      if (route.geometry.empty() || !(route.geometry.back() == point)) route.geometry.push_back(point);
    }
  };
  for (EdgeId e : middle) {
    route.distance_m += graph_.distance_m[e];
    append(graph_.edge_geometry(e));
  }
  append(partial_geometry(graph_, q, to.point, false));
  return route;
}

void Router::matrix(std::span<const SnappedPoint> from, std::span<const SnappedPoint> to,
                    std::vector<TravelTimeMs>& travel_time_ms, std::vector<double>& distance_m) {
  std::vector<std::vector<Seed>> sources, targets;
  for (const SnappedPoint& point : from) sources.push_back(source_seeds(point));
  for (const SnappedPoint& point : to) targets.push_back(target_seeds(point));
  matrix_.compute(sources, targets);
  travel_time_ms = matrix_.travel_times_ms();
  distance_m.resize(travel_time_ms.size());
  for (size_t i = 0; i < from.size(); ++i) {
    for (size_t j = 0; j < to.size(); ++j) distance_m[i * to.size() + j] = matrix_.distance_m(static_cast<uint32_t>(i), static_cast<uint32_t>(j));
  }
  // Pairs on a common edge may be closer along it, as in route().
  std::unordered_multimap<EdgeId, std::pair<uint32_t, EdgePosition>> targets_on_edge;
  for (uint32_t j = 0; j < to.size(); ++j) {
    for (const EdgePosition& q : positions(to[j])) targets_on_edge.emplace(q.edge, std::make_pair(j, q));
  }
  for (uint32_t i = 0; i < from.size(); ++i) {
    for (const EdgePosition& p : positions(from[i])) {
      const auto [begin, end] = targets_on_edge.equal_range(p.edge);
      for (auto it = begin; it != end; ++it) {
        const auto& [j, q] = it->second;
        if (p.fraction > q.fraction) continue;
        const TravelTimeMs time = time_to_fraction(graph_, q.edge, q.fraction) - time_to_fraction(graph_, p.edge, p.fraction);
        const size_t at = static_cast<size_t>(i) * to.size() + j;
        if (time <= travel_time_ms[at]) {
          travel_time_ms[at] = time;
          distance_m[at] = (q.fraction - p.fraction) * graph_.distance_m[p.edge];
        }
      }
    }
  }
}

}  // namespace bitgoeul::road
