// `bitgoeul taxi ...`: the robotaxi fleet — demand generation and inspection (simulation follows).

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/progress.h"
#include "road/contraction_hierarchy.h"
#include "road/graph_file.h"
#include "road/osm_import.h"
#include "taxi/audit_trail.h"
#include "taxi/metrics.h"
#include "taxi/report.h"
#include "taxi/road_travel.h"
#include "taxi/rules/permit_file.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/permitted_roads.h"
#include "taxi/run_outputs.h"
#include "taxi/scenario_file.h"
#include "taxi/scenario_world.h"
#include "taxi/simulation.h"
#include "taxi/demand_csv.h"
#include "taxi/synthetic_demand.h"

namespace bitgoeul::cli {
namespace {

Result<double> parse_clock(const std::string& text, const std::string& field) {
  int hours = 0;
  int minutes = 0;
  char colon = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%n", &hours, &colon, &minutes, &consumed) != 3 || colon != ':' ||
      static_cast<size_t>(consumed) != text.size() || hours < 0 || hours > 168 || minutes < 0 || minutes > 59) {
    return invalid_input("{}: '{}' is not a time HH:MM (hours may exceed 24 for the next day)", field, text);
  }
  return hours * 3600.0 + minutes * 60.0;
}

struct GenerateOptions {
  std::string zones;
  std::string parent_zones;
  std::string population;
  std::string weight_property;
  std::string graph;
  uint64_t trips = 10000;
  uint64_t seed = 1;
  std::string start = "00:00";
  std::string end = "24:00";
  double min_distance_m = 500.0;
  std::string output;
};

Status run_generate(const GenerateOptions& options) {
  taxi::SyntheticDemandOptions synthetic;
  synthetic.total_trips = options.trips;
  synthetic.seed = options.seed;
  synthetic.min_trip_distance_m = options.min_distance_m;
  BITGOEUL_ASSIGN_OR_RETURN(synthetic.start_s, parse_clock(options.start, "--start"));
  BITGOEUL_ASSIGN_OR_RETURN(synthetic.end_s, parse_clock(options.end, "--end"));

  std::vector<taxi::TripRequest> requests;
  if (!options.graph.empty()) {
    if (!options.zones.empty()) return invalid_input("taxi demand generate: give --zones or --graph, not both");
    BITGOEUL_ASSIGN_OR_RETURN(road::LoadedGraph loaded, road::load_graph(options.graph));
    BITGOEUL_ASSIGN_OR_RETURN(requests, taxi::generate_road_demand(loaded.graph, synthetic));
  } else {
    if (options.zones.empty()) return invalid_input("taxi demand generate: give --zones GEOJSON or --graph GRAPH");
    geo::ZoneReadOptions read_options;
    read_options.weight_property = options.weight_property;
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<geo::Zone> zones, geo::read_zones_geojson(options.zones, read_options));
    if (!options.population.empty()) {
      if (options.parent_zones.empty()) {
        BITGOEUL_ASSIGN_OR_RETURN(auto population, taxi::read_zone_population_csv(options.population));
        for (geo::Zone& zone : zones) {
          const auto found = population.find(zone.id);
          if (found == population.end()) {
            return invalid_input("{}: no population for zone '{}' ({}) of {}", options.population, zone.id, zone.name,
                                 options.zones);
          }
          zone.weight = found->second;
        }
      } else {
        BITGOEUL_ASSIGN_OR_RETURN(std::vector<geo::Zone> parents, geo::read_zones_geojson(options.parent_zones));
        BITGOEUL_ASSIGN_OR_RETURN(auto population, taxi::read_zone_population_csv(options.population));
        BITGOEUL_RETURN_IF_ERROR(taxi::apportion_population(zones, parents, population));
      }
    } else if (options.weight_property.empty()) {
      for (geo::Zone& zone : zones) zone.weight = geo::area_km2(zone);  // no population: uniform over the area
    }
    BITGOEUL_ASSIGN_OR_RETURN(requests, taxi::generate_zone_demand(zones, synthetic));
  }
  BITGOEUL_RETURN_IF_ERROR(taxi::write_demand_csv(requests, options.output));
  fmt::print("wrote {} requests to {}\n", requests.size(), options.output);
  return Status::ok();
}

struct InspectOptions {
  std::string demand;
  std::string format = "bitgoeul";
  bool skip_bad_rows = false;
  std::string zones;
};

Status run_inspect(const InspectOptions& options) {
  const taxi::DemandColumns columns =
      options.format == "nyc-tlc" ? taxi::DemandColumns::nyc_tlc_yellow() : taxi::DemandColumns{};
  taxi::DemandReadReport report;
  BITGOEUL_ASSIGN_OR_RETURN(
      std::vector<taxi::TripRequest> requests,
      taxi::read_demand_csv(options.demand, columns,
                            options.skip_bad_rows ? taxi::BadRowPolicy::kSkip : taxi::BadRowPolicy::kStop, &report));
  fmt::print("file:        {}\nrows:        {} read, {} skipped\nrequests:    {}\n", options.demand, report.rows_read,
             report.rows_skipped, requests.size());
  for (const std::string& error : report.first_errors) fmt::print("  skipped: {}\n", error);
  if (requests.empty()) return Status::ok();
  double distance_km = 0;
  uint64_t passengers = 0;
  std::vector<uint64_t> per_hour;
  for (const taxi::TripRequest& request : requests) {
    distance_km += geo::haversine_m(request.origin, request.destination) / 1000.0;
    passengers += request.passengers;
    const auto hour = static_cast<size_t>(request.request_time_s / 3600.0);
    if (per_hour.size() <= hour) per_hour.resize(hour + 1, 0);
    ++per_hour[hour];
  }
  fmt::print("span:        {:.0f} s to {:.0f} s\npassengers:  {} ({:.2f} per request)\n", requests.front().request_time_s,
             requests.back().request_time_s, passengers, static_cast<double>(passengers) / requests.size());
  fmt::print("crow-fly:    {:.2f} km mean origin-destination distance\nper hour:\n", distance_km / requests.size());
  const uint64_t peak = *std::max_element(per_hour.begin(), per_hour.end());
  for (size_t hour = 0; hour < per_hour.size(); ++hour) {
    fmt::print("  {:02d}:00 {:>7} {}\n", hour, per_hour[hour],
               std::string(peak > 0 ? per_hour[hour] * 40 / peak : 0, '#'));
  }
  if (!options.zones.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<geo::Zone> zones, geo::read_zones_geojson(options.zones));
    std::vector<uint64_t> origins(zones.size() + 1, 0);
    for (const taxi::TripRequest& request : requests) {
      const int zone = geo::find_zone(zones, request.origin);
      ++origins[zone < 0 ? zones.size() : static_cast<size_t>(zone)];
    }
    fmt::print("origins per zone:\n");
    for (size_t z = 0; z < zones.size(); ++z) {
      if (origins[z] > 0) fmt::print("  {:<12} {:<16} {:>7}\n", zones[z].id, zones[z].name, origins[z]);
    }
    fmt::print("  {:<29} {:>7}\n", "(outside every zone)", origins.back());
  }
  return Status::ok();
}

struct SimulateOptions {
  std::string scenario;
  std::string output = "out/taxi";
  std::string data_dir;
  std::string map;
  std::string demand;
  std::string policy;
  int64_t vehicles = 0;
  int64_t seed = -1;
  std::string start;
  std::string end;
  bool verify = false;
  bool no_rebalance = false;
  bool free_flow = false;
};

// Wall-clock seconds of each phase, for timing.json (kept out of kpis.json so results stay identical run to run).
class PhaseTimer {
 public:
  void lap(const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    phases_[phase] = std::chrono::duration<double>(now - last_).count();
    last_ = now;
  }
  Status write(const std::string& path) const {
    std::ofstream out(path);
    if (!out) return io_error("{}: cannot open for writing", path);
    out << nlohmann::json(phases_).dump(2) << "\n";
    if (!out) return io_error("{}: write failed", path);
    return Status::ok();
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::map<std::string, double> phases_;
};

Status write_json(const nlohmann::json& json, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << json.dump(2) << "\n";
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

Status run_simulate(const SimulateOptions& options) {
  BITGOEUL_ASSIGN_OR_RETURN(taxi::ScenarioFile file, taxi::read_scenario_file(options.scenario, options.data_dir));
  if (!options.map.empty()) file.map = options.map;
  if (!options.demand.empty()) {
    file.demand.kind = taxi::DemandSpec::Kind::kFile;
    file.demand.file = options.demand;
  }
  if (!options.policy.empty()) {
    const std::map<std::string, taxi::DispatchPolicy> policies = {
        {"nearest_idle", taxi::DispatchPolicy::kNearestIdle},
        {"batch_matching", taxi::DispatchPolicy::kBatchMatching},
        {"insertion", taxi::DispatchPolicy::kInsertion},
        {"rtv", taxi::DispatchPolicy::kRtv}};
    file.scenario.dispatch.policy = policies.at(options.policy);
  }
  if (options.vehicles > 0) file.scenario.fleet.size = static_cast<uint32_t>(options.vehicles);
  if (!options.start.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(file.scenario.start_s, parse_clock(options.start, "--start"));
  }
  if (!options.end.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(file.scenario.end_s, parse_clock(options.end, "--end"));
  }
  if (file.scenario.end_s <= file.scenario.start_s) {
    return invalid_input("--start/--end: the span must end after it starts ({} to {} s after midnight)",
                         file.scenario.start_s, file.scenario.end_s);
  }
  file.demand.synthetic.start_s = file.scenario.start_s;
  file.demand.synthetic.end_s = file.scenario.end_s;
  if (options.no_rebalance) file.scenario.rebalance.enabled = false;
  if (options.free_flow) file.scenario.travel_time_factor.fill(1.0);
  PhaseTimer timer;
  if (options.seed >= 0) {
    file.scenario.seed = static_cast<uint64_t>(options.seed);
    file.demand.synthetic.seed = file.scenario.seed;
  }
  fmt::print("scenario {}: map {}\n", file.scenario.name, file.map);
  // Under a permit the fleet drives the permitted roads only, at the permit's speed caps; demand still comes from
  // the whole map, so that requests outside the area are refused by rule.
  const auto lap = [&timer](std::string_view phase) {
    timer.lap(phase == "load_map" ? "load_map_s" : "build_hierarchy_s");
  };
  BITGOEUL_ASSIGN_OR_RETURN(const std::unique_ptr<taxi::ScenarioWorld> world, taxi::load_scenario_world(file, lap));
  const road::RoadGraph& graph = world->graph;
  const std::optional<taxi::rules::Permit>& permit = world->permit;
  const std::optional<taxi::rules::PermitRules>& permit_rules = world->permit_rules;
  const std::optional<taxi::rules::PermittedRoads>& permitted = world->permitted;
  if (permit) {
    fmt::print("permit {} ({}): {} {}; {} of {} road edges permitted ({:.1f} km), {} speed-capped\n", permit->name,
               permit->number, file.service_day,
               taxi::rules::day_type_name(
                   taxi::rules::day_type(permit_rules->day(), permit->extra_holidays).value()),
               permitted->graph.edge_count(), permitted->edges_in, permitted->km_kept, permitted->edges_speed_capped);
  }
  taxi::RoadTravel travel(world->fleet_graph(), world->ch);
  taxi::DemandReadReport demand_report;
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<taxi::TripRequest> demand, taxi::load_scenario_demand(file, graph, &demand_report));
  if (demand_report.rows_skipped > 0) {
    fmt::print("demand: skipped {} bad rows of {}\n", demand_report.rows_skipped, demand_report.rows_read);
    for (const std::string& error : demand_report.first_errors) fmt::print("  {}\n", error);
  }
  fmt::print("demand: {} requests; fleet: {} vehicles x {} seats; policy: {}\n", demand.size(),
             file.scenario.fleet.size, file.scenario.fleet.capacity,
             taxi::dispatch_policy_name(file.scenario.dispatch.policy));
  taxi::SimulationOptions simulation_options;
  simulation_options.verify = options.verify;
  if (permit_rules) simulation_options.permit = &*permit_rules;
  timer.lap("demand_s");
  BITGOEUL_ASSIGN_OR_RETURN(taxi::SimulationResult result,
                            taxi::simulate(travel, file.scenario, demand, simulation_options));
  std::vector<geo::Zone> zones;
  if (!file.report_zones.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(zones, geo::read_zones_geojson(file.report_zones));
  }
  const taxi::Kpis kpis = taxi::compute_kpis(result, zones.empty() ? nullptr : &zones);
  timer.lap("simulate_s");
  BITGOEUL_RETURN_IF_ERROR(taxi::write_run_outputs(result, kpis, options.output));
  BITGOEUL_RETURN_IF_ERROR(taxi::write_report_html(file, graph, result, kpis, zones, options.output + "/report.html",
                                                   permit ? &*permit : nullptr));
  // The decisions of the run, hash-chained; the anchor (count and head) goes beside it so that removing the last
  // records is detected too.
  BITGOEUL_ASSIGN_OR_RETURN(const taxi::AuditTrailAnchor anchor,
                            taxi::write_audit_trail(result, file.scenario, options.output + "/audit.jsonl"));
  nlohmann::json anchor_json = {{"log", "audit.jsonl"}, {"records", anchor.records}, {"head", anchor.head}};
  BITGOEUL_RETURN_IF_ERROR(write_json(anchor_json, options.output + "/audit_anchor.json"));
  if (permit) {
    const nlohmann::json permit_json = {
        {"permit", file.permit},
        {"name", permit->name},
        {"number", permit->number},
        {"holder", permit->holder},
        {"day", file.service_day},
        {"start_s", file.scenario.start_s},
        {"end_s", file.scenario.end_s},
        {"drain_s", file.scenario.drain_s},
        {"fleet", file.scenario.fleet.size},
        {"roads",
         {{"edges_in_map", permitted->edges_in},
          {"edges_permitted", permitted->graph.edge_count()},
          {"edges_outside", permitted->edges_outside},
          {"edges_disconnected", permitted->edges_disconnected},
          {"edges_speed_capped", permitted->edges_speed_capped},
          {"km_permitted", permitted->km_kept}}}};
    BITGOEUL_RETURN_IF_ERROR(write_json(permit_json, options.output + "/permit.json"));
  }
  timer.lap("write_outputs_s");
  BITGOEUL_RETURN_IF_ERROR(timer.write(options.output + "/timing.json"));
  const taxi::RequestKpis& overall = kpis.overall;
  fmt::print("requests {}  served {} ({:.1f}%)  rejected {}  unfinished {}\n", overall.requests, overall.served,
             overall.service_rate * 100.0, overall.rejected, overall.unfinished);
  fmt::print("wait mean {:.0f} s  p50 {:.0f} s  p95 {:.0f} s;  ride mean {:.0f} s;  detour x{:.2f}\n",
             overall.wait_mean_s, overall.wait_p50_s, overall.wait_p95_s, overall.ride_mean_s, overall.detour_mean);
  fmt::print("vehicle-km occupied {:.1f}  empty {:.1f};  occupancy {:.2f};  utilisation {:.1f}%\n",
             kpis.fleet.occupied_km, kpis.fleet.empty_km, kpis.fleet.average_occupancy,
             kpis.fleet.utilisation * 100.0);
  for (const auto& [reason, count] : overall.rejections) fmt::print("rejected ({}): {}\n", reason, count);
  fmt::print("wrote {}/trips.csv, vehicle_events.csv, fleet_timeline.csv, kpis.json, report.html, timing.json{}\n",
             options.output, permit ? ", permit_events.csv, permit.json" : "");
  fmt::print("audit log {}/audit.jsonl: {} records, head {}\n", options.output, anchor.records, anchor.head);
  return Status::ok();
}

void add_simulate_command(CLI::App& taxi, CommandRegistry& registry) {
  auto options = std::make_shared<SimulateOptions>();
  auto* command = taxi.add_subcommand(
      "simulate", "Simulate a robotaxi fleet on a scenario (docs/taxi-scenario.md): KPIs, CSV/JSON and an HTML report");
  command->add_option("scenario", options->scenario, "Scenario TOML file, e.g. scenarios/pilot-zone.toml")->required();
  command->add_option("-o,--output", options->output, "Output directory")->capture_default_str();
  command->add_option("--data-dir", options->data_dir, "Where the scenario's relative data paths resolve");
  command->add_option("--map", options->map, "Map to use instead of the scenario's (.osm/.osm.pbf/.osm.bz2 or .graph)");
  command->add_option("--demand", options->demand, "Demand CSV to use instead of the scenario's demand");
  command->add_option("--policy", options->policy, "Dispatch policy instead of the scenario's")
      ->check(CLI::IsMember({"nearest_idle", "batch_matching", "insertion", "rtv"}));
  command->add_option("--vehicles", options->vehicles, "Fleet size instead of the scenario's")->check(CLI::PositiveNumber);
  command->add_option("--seed", options->seed, "Random seed instead of the scenario's")->check(CLI::NonNegativeNumber);
  command->add_option("--start", options->start, "Start of the simulated span instead of the scenario's, HH:MM");
  command->add_option("--end", options->end, "End of the simulated span (requests stop) instead of the scenario's, HH:MM");
  command->add_flag("--verify", options->verify, "Check every invariant after every event (slow)");
  command->add_flag("--no-rebalance", options->no_rebalance, "Switch off the scenario's [rebalance]");
  command->add_flag("--free-flow", options->free_flow, "Ignore the scenario's [congestion]: free-flow travel times");
  registry.on_run(command, [options] { return run_simulate(*options); });
}

void add_demand_commands(CLI::App& taxi, CommandRegistry& registry) {
  auto* demand = taxi.add_subcommand("demand", "Ride requests: generate synthetic demand, inspect trip records");
  demand->require_subcommand(1);

  auto generate = std::make_shared<GenerateOptions>();
  auto* gen = demand->add_subcommand(
      "generate",
      "Generate a seeded day of requests over zones weighted by population (or by area), or uniformly over roads.\n"
      "Gwangju: --zones ../shared/data/gwangju/dongs.geojson --parent-zones .../districts.geojson\n"
      "         --population .../district_population.csv");
  gen->add_option("--zones", generate->zones, "GeoJSON zones (Polygon/MultiPolygon features with a 'code' id)");
  gen->add_option("--parent-zones", generate->parent_zones,
                  "GeoJSON of larger zones whose population (--population) is shared among --zones by area");
  gen->add_option("--population", generate->population, "CSV with columns code,population");
  gen->add_option("--weight-property", generate->weight_property, "Zone property holding each zone's weight");
  gen->add_option("--graph", generate->graph, "Instead of zones: uniformly over this road graph's roads");
  gen->add_option("--trips", generate->trips, "Requests per day")->capture_default_str();
  gen->add_option("--seed", generate->seed, "Random seed")->capture_default_str();
  gen->add_option("--start", generate->start, "First request time HH:MM")->capture_default_str();
  gen->add_option("--end", generate->end, "End of the request span HH:MM")->capture_default_str();
  gen->add_option("--min-distance", generate->min_distance_m, "Shortest trip, metres (crow-fly)")->capture_default_str();
  gen->add_option("-o,--output", generate->output, "Demand CSV to write")->required();
  registry.on_run(gen, [generate] { return run_generate(*generate); });

  auto inspect = std::make_shared<InspectOptions>();
  auto* ins = demand->add_subcommand("inspect", "Summarise a demand or trip-record CSV: requests per hour and zone");
  ins->add_option("demand", inspect->demand, "Demand CSV")->required();
  ins->add_option("--format", inspect->format, "Column layout: bitgoeul or nyc-tlc (yellow taxi 2009-2016)")
      ->check(CLI::IsMember({"bitgoeul", "nyc-tlc"}))
      ->capture_default_str();
  ins->add_flag("--skip-bad-rows", inspect->skip_bad_rows, "Report and leave out bad rows instead of stopping");
  ins->add_option("--zones", inspect->zones, "GeoJSON zones to count origins in");
  registry.on_run(ins, [inspect] { return run_inspect(*inspect); });
}

}  // namespace

void add_taxi_commands(CLI::App& app, CommandRegistry& registry) {
  auto* taxi = app.add_subcommand("taxi", "Robotaxi fleet: simulate a scenario, generate or inspect demand, check a permit, report to the regulator, serve");
  taxi->require_subcommand(1);
  add_simulate_command(*taxi, registry);
  add_demand_commands(*taxi, registry);
  add_taxi_permit_commands(*taxi, registry);
  add_taxi_service_commands(*taxi, registry);
  add_taxi_loadgen_command(*taxi, registry);
}

}  // namespace bitgoeul::cli
