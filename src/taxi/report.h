#pragma once
// A self-contained HTML report of a simulation run, for people: the map (roads, zones, pick-up density, rejected
// requests, depots), KPI tiles, charts by hour and the fleet's state over the day. Inline SVG only: it opens
// offline and nothing is fetched.

#include <string>
#include <vector>

#include "core/error.h"
#include "geo/zones.h"
#include "road/road_graph.h"
#include "taxi/metrics.h"
#include "taxi/rules/permit.h"
#include "taxi/scenario_file.h"
#include "taxi/simulation.h"

namespace bitgoeul::taxi {

// With a permit, the map shows its permitted and excluded areas, speed-capped zones and designated stops, and a
// section lists its changes of state (suspensions, shifts) during the run.
Status write_report_html(const ScenarioFile& scenario, const road::RoadGraph& graph, const SimulationResult& result,
                         const Kpis& kpis, const std::vector<geo::Zone>& zones, const std::string& path,
                         const rules::Permit* permit = nullptr);

}  // namespace bitgoeul::taxi
