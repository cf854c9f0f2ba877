#pragma once

#include <cstdint>
#include <vector>

#include "taxi/dispatch/dispatcher.h"
#include "taxi/dispatch/trip_assignment.h"

namespace bitgoeul::taxi {

// Ride-pooling by the request-trip-vehicle graph of Alonso-Mora et al., "On-demand high-capacity ride-sharing via
// dynamic trip-vehicle assignment", PNAS 2017. Every rtv_interval_s the waiting requests are assigned jointly:
//  1. RV graph: each request is linked to the rtv_nearest_vehicles vehicles nearest it (crow-fly bound on the
//     pick-up time) that can add it to their plan; requests are linked to each other when a crow-fly bound does not
//     rule out one vehicle serving both.
//  2. RTV graph: per vehicle, the trips (sets of waiting requests) it can add to its current plan, built by size:
//     a trip of size n is tried only when all its sub-trips of size n-1 are feasible, by inserting its last
//     request into each sub-trip's plan at the cheapest feasible place (FleetState::evaluate_plan decides).
//  3. Assignment: at most one trip per vehicle, each request in at most one trip, least total cost (the insertion
//     cost: vehicle time added + new riders' time to destination + delay to riders already planned) plus a penalty
//     per unserved request larger than any sum of costs, solved by CBC within a node limit, with the greedy
//     assignment as fall-back (solve_trip_assignment).
// Requests already assigned stay with their vehicle; requests not served wait for the next round until their
// latest pick-up.
class RtvDispatcher final : public Dispatcher {
 public:
  explicit RtvDispatcher(const DispatchSpec& spec);
  void on_request(FleetState& /*fleet*/, uint32_t /*request*/, double /*now_s*/) override {}
  void on_vehicle_idle(FleetState& /*fleet*/, uint32_t /*vehicle*/, double /*now_s*/) override {}
  void on_tick(FleetState& fleet, double now_s) override { dispatch(fleet, now_s); }
  double tick_interval_s() const override { return spec_.rtv_interval_s; }

  // One round: builds the graphs from the fleet's waiting requests and commits the chosen trips' plans.
  void dispatch(FleetState& fleet, double now_s);

  struct Stats {
    uint64_t rounds = 0;          // rounds with waiting requests and at least one candidate trip
    uint64_t optimal_rounds = 0;  // CBC proved its assignment optimal
    uint64_t incumbent_rounds = 0;  // CBC hit its limit and had improved on the greedy assignment
    uint64_t greedy_rounds = 0;   // the greedy assignment was used
    uint64_t trips = 0;           // candidate trips built, over all rounds
    uint64_t largest_trip = 0;    // most new requests in one chosen trip
  };
  const Stats& stats() const { return stats_; }

 private:
  DispatchSpec spec_;
  Stats stats_;
};

}  // namespace bitgoeul::taxi
