#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "road/ch_search_space.h"
#include "taxi/dispatch/dispatcher.h"

namespace bitgoeul::taxi {

// Ride-pooling by cheapest insertion (Jaw et al. 1986, the standard heuristic of demand-responsive transport):
// each request's pick-up and drop-off are inserted into the vehicle plan, at the positions, that cost least —
// vehicle time added plus the new rider's time to destination plus the delay to riders already planned — while
// every rider aboard or promised keeps their latest pick-up and maximum ride time, and seats suffice.
// Only the 30 vehicles nearest the pick-up (crow-fly bound) that may still pick riders up in time are tried. With a
// positive interval, requests are gathered and inserted oldest first at each tick; otherwise at once.
//
// The choice is the one FleetState::evaluate_plan would make trying every insertion (the tests hold it to that),
// found as KaRRi (Buchhold, Sanders, Wagner) finds it: each candidate vehicle's committed plan is driven once per
// moment (its hops kept while the plan stands); the times between the rider's two stops and the vehicle's stops
// come from one pass over each stop's search space against the rider's spaces laid out by rank (ChSpaceTable),
// asked only for the places that crow-fly bounds on the rider's time window leave open; and each insertion is then
// checked and costed by arithmetic on those times, the plan's stops before it reused as they are.
class InsertionDispatcher final : public Dispatcher {
 public:
  explicit InsertionDispatcher(double interval_s);
  ~InsertionDispatcher() override;
  void on_request(FleetState& fleet, uint32_t request, double now_s) override;
  void on_vehicle_idle(FleetState& fleet, uint32_t vehicle, double now_s) override;
  void on_tick(FleetState& fleet, double now_s) override;
  double tick_interval_s() const override { return interval_s_; }

  struct Insertion {
    uint32_t vehicle = UINT32_MAX;
    std::vector<Stop> plan;
    double cost_s = 0.0;
  };
  // The cheapest insertion of the pending `request`; nullopt if no vehicle can take it now.
  std::optional<Insertion> cheapest(FleetState& fleet, uint32_t request, double now_s);
  // Commits the cheapest insertion; false if there is none.
  bool insert(FleetState& fleet, uint32_t request, double now_s);

 private:
  class Search;
  double interval_s_;
  std::unique_ptr<Search> search_;
};

}  // namespace bitgoeul::taxi
