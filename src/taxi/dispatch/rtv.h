#pragma once

#include <cstdint>
#include <vector>

#include "taxi/dispatch/dispatcher.h"
#include "taxi/dispatch/trip_assignment.h"

namespace bitgoeul::taxi {

// Ride-pooling by the request-trip-vehicle graph of Alonso-Mora et al., "On-demand high-capacity ride-sharing via
// dynamic trip-vehicle assignment", PNAS 2017. Every rtv_interval_s the pool of requests is assigned jointly: the
// waiting requests and, with rtv_reassign (the paper's way, the default), the requests assigned but not yet picked
// up whose pick-up is planned more than four rounds ahead (a bound on the work, see kReassignAheadRounds), so that
// a better vehicle or trip can take them over. Riders aboard stay. Each vehicle's baseline plan is its
// committed plan without its pooled requests' stops (its riders' drop-offs stay, in their order).
//  1. RV graph: each request is linked to the rtv_nearest_vehicles vehicles nearest it (crow-fly bound on the
//     pick-up time) that can add it to their baseline plan, an assigned request to its own vehicle first; requests
//     are linked to each other when a crow-fly bound does not rule out one vehicle serving both.
//  2. RTV graph: per vehicle, the trips (sets of pooled requests) it can add to its baseline plan, built by size:
//     a trip of size n is tried only when all its sub-trips of size n-1 are feasible, by inserting its last
//     request into each sub-trip's plan at the cheapest feasible place (FleetState::evaluate_plan decides). A
//     vehicle's current trip (its pooled requests with its committed plan) is always among its trips.
//  3. Assignment: at most one trip per vehicle, each request in at most one trip, every assigned request in exactly
//     one (a hard constraint: an assigned rider is never dropped; every vehicle keeping its current trip meets it),
//     least total cost (the insertion cost against the baseline: vehicle time added + pooled riders' time to
//     destination + delay to the baseline's riders) plus a penalty per unserved waiting request larger than any
//     sum of costs, solved by CBC within a node limit, with the greedy assignment, repaired to keep every assigned
//     request, as fall-back (solve_trip_assignment).
//  4. Commit: vehicles whose trip changed get its plan, a vehicle whose pooled requests all went elsewhere and
//     that got no trip gets its baseline plan; requests moving are unassigned from their old vehicle first
//     (FleetState::commit_plans: "unassign" then "assign" events).
// Requests not served wait for the next round until their latest pick-up.
class RtvDispatcher final : public Dispatcher {
 public:
  explicit RtvDispatcher(const DispatchSpec& spec);
  void on_request(FleetState& /*fleet*/, uint32_t /*request*/, double /*now_s*/) override {}
  void on_vehicle_idle(FleetState& /*fleet*/, uint32_t /*vehicle*/, double /*now_s*/) override {}
  void on_tick(FleetState& fleet, double now_s) override { dispatch(fleet, now_s); }
  double tick_interval_s() const override { return spec_.rtv_interval_s; }

  // One round: builds the graphs from the pool and commits the chosen trips' plans.
  void dispatch(FleetState& fleet, double now_s);

  struct Stats {
    uint64_t rounds = 0;          // rounds with a pool and at least one candidate trip
    uint64_t optimal_rounds = 0;  // CBC proved its assignment optimal
    uint64_t incumbent_rounds = 0;  // CBC hit its limit and had improved on the greedy assignment
    uint64_t greedy_rounds = 0;   // the greedy assignment was used
    uint64_t trips = 0;           // candidate trips built, over all rounds
    uint64_t largest_trip = 0;    // most pooled requests in one chosen trip other than a vehicle's current one
    uint64_t reassigned = 0;      // assigned requests moved to another vehicle
  };
  const Stats& stats() const { return stats_; }

 private:
  DispatchSpec spec_;
  Stats stats_;
  std::vector<uint32_t> pool_index_;  // request id -> index in the round's pool; UINT32_MAX between rounds
};

}  // namespace bitgoeul::taxi
