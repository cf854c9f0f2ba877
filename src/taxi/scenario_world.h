#pragma once
// A scenario's roads made ready to simulate on: the map loaded, its permit (if any) applied, the contraction
// hierarchy built. Built once and then only read, so several simulations may share it — each drives its own
// RoadTravel over fleet_graph() and ch (a capacity-planning sweep runs one per worker thread).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "road/contraction_hierarchy.h"
#include "road/road_graph.h"
#include "taxi/rules/permit_file.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/permitted_roads.h"
#include "taxi/scenario_file.h"

namespace bitgoeul::taxi {

struct ScenarioWorld {
  road::RoadGraph graph;  // the whole map: demand is drawn over it (requests outside a permit are refused by rule)
  std::optional<rules::Permit> permit;
  std::optional<rules::PermitRules> permit_rules;  // the permit on the scenario's service day
  std::optional<rules::PermittedRoads> permitted;  // the roads the fleet may drive under the permit
  road::ContractionHierarchy ch;                   // over fleet_graph()

  // The roads the fleet drives: the permitted ones under a permit, else the whole map.
  const road::RoadGraph& fleet_graph() const { return permitted ? permitted->graph : graph; }
};

// A map is a graph file written by `bitgoeul road import` (*.graph) or an OpenStreetMap extract imported on the
// fly (.osm, .osm.pbf, .osm.bz2). Errors name the file.
Result<road::RoadGraph> load_map(const std::string& path);

// Loads `file.map`, applies `file.permit` on `file.service_day` and builds the hierarchy of the fleet's roads.
// `on_phase` (optional) is called with "load_map" once the map is loaded and with "build_hierarchy" once the
// hierarchy is built, for timing. The world is returned on the heap because RoadTravel keeps references into it.
Result<std::unique_ptr<ScenarioWorld>> load_scenario_world(
    const ScenarioFile& file, const std::function<void(std::string_view phase)>& on_phase = {});

}  // namespace bitgoeul::taxi
