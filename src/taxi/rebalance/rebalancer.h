#pragma once
// Idle-vehicle rebalancing toward predicted demand: the map is cut into square cells; demand in each cell over the
// next horizon is predicted from the requests of the last horizon (a naive, persistence forecast — policy code never
// sees future requests); idle vehicles are then moved so that each cell's share of idle vehicles follows its share
// of predicted demand, at least total driving time — a min-cost flow over cells (LEMON's network simplex), the
// formulation of fleet rebalancing in e.g. Pavone et al. 2012 and Alonso-Mora et al. 2017.

#include <cstdint>
#include <vector>

#include "taxi/fleet_state.h"

namespace bitgoeul::taxi {

class Rebalancer {
 public:
  // Builds the cells over the road network and the travel times between their centres (one matrix, once).
  Rebalancer(FleetState& fleet, const RebalanceSpec& spec);
  // Sends idle vehicles from cells with more than their share to cells with less. Returns how many moved.
  uint32_t rebalance(FleetState& fleet, double now_s);

  size_t cell_count() const { return cells_.size(); }

 private:
  struct Cell {
    Location centre;  // a road position near the cell's centre
    int64_t grid_x;
    int64_t grid_y;
  };
  int cell_of(const geo::LatLon& point) const;

  RebalanceSpec spec_;
  geo::LocalProjection projection_;
  std::vector<Cell> cells_;
  std::vector<int> cell_index_;  // grid_y * columns_ + grid_x -> cell, or -1 without roads
  int64_t columns_ = 0;
  int64_t rows_ = 0;
  std::vector<double> cell_seconds_;  // cells x cells, row-major
};

}  // namespace bitgoeul::taxi
