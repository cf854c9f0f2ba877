#include "taxi/rules/regulator_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config_value.h"
#include "core/csv_reader.h"
#include "core/html.h"
#include "taxi/rules/permit_rules.h"

namespace bitgoeul::taxi::rules {
namespace {

namespace fs = std::filesystem;

Result<nlohmann::json> read_json(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return invalid_input("{}: not a JSON object", path);
  return json;
}

Result<double> json_number(const nlohmann::json& json, const std::string& key, const std::string& path) {
  const auto found = json.find(key);
  if (found == json.end() || !found->is_number()) return invalid_input("{}: '{}' missing or not a number", path, key);
  return found->get<double>();
}

std::string clock(double seconds) {
  const auto minutes = static_cast<int64_t>(std::floor(seconds / 60.0));
  return fmt::format("{:02d}:{:02d}", minutes / 60, minutes % 60);
}

}  // namespace

Result<std::vector<RecordedIncident>> read_incidents_csv(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t time_column, reader.column("time_s"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t vehicle_column, reader.column("vehicle"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t kind_column, reader.column("kind"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t lat_column, reader.column("lat"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t lon_column, reader.column("lon"));
  const std::optional<size_t> description_column = reader.find_column("description");
  std::vector<RecordedIncident> incidents;
  std::vector<std::string> fields;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool more, reader.next(fields));
    if (!more) break;
    RecordedIncident incident;
    BITGOEUL_ASSIGN_OR_RETURN(incident.time_s, parse_csv_double(reader, "time_s", fields[time_column]));
    BITGOEUL_ASSIGN_OR_RETURN(const int64_t vehicle, parse_csv_int(reader, "vehicle", fields[vehicle_column]));
    if (vehicle < 0 || vehicle > UINT32_MAX) return reader.row_error("vehicle: out of range");
    incident.vehicle = static_cast<uint32_t>(vehicle);
    incident.kind = fields[kind_column];
    if (incident.kind != "incident" && incident.kind != "disengagement") {
      return reader.row_error(fmt::format("kind: '{}' is neither incident nor disengagement", incident.kind));
    }
    BITGOEUL_ASSIGN_OR_RETURN(incident.point.lat, parse_csv_double(reader, "lat", fields[lat_column]));
    BITGOEUL_ASSIGN_OR_RETURN(incident.point.lon, parse_csv_double(reader, "lon", fields[lon_column]));
    if (!geo::is_valid(incident.point)) return reader.row_error("lat/lon out of range");
    if (description_column) incident.description = fields[*description_column];
    incidents.push_back(std::move(incident));
  }
  return incidents;
}

std::string broken_pickup_rule(const PermitRules& rules, uint32_t vehicle, double time_s) {
  if (rules.pickup_allowed(vehicle, time_s)) return {};
  if (rules.permit().max_vehicles > 0 && vehicle >= rules.permit().max_vehicles) return "fleet cap";
  if (rules.suspension_at(time_s) != nullptr) return "suspension";
  if (!rules.open_at(time_s) && !rules.open_at(time_s - 1e-6)) return "operating hours";
  return "safety driver";
}

Result<RegulatorReport> build_regulator_report(const Permit& permit, const std::string& run_dir) {
  RegulatorReport report;
  const std::string permit_path = run_dir + "/permit.json";
  if (!fs::exists(permit_path)) {
    return invalid_input("{}: missing: the run was not made under a permit (scenario [permit])", permit_path);
  }
  BITGOEUL_ASSIGN_OR_RETURN(const nlohmann::json run, read_json(permit_path));
  const std::string number = run.value("number", "");
  if (number != permit.number) {
    return invalid_input("{}: the run was made under permit '{}', not '{}' ({})", permit_path, number, permit.number,
                         permit.path);
  }
  report.permit_name = permit.name;
  report.permit_number = permit.number;
  report.holder = permit.holder;
  report.day = run.value("day", "");
  BITGOEUL_ASSIGN_OR_RETURN(const Date day, parse_date(report.day, permit_path + ": day"));
  BITGOEUL_ASSIGN_OR_RETURN(const DayType type, day_type(day, permit.extra_holidays));
  report.day_type = day_type_name(type);
  BITGOEUL_ASSIGN_OR_RETURN(report.start_s, json_number(run, "start_s", permit_path));
  BITGOEUL_ASSIGN_OR_RETURN(report.end_s, json_number(run, "end_s", permit_path));
  BITGOEUL_ASSIGN_OR_RETURN(const double drain_s, json_number(run, "drain_s", permit_path));
  BITGOEUL_ASSIGN_OR_RETURN(const double fleet, json_number(run, "fleet", permit_path));
  BITGOEUL_ASSIGN_OR_RETURN(const PermitRules rules, PermitRules::create(permit, day, report.end_s + drain_s));

  const std::string kpis_path = run_dir + "/kpis.json";
  BITGOEUL_ASSIGN_OR_RETURN(const nlohmann::json kpis, read_json(kpis_path));
  if (!kpis.contains("fleet") || !kpis["fleet"].is_object()) return invalid_input("{}: no 'fleet' object", kpis_path);
  BITGOEUL_ASSIGN_OR_RETURN(report.occupied_km, json_number(kpis["fleet"], "occupied_km", kpis_path));
  BITGOEUL_ASSIGN_OR_RETURN(report.empty_km, json_number(kpis["fleet"], "empty_km", kpis_path));

  // Trips: outcomes, passengers, refusals, walks; a served request must have been asked while the service was open.
  {
    BITGOEUL_ASSIGN_OR_RETURN(CsvReader trips, CsvReader::open(run_dir + "/trips.csv"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t time_column, trips.column("request_time_s"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t passengers_column, trips.column("passengers"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t status_column, trips.column("status"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t reason_column, trips.column("reject_reason"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t to_stop_column, trips.column("walk_to_stop_m"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t from_stop_column, trips.column("walk_from_stop_m"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t vehicle_column, trips.column("vehicle"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t lat_column, trips.column("origin_lat"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t lon_column, trips.column("origin_lon"));
    std::vector<std::string> fields;
    double walk_m = 0;
    while (true) {
      BITGOEUL_ASSIGN_OR_RETURN(const bool more, trips.next(fields));
      if (!more) break;
      ++report.requests;
      if (fields[status_column] == "rejected") {
        ++report.refusals[fields[reason_column]];
        continue;
      }
      if (fields[status_column] != "completed") continue;
      ++report.trips;
      BITGOEUL_ASSIGN_OR_RETURN(const int64_t passengers, parse_csv_int(trips, "passengers", fields[passengers_column]));
      report.passengers += static_cast<uint64_t>(std::max<int64_t>(passengers, 0));
      for (const size_t column : {to_stop_column, from_stop_column}) {
        if (fields[column].empty()) continue;
        BITGOEUL_ASSIGN_OR_RETURN(const double metres, parse_csv_double(trips, "walk", fields[column]));
        walk_m += metres;
      }
      BITGOEUL_ASSIGN_OR_RETURN(const double asked_s, parse_csv_double(trips, "request_time_s", fields[time_column]));
      if (!rules.open_at(asked_s)) {
        BITGOEUL_ASSIGN_OR_RETURN(const double lat, parse_csv_double(trips, "origin_lat", fields[lat_column]));
        BITGOEUL_ASSIGN_OR_RETURN(const double lon, parse_csv_double(trips, "origin_lon", fields[lon_column]));
        BITGOEUL_ASSIGN_OR_RETURN(const int64_t vehicle, parse_csv_int(trips, "vehicle", fields[vehicle_column]));
        report.violations.push_back({asked_s, static_cast<uint32_t>(vehicle), "operating hours", {lat, lon},
                                     fmt::format("request accepted at {} while the service was closed", clock(asked_s))});
      }
    }
    if (report.trips > 0) report.walk_mean_m = walk_m / static_cast<double>(report.trips);
  }

  // Every place a vehicle stood, and every pick-up, against the permit.
  {
    BITGOEUL_ASSIGN_OR_RETURN(CsvReader events, CsvReader::open(run_dir + "/vehicle_events.csv"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t time_column, events.column("time_s"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t vehicle_column, events.column("vehicle"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t event_column, events.column("event"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t request_column, events.column("request_id"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t lat_column, events.column("lat"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t lon_column, events.column("lon"));
    std::set<uint32_t> used;
    std::vector<std::string> fields;
    while (true) {
      BITGOEUL_ASSIGN_OR_RETURN(const bool more, events.next(fields));
      if (!more) break;
      ++report.events_checked;
      BITGOEUL_ASSIGN_OR_RETURN(const double time_s, parse_csv_double(events, "time_s", fields[time_column]));
      BITGOEUL_ASSIGN_OR_RETURN(const int64_t vehicle_id, parse_csv_int(events, "vehicle", fields[vehicle_column]));
      if (vehicle_id < 0 || vehicle_id >= fleet) return events.row_error("vehicle: not in the run's fleet");
      const auto vehicle = static_cast<uint32_t>(vehicle_id);
      geo::LatLon point;
      BITGOEUL_ASSIGN_OR_RETURN(point.lat, parse_csv_double(events, "lat", fields[lat_column]));
      BITGOEUL_ASSIGN_OR_RETURN(point.lon, parse_csv_double(events, "lon", fields[lon_column]));
      const std::string& kind = fields[event_column];
      if (!in_permitted_area(permit, point)) {
        report.violations.push_back({time_s, vehicle, "area", point,
                                     fmt::format("{} outside the permitted area", kind)});
      }
      if (kind != "pickup") continue;
      used.insert(vehicle);
      const std::string rule = broken_pickup_rule(rules, vehicle, time_s);
      if (!rule.empty()) {
        report.violations.push_back({time_s, vehicle, rule, point,
                                     fmt::format("pick-up of request {} at {}", fields[request_column], clock(time_s))});
      }
    }
    report.vehicles_used = static_cast<uint32_t>(used.size());
  }

  // Safety drivers are on duty for their shifts, whether or not they carry anyone.
  const auto drivers = std::min<double>(permit.safety_driver_vehicles, fleet);
  for (const Interval& shift : rules.shifts()) {
    const double on_s = std::min(shift.end_s, report.end_s) - std::max(shift.start_s, report.start_s);
    if (on_s > 0) report.safety_driver_hours += drivers * on_s / 3600.0;
  }

  const std::string incidents_path = run_dir + "/incidents.csv";
  if (fs::exists(incidents_path)) {
    BITGOEUL_ASSIGN_OR_RETURN(report.incidents, read_incidents_csv(incidents_path));
  }
  std::stable_sort(report.violations.begin(), report.violations.end(),
                   [](const Violation& a, const Violation& b) { return a.time_s < b.time_s; });
  return report;
}

Status write_regulator_report(const RegulatorReport& report, const std::string& out_dir) {
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) return io_error("{}: cannot create directory: {}", out_dir, error.message());
  uint64_t disengagements = 0;
  for (const RecordedIncident& incident : report.incidents) disengagements += incident.kind == "disengagement";
  const uint64_t incidents = report.incidents.size() - disengagements;
  const std::vector<std::pair<std::string, std::string>> summary = {
      {"permit", report.permit_name},
      {"permit_number", report.permit_number},
      {"holder", report.holder},
      {"day", report.day},
      {"day_type", report.day_type},
      {"period", clock(report.start_s) + "-" + clock(report.end_s)},
      {"requests", std::to_string(report.requests)},
      {"trips", std::to_string(report.trips)},
      {"passengers", std::to_string(report.passengers)},
      {"vehicles_used", std::to_string(report.vehicles_used)},
      {"vehicle_km", fmt::format("{:.1f}", report.occupied_km + report.empty_km)},
      {"vehicle_km_occupied", fmt::format("{:.1f}", report.occupied_km)},
      {"vehicle_km_empty", fmt::format("{:.1f}", report.empty_km)},
      {"safety_driver_hours", fmt::format("{:.1f}", report.safety_driver_hours)},
      {"walk_mean_m", fmt::format("{:.0f}", report.walk_mean_m)},
      {"incidents", std::to_string(incidents)},
      {"disengagements", std::to_string(disengagements)},
      {"events_checked", std::to_string(report.events_checked)},
      {"violations", std::to_string(report.violations.size())},
  };
  {
    std::ofstream csv(out_dir + "/regulator_summary.csv");
    if (!csv) return io_error("{}/regulator_summary.csv: cannot open for writing", out_dir);
    csv << "metric,value\n";
    for (const auto& [metric, value] : summary) {
      csv << metric << "," << csv_field(value) << "\n";
    }
    for (const auto& [reason, count] : report.refusals) csv << "refused_" << reason << "," << count << "\n";
    if (!csv) return io_error("{}/regulator_summary.csv: write failed", out_dir);
  }
  {
    std::ofstream csv(out_dir + "/regulator_violations.csv");
    if (!csv) return io_error("{}/regulator_violations.csv: cannot open for writing", out_dir);
    csv << "time_s,vehicle,rule,lat,lon,detail\n";
    for (const Violation& v : report.violations) {
      csv << fmt::format("{:.1f},{},{},{:.7f},{:.7f},{}\n", v.time_s, v.vehicle, v.rule, v.point.lat, v.point.lon,
                         csv_field(v.detail));
    }
    if (!csv) return io_error("{}/regulator_violations.csv: write failed", out_dir);
  }
  std::string html = R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demonstration report</title><style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:900px}h1{font-size:22px}h2{font-size:17px;margin-top:26px}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e5e5e5;padding:4px 10px;text-align:left}
.ok{color:#2ca02c;font-weight:600}.bad{color:#d62728;font-weight:600}.note{font-size:12px;color:#666}</style></head><body>)";
  html += fmt::format("<h1>Daily report: {}</h1><p>Permit {} · holder {} · {} ({}) · {}–{}</p>", html_escape(report.permit_name),
                      html_escape(report.permit_number), html_escape(report.holder), html_escape(report.day),
                      report.day_type, clock(report.start_s), clock(report.end_s));
  html += report.violations.empty()
              ? fmt::format(R"(<p class="ok">No rule violation found ({} vehicle events checked against the permit).</p>)",
                            report.events_checked)
              : fmt::format(R"(<p class="bad">{} rule violations found: listed below.</p>)", report.violations.size());
  html += "<h2>Summary</h2><table>";
  for (const auto& [metric, value] : summary) {
    html += fmt::format("<tr><td>{}</td><td>{}</td></tr>", html_escape(metric), html_escape(value));
  }
  html += "</table><h2>Requests refused, by reason</h2><table><tr><th>reason</th><th>requests</th></tr>";
  for (const auto& [reason, count] : report.refusals) {
    html += fmt::format("<tr><td>{}</td><td>{}</td></tr>", html_escape(reason), count);
  }
  html += "</table><h2>Rule violations</h2>";
  if (report.violations.empty()) {
    html += "<p>None.</p>";
  } else {
    html += "<table><tr><th>time</th><th>vehicle</th><th>rule</th><th>place</th><th>detail</th></tr>";
    for (const Violation& v : report.violations) {
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.5f}, {:.5f}</td><td>{}</td></tr>", clock(v.time_s),
                          v.vehicle, html_escape(v.rule), v.point.lat, v.point.lon, html_escape(v.detail));
    }
    html += "</table>";
  }
  html += "<h2>Incidents and disengagements</h2>";
  if (report.incidents.empty()) {
    html += "<p>None recorded.</p>";
  } else {
    html += "<table><tr><th>time</th><th>vehicle</th><th>kind</th><th>place</th><th>description</th></tr>";
    for (const RecordedIncident& i : report.incidents) {
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.5f}, {:.5f}</td><td>{}</td></tr>", clock(i.time_s),
                          i.vehicle, i.kind, i.point.lat, i.point.lon, html_escape(i.description));
    }
    html += "</table>";
  }
  html += R"(<p class="note">Generated by Bitgoeul from the run's trips.csv, vehicle_events.csv, kpis.json, permit.json and incidents.csv, checked against the permit. Vehicle-km are all on permitted roads: the fleet's road graph holds no other. Machine-readable: regulator_summary.csv, regulator_violations.csv.</p></body></html>)";
  std::ofstream out(out_dir + "/regulator_report.html");
  if (!out) return io_error("{}/regulator_report.html: cannot open for writing", out_dir);
  out << html;
  if (!out) return io_error("{}/regulator_report.html: write failed", out_dir);
  return Status::ok();
}

}  // namespace bitgoeul::taxi::rules
