// `bitgoeul taxi permit check` and `bitgoeul taxi report`: a demonstration permit validated and summarised, and the
// regulator's daily report of a run made under it (docs/taxi-permit.md).

#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "road/snapping.h"
#include "taxi/rules/calendar.h"
#include "taxi/rules/permit_file.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/permitted_roads.h"
#include "taxi/rules/regulator_report.h"
#include "taxi/scenario_world.h"

namespace bitgoeul::cli {
namespace {

namespace rules = taxi::rules;

struct CheckOptions {
  std::string permit;
  std::string map;
  std::string day;
  double max_snap_m = 250.0;
};

std::string windows_text(const std::vector<rules::DailyWindow>& windows) {
  if (windows.empty()) return "closed";
  std::string text;
  for (const rules::DailyWindow& window : windows) text += (text.empty() ? "" : ", ") + rules::format_window(window);
  return text;
}

std::string local_time(int64_t seconds) {
  const rules::Date date = rules::date_from_days(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400);
  const int64_t in_day = seconds - rules::midnight_s(date);
  return fmt::format("{} {:02d}:{:02d}", rules::format_date(date), in_day / 3600, in_day / 60 % 60);
}

Status run_check(const CheckOptions& options) {
  BITGOEUL_ASSIGN_OR_RETURN(const rules::Permit permit, rules::read_permit_file(options.permit));
  fmt::print("permit:      {} ({})\nholder:      {}\nvalid:       {} to {}\n", permit.name,
             permit.number.empty() ? "no number" : permit.number, permit.holder.empty() ? "-" : permit.holder,
             rules::format_date(permit.valid_from), rules::format_date(permit.valid_until));
  double permitted_km2 = 0;
  for (const geo::Zone& zone : permit.permitted) permitted_km2 += geo::area_km2(zone);
  double excluded_km2 = 0;
  for (const geo::Zone& zone : permit.excluded) excluded_km2 += geo::area_km2(zone);
  fmt::print("area:        {} permitted zone(s), {:.2f} km²; {} excluded, {:.2f} km²\n", permit.permitted.size(),
             permitted_km2, permit.excluded.size(), excluded_km2);
  fmt::print("hours:       weekday {}; weekend {}; holiday {}\n", windows_text(permit.hours[0]),
             windows_text(permit.hours[1]), windows_text(permit.hours[2]));
  for (const rules::Date& date : permit.extra_holidays) fmt::print("             extra holiday {}\n", rules::format_date(date));
  if (permit.stops.empty()) {
    fmt::print("stops:       none designated (door to door)\n");
  } else {
    fmt::print("stops:       {} designated, walk at most {:.0f} m\n", permit.stops.size(), permit.max_walk_m);
  }
  std::string caps;
  for (size_t c = 0; c < permit.class_speed_cap_kmh.size(); ++c) {
    if (permit.class_speed_cap_kmh[c] <= 0) continue;
    caps += fmt::format("{}{} {:.0f}", caps.empty() ? "" : ", ", road::road_class_name(static_cast<road::RoadClass>(c)),
                        permit.class_speed_cap_kmh[c]);
  }
  fmt::print("speed caps:  {}\n", caps.empty() ? "none by road class" : caps + " km/h");
  for (const rules::ZoneSpeedCap& cap : permit.zone_speed_caps) {
    fmt::print("             {:.0f} km/h in {} zone(s) of {}\n", cap.kmh, cap.zones.size(), cap.source);
  }
  if (permit.safety_driver_vehicles > 0) {
    fmt::print("drivers:     the first {} vehicles carry a safety driver; shifts {}\n", permit.safety_driver_vehicles,
               windows_text(permit.safety_driver_shifts));
  }
  fmt::print("fleet cap:   {}\n", permit.max_vehicles > 0 ? fmt::format("{} vehicles in service", permit.max_vehicles) : "none");
  for (const rules::Suspension& suspension : permit.suspensions) {
    fmt::print("suspension:  {} to {}: {}\n", local_time(suspension.start_s), local_time(suspension.end_s),
               suspension.reason);
  }
  if (!options.day.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(const rules::Date day, rules::parse_date(options.day, "--day"));
    BITGOEUL_ASSIGN_OR_RETURN(const rules::DayType type, rules::day_type(day, permit.extra_holidays));
    BITGOEUL_ASSIGN_OR_RETURN(const rules::PermitRules day_rules, rules::PermitRules::create(permit, day, 86400.0));
    std::string open;
    for (const rules::Interval& interval : day_rules.service()) {
      if (interval.end_s <= 0 || interval.start_s >= 86400) continue;
      const auto clock = [](double s) {
        const auto m = static_cast<int64_t>(s / 60);
        return fmt::format("{:02d}:{:02d}", m / 60, m % 60);
      };
      open += fmt::format("{}{}-{}", open.empty() ? "" : ", ", clock(std::max(interval.start_s, 0.0)),
                          clock(std::min(interval.end_s, 86400.0)));
    }
    fmt::print("{}:  a {}; open {}\n", options.day, rules::day_type_name(type), open.empty() ? "never" : open);
  }
  if (!options.map.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(const road::RoadGraph graph, taxi::load_map(options.map));
    BITGOEUL_ASSIGN_OR_RETURN(const rules::PermittedRoads roads, rules::restrict_to_permit(graph, permit));
    fmt::print("roads:       {} of {} edges permitted ({:.1f} km); {} leave the area; {} cut off; {} speed-capped\n",
               roads.graph.edge_count(), roads.edges_in, roads.km_kept, roads.edges_outside, roads.edges_disconnected,
               roads.edges_speed_capped);
    // A stop far from every permitted road cannot be served: riders sent there are refused as not on a road.
    const road::Snapper snapper(roads.graph);
    for (const rules::DesignatedStop& stop : permit.stops) {
      auto snapped = snapper.snap(stop.point, options.max_snap_m);
      if (!snapped.is_ok()) {
        fmt::print("warning:     stop '{}' ({:.6f}, {:.6f}) is farther than {:.0f} m from every permitted road\n", stop.id,
                   stop.point.lat, stop.point.lon, options.max_snap_m);
      }
    }
  }
  fmt::print("valid\n");
  return Status::ok();
}

struct ReportOptions {
  std::string permit;
  std::string run_dir;
  std::string output;
};

Status run_report(const ReportOptions& options) {
  BITGOEUL_ASSIGN_OR_RETURN(const rules::Permit permit, rules::read_permit_file(options.permit));
  BITGOEUL_ASSIGN_OR_RETURN(const rules::RegulatorReport report, rules::build_regulator_report(permit, options.run_dir));
  const std::string output = options.output.empty() ? options.run_dir : options.output;
  BITGOEUL_RETURN_IF_ERROR(rules::write_regulator_report(report, output));
  fmt::print("{} ({}), {}: {} trips, {} passengers, {:.1f} vehicle-km, {:.1f} safety-driver hours, {} incidents and "
             "disengagements\n",
             report.permit_name, report.permit_number, report.day, report.trips, report.passengers,
             report.occupied_km + report.empty_km, report.safety_driver_hours, report.incidents.size());
  fmt::print("rule violations: {} ({} vehicle events checked)\n", report.violations.size(), report.events_checked);
  fmt::print("wrote {0}/regulator_report.html, {0}/regulator_summary.csv, {0}/regulator_violations.csv\n", output);
  return Status::ok();
}

}  // namespace

void add_taxi_permit_commands(CLI::App& taxi, CommandRegistry& registry) {
  auto* permit = taxi.add_subcommand("permit", "Demonstration permits (docs/taxi-permit.md)");
  permit->require_subcommand(1);
  auto check = std::make_shared<CheckOptions>();
  auto* check_command = permit->add_subcommand(
      "check", "Validate a permit and summarise it: area, hours, stops, speed caps, drivers, suspensions, roads");
  check_command->add_option("permit", check->permit, "Permit TOML file")->required();
  check_command->add_option("--map", check->map, "Also count the permitted roads of this map (.osm/.osm.pbf/.graph)");
  check_command->add_option("--day", check->day, "Also show the hours of this day (YYYY-MM-DD) by its day type");
  check_command->add_option("--max-snap", check->max_snap_m, "With --map: warn about stops farther than this (m) from a permitted road")
      ->capture_default_str();
  registry.on_run(check_command, [check] { return run_check(*check); });

  auto report = std::make_shared<ReportOptions>();
  auto* report_command = taxi.add_subcommand(
      "report", "The regulator's daily report of a run made under a permit: HTML and CSV, violations listed");
  report_command->add_option("--permit", report->permit, "Permit TOML file the run was made under")->required();
  report_command->add_option("run_dir", report->run_dir, "Output directory of `taxi simulate`")->required();
  report_command->add_option("-o,--output", report->output, "Where to write the report (default: the run directory)");
  registry.on_run(report_command, [report] { return run_report(*report); });
}

}  // namespace bitgoeul::cli
