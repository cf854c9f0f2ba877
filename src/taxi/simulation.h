#pragma once
// The event-driven fleet simulation: requests arrive, the dispatch policy commits plans, vehicles drive their
// contraction-hierarchy routes, pick up and drop off. Deterministic: the same scenario, demand and seed give the
// same result, event for event.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "taxi/fleet_state.h"
#include "taxi/road_travel.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/scenario.h"
#include "taxi/trip_request.h"

namespace bitgoeul::taxi {

struct FleetSample {
  double time_s;
  uint32_t idle;           // no plan, parked
  uint32_t repositioning;  // no plan, driving to where demand is expected
  uint32_t to_pickup;      // driving empty to a rider
  uint32_t occupied;       // riders aboard
  uint32_t waiting;        // requests not yet assigned
};

// A change of the permit's state during the run, for the audit log and the regulator's report.
struct PermitEvent {
  double time_s;
  std::string kind;    // service_open, service_close, suspension_start, suspension_end, shift_start, shift_end
  std::string detail;  // e.g. the suspension's reason
};

struct SimulationResult {
  std::vector<RequestState> requests;
  std::vector<VehicleState> vehicles;
  std::vector<VehicleEvent> events;  // in time order
  std::vector<FleetSample> samples;  // every sample_interval_s
  double span_s = 0.0;               // scenario end minus start: the service period
  uint64_t events_processed = 0;
  // With a permit: what it made of each request (by request id), and its changes of state in time order.
  std::vector<rules::Admission> admissions;
  std::vector<PermitEvent> permit_events;
};

struct SimulationOptions {
  bool verify = false;        // check every invariant after every event (tests; slow)
  bool show_progress = true;  // progress bar on a terminal
  double sample_interval_s = 300.0;
  // A demonstration permit to enforce (taxi/rules/permit_rules.h): requests are admitted by its rules, vehicles
  // pick up only while it allows, and go to the nearest depot while they may not. Null: no permit. The travel's
  // graph must already be restricted to the permitted roads (rules/permitted_roads.h).
  const rules::PermitRules* permit = nullptr;
};

// Requests outside [scenario.start_s, scenario.end_s) are ignored. Errors: a depot off the road network, a fleet
// of zero vehicles, an invariant broken under verify (a bug: the message names the event).
Result<SimulationResult> simulate(RoadTravel& travel, const Scenario& scenario, const std::vector<TripRequest>& demand,
                                  const SimulationOptions& options = {});

}  // namespace bitgoeul::taxi
