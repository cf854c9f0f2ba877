#include "taxi/rebalance/rebalancer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <lemon/list_graph.h>
#include <lemon/network_simplex.h>

namespace bitgoeul::taxi {

Rebalancer::Rebalancer(FleetState& fleet, const RebalanceSpec& spec)
    : spec_(spec), projection_(fleet.travel().graph().coordinates.empty() ? geo::LatLon{} : fleet.travel().graph().coordinates.front()) {
  const road::RoadGraph& graph = fleet.travel().graph();
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  for (size_t v = 0; v < graph.coordinates.size(); ++v) {
    const auto xy = projection_.to_xy(graph.coordinates[v]);
    if (v == 0) {
      min_x = max_x = xy.x;
      min_y = max_y = xy.y;
    }
    min_x = std::min(min_x, xy.x);
    max_x = std::max(max_x, xy.x);
    min_y = std::min(min_y, xy.y);
    max_y = std::max(max_y, xy.y);
  }
  // Re-anchor the projection at the south-west corner so grid coordinates are non-negative.
  projection_ = geo::LocalProjection(projection_.to_lat_lon({min_x, min_y}));
  columns_ = static_cast<int64_t>(std::floor((max_x - min_x) / spec_.cell_size_m)) + 1;
  rows_ = static_cast<int64_t>(std::floor((max_y - min_y) / spec_.cell_size_m)) + 1;
  cell_index_.assign(static_cast<size_t>(columns_ * rows_), -1);
  // A cell exists where the road network has a node; its centre is the road point nearest the geometric centre.
  for (const geo::LatLon& point : graph.coordinates) {
    const auto xy = projection_.to_xy(point);
    const int64_t gx = std::clamp<int64_t>(static_cast<int64_t>(xy.x / spec_.cell_size_m), 0, columns_ - 1);
    const int64_t gy = std::clamp<int64_t>(static_cast<int64_t>(xy.y / spec_.cell_size_m), 0, rows_ - 1);
    int& index = cell_index_[static_cast<size_t>(gy * columns_ + gx)];
    if (index >= 0) continue;
    const geo::LatLon centre = projection_.to_lat_lon({(gx + 0.5) * spec_.cell_size_m, (gy + 0.5) * spec_.cell_size_m});
    auto location = fleet.travel().locate(centre, spec_.cell_size_m);
    if (!location.is_ok()) location = fleet.travel().locate(point, spec_.cell_size_m);
    if (!location.is_ok()) continue;
    index = static_cast<int>(cells_.size());
    cells_.push_back({*location, gx, gy});
  }
  std::vector<RoadPosition> from;
  std::vector<Location> to;
  for (const Cell& cell : cells_) {
    from.push_back(cell.centre.options[0]);
    to.push_back(cell.centre);
  }
  fleet.travel().matrix(from, to, cell_seconds_);
}

int Rebalancer::cell_of(const geo::LatLon& point) const {
  const auto xy = projection_.to_xy(point);
  const auto gx = static_cast<int64_t>(std::floor(xy.x / spec_.cell_size_m));
  const auto gy = static_cast<int64_t>(std::floor(xy.y / spec_.cell_size_m));
  if (gx < 0 || gy < 0 || gx >= columns_ || gy >= rows_) return -1;
  return cell_index_[static_cast<size_t>(gy * columns_ + gx)];
}

uint32_t Rebalancer::rebalance(FleetState& fleet, double now_s) {
  const size_t n = cells_.size();
  if (n < 2) return 0;
  // Persistence forecast: the last horizon's requests by origin cell.
  std::vector<double> demand(n, 0.0);
  double total_demand = 0.0;
  for (auto it = fleet.requests().rbegin(); it != fleet.requests().rend(); ++it) {
    if (it->request.request_time_s < now_s - spec_.horizon_s) break;
    const int cell = cell_of(it->request.origin);
    if (cell < 0) continue;
    demand[static_cast<size_t>(cell)] += 1.0;
    total_demand += 1.0;
  }
  if (total_demand <= 0) return 0;
  // Idle vehicles (no riders planned, not already on their way somewhere) by cell.
  std::vector<std::vector<uint32_t>> idle(n);
  uint32_t idle_count = 0;
  for (const VehicleState& vehicle : fleet.vehicles()) {
    if (!vehicle.plan.empty() || vehicle.reposition_to) continue;
    if (vehicle.pickups_until_s == -std::numeric_limits<double>::infinity()) continue;  // off shift, parked
    const int cell = cell_of(fleet.travel().point_of(fleet.position_now(vehicle, now_s)));
    if (cell < 0) continue;
    idle[static_cast<size_t>(cell)].push_back(vehicle.id);
    ++idle_count;
  }
  if (idle_count == 0) return 0;
  // Desired idle vehicles per cell, rounded by largest remainder so they add up to the idle fleet.
  std::vector<int64_t> desired(n, 0);
  std::vector<std::pair<double, size_t>> remainders;
  int64_t assigned = 0;
  for (size_t c = 0; c < n; ++c) {
    const double exact = idle_count * demand[c] / total_demand;
    desired[c] = static_cast<int64_t>(std::floor(exact));
    assigned += desired[c];
    remainders.emplace_back(exact - std::floor(exact), c);
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; assigned < idle_count && i < remainders.size(); ++i, ++assigned) ++desired[remainders[i].second];

  using Graph = lemon::ListDigraph;
  Graph graph;
  std::vector<Graph::Node> nodes(n);
  for (auto& node : nodes) node = graph.addNode();
  Graph::NodeMap<int64_t> supply(graph);
  for (size_t c = 0; c < n; ++c) supply[nodes[c]] = static_cast<int64_t>(idle[c].size()) - desired[c];
  Graph::ArcMap<int64_t> cost(graph);
  struct Move {
    Graph::Arc arc;
    size_t from;
    size_t to;
  };
  std::vector<Move> moves;
  for (size_t a = 0; a < n; ++a) {
    if (supply[nodes[a]] <= 0) continue;
    for (size_t b = 0; b < n; ++b) {
      const double seconds = cell_seconds_[a * n + b];
      if (supply[nodes[b]] >= 0 || seconds >= kUnreachable || seconds > spec_.horizon_s) continue;
      const Graph::Arc arc = graph.addArc(nodes[a], nodes[b]);
      cost[arc] = static_cast<int64_t>(std::llround(seconds));
      moves.push_back({arc, a, b});
    }
  }
  // Cells may keep a surplus or deficit that no short drive fixes: a free slack node absorbs the difference.
  const Graph::Node slack = graph.addNode();
  int64_t imbalance = 0;
  for (size_t c = 0; c < n; ++c) {
    imbalance += supply[nodes[c]];
    const Graph::Arc arc = supply[nodes[c]] > 0 ? graph.addArc(nodes[c], slack) : graph.addArc(slack, nodes[c]);
    // Leaving a vehicle unmoved costs more than any drive within the horizon, so useful moves are always made.
    cost[arc] = static_cast<int64_t>(spec_.horizon_s) + 1;
  }
  supply[slack] = -imbalance;
  lemon::NetworkSimplex<Graph, int64_t, int64_t> simplex(graph);
  simplex.costMap(cost).supplyMap(supply);
  if (simplex.run() != decltype(simplex)::OPTIMAL) return 0;
  uint32_t moved = 0;
  for (const Move& move : moves) {
    for (int64_t unit = 0; unit < simplex.flow(move.arc) && !idle[move.from].empty(); ++unit) {
      const uint32_t vehicle = idle[move.from].back();
      idle[move.from].pop_back();
      fleet.reposition(vehicle, cells_[move.to].centre, now_s);
      ++moved;
    }
  }
  return moved;
}

}  // namespace bitgoeul::taxi
