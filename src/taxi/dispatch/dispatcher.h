#pragma once
// A dispatch policy: decides which vehicle serves which request, by committing plans on the FleetState. The same
// policy objects run inside the simulator and (later) the live service; time is passed in, never read.

#include <memory>

#include "taxi/fleet_state.h"
#include "taxi/scenario.h"

namespace bitgoeul::taxi {

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  // A request has arrived and is pending.
  virtual void on_request(FleetState& fleet, uint32_t request, double now_s) = 0;
  // A vehicle has finished its plan and is free.
  virtual void on_vehicle_idle(FleetState& fleet, uint32_t vehicle, double now_s) = 0;
  // Called every tick_interval_s() seconds when that is positive.
  virtual void on_tick(FleetState& /*fleet*/, double /*now_s*/) {}
  virtual double tick_interval_s() const { return 0.0; }
};

std::unique_ptr<Dispatcher> make_dispatcher(const DispatchSpec& spec);

// Shared by the policies: the idle vehicles (no riders planned; repositioning ones included; off-shift ones not),
// by id.
std::vector<uint32_t> idle_vehicles(const FleetState& fleet);
// The two-stop plan that serves `request` alone.
std::vector<Stop> solo_plan(uint32_t request);

}  // namespace bitgoeul::taxi
