// `bitgoeul taxi ...`: the robotaxi fleet — demand generation and inspection (simulation follows).

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "road/graph_file.h"
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
  auto* taxi = app.add_subcommand("taxi", "Robotaxi fleet: demand (simulation and dispatch follow)");
  taxi->require_subcommand(1);
  add_demand_commands(*taxi, registry);
}

}  // namespace bitgoeul::cli
