#pragma once
// The scenario file (TOML, documented in docs/taxi-scenario.md): map, demand, fleet, service limits, policies,
// time span and seed. Unknown keys and wrong types are errors naming the file, line and key.

#include <string>
#include <vector>

#include "core/error.h"
#include "road/road_graph.h"
#include "taxi/demand_csv.h"
#include "taxi/scenario.h"
#include "taxi/synthetic_demand.h"

namespace bitgoeul::taxi {

struct DemandSpec {
  enum class Kind { kFile, kZones, kRoads };
  Kind kind = Kind::kRoads;
  std::string file;  // kFile: trip records
  DemandColumns columns;
  BadRowPolicy bad_rows = BadRowPolicy::kStop;
  std::string zones;         // kZones: GeoJSON zones ...
  std::string parent_zones;  // ... optionally sharing these zones' population by area
  std::string population;    // CSV code,population
  SyntheticDemandOptions synthetic;
};

struct ScenarioFile {
  std::string path;
  std::string data_dir;  // where relative data paths resolve
  std::string map;       // OSM extract or .graph file
  Scenario scenario;
  DemandSpec demand;
  std::string report_zones;  // GeoJSON zones for per-zone KPIs and the report map (optional)
  // [permit]: a demonstration permit to enforce (docs/taxi-permit.md), and the service day the scenario's times
  // count from (its weekday or holiday decides the permit's hours). Empty: no permit.
  std::string permit;
  std::string service_day;  // YYYY-MM-DD, checked by the reader
};

// `data_dir_override` (the CLI's --data-dir), when not empty, replaces the file's data_dir.
Result<ScenarioFile> read_scenario_file(const std::string& path, const std::string& data_dir_override = "");

// The scenario's requests: read from its file or generated (seeded) over its zones or the map's roads.
Result<std::vector<TripRequest>> load_scenario_demand(const ScenarioFile& file, const road::RoadGraph& graph,
                                                      DemandReadReport* report = nullptr);

}  // namespace bitgoeul::taxi
