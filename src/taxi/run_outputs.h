#pragma once
// The files a simulation run leaves in its output folder, for machines (CSV, JSON) — the HTML report reads them.
//   trips.csv           one row per request: times, wait, ride, detour, vehicle, outcome
//   vehicle_events.csv  every start, assignment, pick-up, drop-off, repositioning and idle moment
//   fleet_timeline.csv  vehicles by state and waiting requests, every sample interval
//   kpis.json           overall, per hour and per zone
//   permit_events.csv   with a permit: its changes of state (service open/close, suspensions, shifts)

#include <string>

#include "core/error.h"
#include "taxi/metrics.h"
#include "taxi/simulation.h"

namespace bitgoeul::taxi {

Status write_run_outputs(const SimulationResult& result, const Kpis& kpis, const std::string& directory);

}  // namespace bitgoeul::taxi
