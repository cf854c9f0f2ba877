#include "taxi/scenario_world.h"

#include "road/graph_file.h"
#include "road/osm_import.h"
#include "taxi/rules/calendar.h"

namespace bitgoeul::taxi {

Result<road::RoadGraph> load_map(const std::string& path) {
  if (path.size() >= 6 && path.compare(path.size() - 6, 6, ".graph") == 0) {
    BITGOEUL_ASSIGN_OR_RETURN(road::LoadedGraph loaded, road::load_graph(path));
    return std::move(loaded.graph);
  }
  BITGOEUL_ASSIGN_OR_RETURN(road::ImportResult imported, road::import_osm(path, {}));
  return std::move(imported.graph);
}

Result<std::unique_ptr<ScenarioWorld>> load_scenario_world(
    const ScenarioFile& file, const std::function<void(std::string_view phase)>& on_phase) {
  auto world = std::make_unique<ScenarioWorld>();
  BITGOEUL_ASSIGN_OR_RETURN(world->graph, load_map(file.map));
  if (on_phase) on_phase("load_map");
  if (!file.permit.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(world->permit, rules::read_permit_file(file.permit));
    BITGOEUL_ASSIGN_OR_RETURN(const rules::Date day, rules::parse_date(file.service_day, "permit.day"));
    BITGOEUL_ASSIGN_OR_RETURN(world->permit_rules, rules::PermitRules::create(
                                                       *world->permit, day, file.scenario.end_s + file.scenario.drain_s));
    BITGOEUL_ASSIGN_OR_RETURN(world->permitted, rules::restrict_to_permit(world->graph, *world->permit));
  }
  world->ch = road::ContractionHierarchy::build(world->fleet_graph());
  if (on_phase) on_phase("build_hierarchy");
  return world;
}

}  // namespace bitgoeul::taxi
