#pragma once

#include <vector>

#include "taxi/dispatch/dispatcher.h"

namespace bitgoeul::taxi {

// Ride-pooling by cheapest insertion (Jaw et al. 1986, the standard heuristic of demand-responsive transport):
// each request's pick-up and drop-off are inserted into the vehicle plan, at the positions, that cost least —
// vehicle time added plus the new rider's time to destination plus the delay to riders already planned — while
// every rider aboard or promised keeps their latest pick-up and maximum ride time, and seats suffice.
// Only the 30 vehicles nearest the pick-up (crow-fly bound) are tried. With a positive interval, requests are
// gathered and inserted oldest first at each tick; otherwise at once.
class InsertionDispatcher final : public Dispatcher {
 public:
  explicit InsertionDispatcher(double interval_s) : interval_s_(interval_s) {}
  void on_request(FleetState& fleet, uint32_t request, double now_s) override;
  void on_vehicle_idle(FleetState& fleet, uint32_t vehicle, double now_s) override;
  void on_tick(FleetState& fleet, double now_s) override;
  double tick_interval_s() const override { return interval_s_; }

  // Inserts `request` into the best plan; false if no vehicle can take it now.
  static bool insert(FleetState& fleet, uint32_t request, double now_s);

 private:
  double interval_s_;
};

}  // namespace bitgoeul::taxi
