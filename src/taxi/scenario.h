#pragma once
// What a fleet simulation runs: the fleet, the service limits, the dispatch and rebalancing policies and the time
// span. Read from a scenario file by scenario_file.h; defaults are the values documented in docs/taxi-scenario.md.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "geo/lat_lon.h"

namespace bitgoeul::taxi {

enum class DispatchPolicy {
  kNearestIdle,    // each request at once to the idle vehicle that reaches it first (the common baseline)
  kBatchMatching,  // every batch interval, idle vehicles to waiting requests by a min-cost bipartite matching
  kInsertion,      // ride-pooling: each request inserted into the vehicle plan it lengthens least
  kRtv,            // ride-pooling: every interval, trips of waiting requests to vehicles jointly (Alonso-Mora 2017)
};
const char* dispatch_policy_name(DispatchPolicy policy);

struct FleetSpec {
  uint32_t size = 20;
  uint16_t capacity = 4;  // seats for riders
  // Vehicles start at these depots in turn; with none, at seeded random places on the road network.
  std::vector<geo::LatLon> depots;
};

struct ServiceLimits {
  double max_wait_s = 600.0;         // from request to pick-up, unless the rider gave a later limit
  double max_detour_factor = 1.5;    // ride time at most this times the direct drive ...
  double min_detour_allowance_s = 120.0;  // ... or the direct drive plus this, whichever is larger
  double dwell_s = 30.0;             // stopped at each pick-up and drop-off
  double max_snap_m = 300.0;         // farther from a road than this, a request is rejected
};

struct DispatchSpec {
  DispatchPolicy policy = DispatchPolicy::kNearestIdle;
  double batch_interval_s = 30.0;     // kBatchMatching: seconds between matching rounds
  double insertion_interval_s = 0.0;  // kInsertion: 0 inserts each request at once, else gathers them
  double rtv_interval_s = 30.0;       // kRtv: seconds between assignment rounds
  uint16_t rtv_max_trip_size = 4;     // kRtv: most new requests one vehicle takes in a round (seats limit too)
  uint32_t rtv_nearest_vehicles = 10; // kRtv: vehicles each request is linked to (nearest ones that can take it)
  uint32_t rtv_solver_nodes = 2000;   // kRtv: CBC branch-and-bound nodes per round; 0 = greedy assignment only
  double rtv_solver_seconds = 0.0;    // kRtv: CBC wall-clock budget per round, 0 = none (binding makes runs vary)
  // kRtv: each round's pool also holds the requests assigned but not yet picked up, which a better trip may take
  // over (Alonso-Mora et al. 2017); false: assigned requests stay with their vehicle.
  bool rtv_reassign = true;
};

struct RebalanceSpec {
  bool enabled = false;
  double interval_s = 900.0;     // how often idle vehicles are redistributed
  double cell_size_m = 1000.0;   // demand is predicted per square cell of this size
  double horizon_s = 1800.0;     // the forecast window (the last horizon's requests) and the longest move
};

struct Scenario {
  std::string name = "scenario";
  double start_s = 0.0;  // simulated span, seconds since midnight
  double end_s = 86400.0;
  double drain_s = 3600.0;  // after end_s, vehicles finish the rides they carry (no new requests)
  uint64_t seed = 1;
  FleetSpec fleet;
  ServiceLimits limits;
  DispatchSpec dispatch;
  RebalanceSpec rebalance;
  // Travel times are multiplied by the factor of the hour a drive starts in (congestion), 1 = free flow.
  std::array<double, 24> travel_time_factor = [] {
    std::array<double, 24> ones{};
    ones.fill(1.0);
    return ones;
  }();
};

}  // namespace bitgoeul::taxi
