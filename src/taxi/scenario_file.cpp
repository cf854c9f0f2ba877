#include "taxi/scenario_file.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/config_reader.h"
#include "geo/zones.h"
#include "taxi/rules/calendar.h"

namespace bitgoeul::taxi {
namespace {

namespace fs = std::filesystem;

Result<double> clock_seconds(ConfigReader& reader, std::string_view key, const std::string& fallback) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::string text, reader.string_or(key, fallback));
  int hours = 0;
  int minutes = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d:%d%n", &hours, &minutes, &consumed) != 2 ||
      static_cast<size_t>(consumed) != text.size() || hours < 0 || hours > 168 || minutes < 0 || minutes > 59) {
    return reader.error(key, fmt::format("'{}' is not a time HH:MM (hours may pass 24 for the next day)", text));
  }
  return hours * 3600.0 + minutes * 60.0;
}

Result<double> positive(ConfigReader& reader, std::string_view key, double fallback) {
  BITGOEUL_ASSIGN_OR_RETURN(const double value, reader.number_or(key, fallback));
  if (!(value > 0) || !std::isfinite(value)) return reader.error(key, fmt::format("must be positive, got {}", value));
  return value;
}

Result<double> non_negative(ConfigReader& reader, std::string_view key, double fallback) {
  BITGOEUL_ASSIGN_OR_RETURN(const double value, reader.number_or(key, fallback));
  if (!(value >= 0) || !std::isfinite(value)) return reader.error(key, fmt::format("must be zero or more, got {}", value));
  return value;
}

std::string resolve(const std::string& base, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base) / path).lexically_normal().string();
}

Status read_fleet(ConfigReader& fleet, Scenario& scenario) {
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t vehicles, fleet.integer_or("vehicles", scenario.fleet.size));
  if (vehicles < 1 || vehicles > 1000000) return fleet.error("vehicles", "must be between 1 and 1,000,000");
  scenario.fleet.size = static_cast<uint32_t>(vehicles);
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t capacity, fleet.integer_or("capacity", scenario.fleet.capacity));
  if (capacity < 1 || capacity > 60) return fleet.error("capacity", "must be between 1 and 60 seats");
  scenario.fleet.capacity = static_cast<uint16_t>(capacity);
  BITGOEUL_ASSIGN_OR_RETURN(const auto depots, fleet.number_rows_or_empty("depots", 2));
  for (size_t i = 0; i < depots.size(); ++i) {
    const geo::LatLon point{depots[i][0], depots[i][1]};
    if (!geo::is_valid(point)) return fleet.error("depots", fmt::format("depot {} is not [lat, lon] in degrees", i));
    scenario.fleet.depots.push_back(point);
  }
  return fleet.finish();
}

Status read_service(ConfigReader& service, ServiceLimits& limits) {
  BITGOEUL_ASSIGN_OR_RETURN(const double wait_min, positive(service, "max_wait_minutes", limits.max_wait_s / 60.0));
  limits.max_wait_s = wait_min * 60.0;
  BITGOEUL_ASSIGN_OR_RETURN(limits.max_detour_factor, positive(service, "max_detour_factor", limits.max_detour_factor));
  if (limits.max_detour_factor < 1.0) return service.error("max_detour_factor", "must be at least 1");
  BITGOEUL_ASSIGN_OR_RETURN(limits.min_detour_allowance_s,
                            non_negative(service, "min_detour_allowance_seconds", limits.min_detour_allowance_s));
  BITGOEUL_ASSIGN_OR_RETURN(limits.dwell_s, non_negative(service, "dwell_seconds", limits.dwell_s));
  BITGOEUL_ASSIGN_OR_RETURN(limits.max_snap_m, positive(service, "max_walk_to_road_m", limits.max_snap_m));
  return service.finish();
}

Status read_dispatch(ConfigReader& dispatch, DispatchSpec& spec) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::string policy, dispatch.string_or("policy", dispatch_policy_name(spec.policy)));
  if (policy == "nearest_idle") {
    spec.policy = DispatchPolicy::kNearestIdle;
  } else if (policy == "batch_matching") {
    spec.policy = DispatchPolicy::kBatchMatching;
  } else if (policy == "insertion") {
    spec.policy = DispatchPolicy::kInsertion;
  } else if (policy == "rtv") {
    spec.policy = DispatchPolicy::kRtv;
  } else {
    return dispatch.error("policy",
                          fmt::format("unknown policy '{}' (nearest_idle, batch_matching, insertion, rtv)", policy));
  }
  BITGOEUL_ASSIGN_OR_RETURN(spec.batch_interval_s, positive(dispatch, "batch_seconds", spec.batch_interval_s));
  BITGOEUL_ASSIGN_OR_RETURN(spec.insertion_interval_s,
                            non_negative(dispatch, "insertion_batch_seconds", spec.insertion_interval_s));
  BITGOEUL_ASSIGN_OR_RETURN(spec.rtv_interval_s, positive(dispatch, "rtv_seconds", spec.rtv_interval_s));
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t trip_size, dispatch.integer_or("rtv_max_trip_size", spec.rtv_max_trip_size));
  if (trip_size < 1 || trip_size > 60) return dispatch.error("rtv_max_trip_size", "must be between 1 and 60");
  spec.rtv_max_trip_size = static_cast<uint16_t>(trip_size);
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t nearest,
                            dispatch.integer_or("rtv_nearest_vehicles", spec.rtv_nearest_vehicles));
  if (nearest < 1 || nearest > 1000000) {
    return dispatch.error("rtv_nearest_vehicles", "must be between 1 and 1,000,000");
  }
  spec.rtv_nearest_vehicles = static_cast<uint32_t>(nearest);
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t nodes, dispatch.integer_or("rtv_solver_nodes", spec.rtv_solver_nodes));
  if (nodes < 0 || nodes > 1000000000) return dispatch.error("rtv_solver_nodes", "must be between 0 and 10^9");
  spec.rtv_solver_nodes = static_cast<uint32_t>(nodes);
  BITGOEUL_ASSIGN_OR_RETURN(spec.rtv_solver_seconds,
                            non_negative(dispatch, "rtv_solver_seconds", spec.rtv_solver_seconds));
  BITGOEUL_ASSIGN_OR_RETURN(spec.rtv_reassign, dispatch.boolean_or("rtv_reassign", spec.rtv_reassign));
  return dispatch.finish();
}

Status read_rebalance(ConfigReader& rebalance, RebalanceSpec& spec) {
  BITGOEUL_ASSIGN_OR_RETURN(spec.enabled, rebalance.boolean_or("enabled", true));
  BITGOEUL_ASSIGN_OR_RETURN(const double interval_min, positive(rebalance, "interval_minutes", spec.interval_s / 60.0));
  spec.interval_s = interval_min * 60.0;
  BITGOEUL_ASSIGN_OR_RETURN(spec.cell_size_m, positive(rebalance, "cell_size_m", spec.cell_size_m));
  if (spec.cell_size_m < 100) return rebalance.error("cell_size_m", "must be at least 100 m");
  BITGOEUL_ASSIGN_OR_RETURN(const double horizon_min, positive(rebalance, "horizon_minutes", spec.horizon_s / 60.0));
  spec.horizon_s = horizon_min * 60.0;
  return rebalance.finish();
}

Status read_demand(ConfigReader& demand, const std::string& data_dir, DemandSpec& spec) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::string kind, demand.string_or("source", "roads"));
  if (kind == "file") {
    spec.kind = DemandSpec::Kind::kFile;
    BITGOEUL_ASSIGN_OR_RETURN(const std::string file, demand.string("file"));
    spec.file = resolve(data_dir, file);
    BITGOEUL_ASSIGN_OR_RETURN(const std::string layout, demand.string_or("columns", "bitgoeul"));
    if (layout == "nyc-tlc") {
      spec.columns = DemandColumns::nyc_tlc_yellow();
    } else if (layout != "bitgoeul") {
      return demand.error("columns", fmt::format("unknown column layout '{}' (bitgoeul, nyc-tlc)", layout));
    }
    const Result<std::string> bad_rows = demand.string_or("bad_rows", "stop");
    if (!bad_rows.is_ok()) return bad_rows.status();
    if (*bad_rows != "stop" && *bad_rows != "skip") return demand.error("bad_rows", "must be 'stop' or 'skip'");
    spec.bad_rows = *bad_rows == "skip" ? BadRowPolicy::kSkip : BadRowPolicy::kStop;
  } else if (kind == "zones" || kind == "roads") {
    spec.kind = kind == "zones" ? DemandSpec::Kind::kZones : DemandSpec::Kind::kRoads;
    BITGOEUL_ASSIGN_OR_RETURN(const int64_t trips, demand.integer_or("trips_per_day", 10000));
    if (trips < 0 || trips > 100000000) return demand.error("trips_per_day", "must be between 0 and 100,000,000");
    spec.synthetic.total_trips = static_cast<uint64_t>(trips);
    BITGOEUL_ASSIGN_OR_RETURN(spec.synthetic.min_trip_distance_m,
                              non_negative(demand, "min_trip_m", spec.synthetic.min_trip_distance_m));
    if (spec.kind == DemandSpec::Kind::kZones) {
      BITGOEUL_ASSIGN_OR_RETURN(const std::string zones, demand.string("zones"));
      spec.zones = resolve(data_dir, zones);
      BITGOEUL_ASSIGN_OR_RETURN(const std::string parents, demand.string_or("parent_zones", ""));
      spec.parent_zones = resolve(data_dir, parents);
      BITGOEUL_ASSIGN_OR_RETURN(const std::string population, demand.string_or("population", ""));
      spec.population = resolve(data_dir, population);
      if (!spec.parent_zones.empty() && spec.population.empty()) {
        return demand.error("parent_zones", "needs 'population' to share among the zones");
      }
    }
  } else {
    return demand.error("source", fmt::format("unknown demand source '{}' (file, zones, roads)", kind));
  }
  return demand.finish();
}

}  // namespace

Result<ScenarioFile> read_scenario_file(const std::string& path, const std::string& data_dir_override) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue document, parse_toml_file(path));
  ConfigReader root(document, path, "");
  ScenarioFile file;
  file.path = path;
  Scenario& scenario = file.scenario;
  const std::string scenario_dir = fs::path(path).parent_path().string();
  BITGOEUL_ASSIGN_OR_RETURN(const std::string data_dir, root.string_or("data_dir", "."));
  file.data_dir = data_dir_override.empty() ? resolve(scenario_dir.empty() ? "." : scenario_dir, data_dir)
                                            : data_dir_override;
  BITGOEUL_ASSIGN_OR_RETURN(scenario.name, root.string_or("name", fs::path(path).stem().string()));
  BITGOEUL_ASSIGN_OR_RETURN(const std::string map, root.string("map"));
  file.map = resolve(file.data_dir, map);
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t seed, root.integer_or("seed", 1));
  scenario.seed = static_cast<uint64_t>(seed);
  BITGOEUL_ASSIGN_OR_RETURN(scenario.start_s, clock_seconds(root, "start", "00:00"));
  BITGOEUL_ASSIGN_OR_RETURN(scenario.end_s, clock_seconds(root, "end", "24:00"));
  if (scenario.end_s <= scenario.start_s) return root.error("end", "must be after start");
  BITGOEUL_ASSIGN_OR_RETURN(const double drain_min, non_negative(root, "drain_minutes", scenario.drain_s / 60.0));
  scenario.drain_s = drain_min * 60.0;
  BITGOEUL_ASSIGN_OR_RETURN(const std::string report_zones, root.string_or("report_zones", ""));
  file.report_zones = resolve(file.data_dir, report_zones);

  BITGOEUL_ASSIGN_OR_RETURN(auto fleet, root.table_or_none("fleet"));
  if (fleet) BITGOEUL_RETURN_IF_ERROR(read_fleet(*fleet, scenario));
  BITGOEUL_ASSIGN_OR_RETURN(auto service, root.table_or_none("service"));
  if (service) BITGOEUL_RETURN_IF_ERROR(read_service(*service, scenario.limits));
  BITGOEUL_ASSIGN_OR_RETURN(auto dispatch, root.table_or_none("dispatch"));
  if (dispatch) BITGOEUL_RETURN_IF_ERROR(read_dispatch(*dispatch, scenario.dispatch));
  BITGOEUL_ASSIGN_OR_RETURN(auto rebalance, root.table_or_none("rebalance"));
  if (rebalance) BITGOEUL_RETURN_IF_ERROR(read_rebalance(*rebalance, scenario.rebalance));
  BITGOEUL_ASSIGN_OR_RETURN(auto demand, root.table_or_none("demand"));
  if (demand) BITGOEUL_RETURN_IF_ERROR(read_demand(*demand, file.data_dir, file.demand));
  file.demand.synthetic.seed = scenario.seed;
  file.demand.synthetic.start_s = scenario.start_s;
  file.demand.synthetic.end_s = scenario.end_s;
  BITGOEUL_ASSIGN_OR_RETURN(auto permit, root.table_or_none("permit"));
  if (permit) {
    // The permit is the operator's document, not third-party data: relative to the scenario file.
    BITGOEUL_ASSIGN_OR_RETURN(const std::string permit_file, permit->string("file"));
    file.permit = resolve(scenario_dir.empty() ? "." : scenario_dir, permit_file);
    BITGOEUL_ASSIGN_OR_RETURN(file.service_day, permit->string("day"));
    auto day = rules::parse_date(file.service_day, permit->key_path("day"));
    if (!day.is_ok()) return permit->error("day", fmt::format("'{}' is not a date YYYY-MM-DD", file.service_day));
    BITGOEUL_RETURN_IF_ERROR(permit->finish());
  }
  BITGOEUL_ASSIGN_OR_RETURN(auto congestion, root.table_or_none("congestion"));
  if (congestion) {
    BITGOEUL_ASSIGN_OR_RETURN(const std::vector<double> factors, congestion->numbers_or_empty("travel_time_factor"));
    if (!factors.empty() && factors.size() != 24) {
      return congestion->error("travel_time_factor", "expected 24 numbers, one per hour from 00:00");
    }
    for (size_t hour = 0; hour < factors.size(); ++hour) {
      if (!(factors[hour] >= 1.0 && factors[hour] <= 10.0)) {
        return congestion->error("travel_time_factor", fmt::format("hour {}: {} is not between 1 and 10", hour, factors[hour]));
      }
      scenario.travel_time_factor[hour] = factors[hour];
    }
    BITGOEUL_RETURN_IF_ERROR(congestion->finish());
  }
  BITGOEUL_RETURN_IF_ERROR(root.finish());
  return file;
}

Result<std::vector<TripRequest>> load_scenario_demand(const ScenarioFile& file, const road::RoadGraph& graph,
                                                      DemandReadReport* report) {
  const DemandSpec& spec = file.demand;
  switch (spec.kind) {
    case DemandSpec::Kind::kFile:
      return read_demand_csv(spec.file, spec.columns, spec.bad_rows, report);
    case DemandSpec::Kind::kRoads:
      return generate_road_demand(graph, spec.synthetic);
    case DemandSpec::Kind::kZones: {
      BITGOEUL_ASSIGN_OR_RETURN(std::vector<geo::Zone> zones, geo::read_zones_geojson(spec.zones));
      if (!spec.population.empty()) {
        BITGOEUL_ASSIGN_OR_RETURN(auto population, read_zone_population_csv(spec.population));
        if (spec.parent_zones.empty()) {
          for (geo::Zone& zone : zones) {
            const auto found = population.find(zone.id);
            if (found == population.end()) {
              return invalid_input("{}: no population for zone '{}' of {}", spec.population, zone.id, spec.zones);
            }
            zone.weight = found->second;
          }
        } else {
          BITGOEUL_ASSIGN_OR_RETURN(std::vector<geo::Zone> parents, geo::read_zones_geojson(spec.parent_zones));
          BITGOEUL_RETURN_IF_ERROR(apportion_population(zones, parents, population));
        }
      } else {
        for (geo::Zone& zone : zones) zone.weight = geo::area_km2(zone);
      }
      return generate_zone_demand(zones, spec.synthetic);
    }
  }
  return internal_error("unknown demand source");
}

}  // namespace bitgoeul::taxi
