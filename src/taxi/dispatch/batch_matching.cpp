#include "taxi/dispatch/batch_matching.h"

#include <cmath>

#include <lemon/list_graph.h>
#include <lemon/network_simplex.h>

namespace bitgoeul::taxi {

std::vector<int> min_cost_assignment(size_t vehicles, size_t requests, const std::vector<double>& cost_s) {
  std::vector<int> match(vehicles, -1);
  if (vehicles == 0 || requests == 0) return match;
  using Graph = lemon::ListDigraph;
  Graph graph;
  const Graph::Node source = graph.addNode();
  const Graph::Node sink = graph.addNode();
  std::vector<Graph::Node> vehicle_nodes(vehicles);
  std::vector<Graph::Node> request_nodes(requests);
  for (auto& node : vehicle_nodes) node = graph.addNode();
  for (auto& node : request_nodes) node = graph.addNode();
  Graph::ArcMap<int64_t> cost(graph);
  Graph::ArcMap<int64_t> capacity(graph);
  struct PairArc {
    Graph::Arc arc;
    size_t vehicle;
    size_t request;
  };
  std::vector<PairArc> pair_arcs;
  // Each match is worth more than any sum of pick-up times, so the flow first maximises the number of matches.
  int64_t bonus_ms = 1;
  for (const double seconds : cost_s) {
    if (seconds >= 0 && seconds < kUnreachable) bonus_ms += static_cast<int64_t>(std::llround(seconds * 1000.0));
  }
  for (size_t v = 0; v < vehicles; ++v) {
    const Graph::Arc arc = graph.addArc(source, vehicle_nodes[v]);
    capacity[arc] = 1;
    cost[arc] = 0;
    for (size_t r = 0; r < requests; ++r) {
      const double seconds = cost_s[v * requests + r];
      if (seconds < 0 || seconds >= kUnreachable) continue;
      const Graph::Arc pair = graph.addArc(vehicle_nodes[v], request_nodes[r]);
      capacity[pair] = 1;
      cost[pair] = static_cast<int64_t>(std::llround(seconds * 1000.0)) - bonus_ms;
      pair_arcs.push_back({pair, v, r});
    }
  }
  for (size_t r = 0; r < requests; ++r) {
    const Graph::Arc arc = graph.addArc(request_nodes[r], sink);
    capacity[arc] = 1;
    cost[arc] = 0;
  }
  const Graph::Arc bypass = graph.addArc(source, sink);  // unmatched vehicles
  capacity[bypass] = static_cast<int64_t>(vehicles);
  cost[bypass] = 0;
  lemon::NetworkSimplex<Graph, int64_t, int64_t> simplex(graph);
  simplex.upperMap(capacity).costMap(cost).stSupply(source, sink, static_cast<int64_t>(vehicles));
  if (simplex.run() != decltype(simplex)::OPTIMAL) return match;
  for (const PairArc& pair : pair_arcs) {
    if (simplex.flow(pair.arc) > 0) match[pair.vehicle] = static_cast<int>(pair.request);
  }
  return match;
}

void BatchMatchingDispatcher::on_tick(FleetState& fleet, double now_s) {
  const std::vector<uint32_t> idle = idle_vehicles(fleet);
  const std::vector<uint32_t> pending = fleet.pending();
  if (idle.empty() || pending.empty()) return;
  std::vector<RoadPosition> positions;
  for (const uint32_t vehicle : idle) positions.push_back(fleet.position_now(fleet.vehicles()[vehicle], now_s));
  std::vector<Location> origins;
  for (const uint32_t request : pending) origins.push_back(fleet.requests()[request].origin);
  std::vector<double> seconds;
  fleet.travel().matrix(positions, origins, seconds);
  const double factor = fleet.travel_factor(now_s);
  for (size_t v = 0; v < idle.size(); ++v) {
    const double start_s = std::max(now_s, fleet.vehicles()[idle[v]].anchor_s);
    for (size_t r = 0; r < pending.size(); ++r) {
      double& entry = seconds[v * pending.size() + r];
      if (entry >= kUnreachable) continue;
      entry *= factor;
      if (start_s + entry > fleet.requests()[pending[r]].latest_pickup_s) entry = kUnreachable;
    }
  }
  const std::vector<int> match = min_cost_assignment(idle.size(), pending.size(), seconds);
  for (size_t v = 0; v < idle.size(); ++v) {
    if (match[v] < 0) continue;
    const std::vector<Stop> plan = solo_plan(pending[static_cast<size_t>(match[v])]);
    if (fleet.evaluate_plan(fleet.vehicles()[idle[v]], plan, now_s)) fleet.commit_plan(idle[v], plan, now_s);
  }
}

}  // namespace bitgoeul::taxi
