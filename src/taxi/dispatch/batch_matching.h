#pragma once

#include <vector>

#include "taxi/dispatch/dispatcher.h"

namespace bitgoeul::taxi {

// Every interval, idle vehicles are matched to waiting requests so that as many requests as possible are served
// and, among such matchings, the total pick-up time is least (a min-cost bipartite matching, solved exactly as a
// min-cost flow with LEMON's network simplex). Requests not matched wait for the next round until their latest
// pick-up.
class BatchMatchingDispatcher final : public Dispatcher {
 public:
  explicit BatchMatchingDispatcher(double interval_s) : interval_s_(interval_s) {}
  void on_request(FleetState& /*fleet*/, uint32_t /*request*/, double /*now_s*/) override {}
  void on_vehicle_idle(FleetState& /*fleet*/, uint32_t /*vehicle*/, double /*now_s*/) override {}
  void on_tick(FleetState& fleet, double now_s) override;
  double tick_interval_s() const override { return interval_s_; }

 private:
  double interval_s_;
};

// The assignment itself, for tests: cost[v * requests + r] in seconds, negative or >= kUnreachable where the
// pair is infeasible. Returns for each vehicle the matched request index or -1.
std::vector<int> min_cost_assignment(size_t vehicles, size_t requests, const std::vector<double>& cost_s);

}  // namespace bitgoeul::taxi
