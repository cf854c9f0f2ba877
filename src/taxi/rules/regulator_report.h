#pragma once
// The regulator's daily report of a demonstration run: trips and passengers, vehicle-km, safety-driver hours,
// incidents and disengagements (recorded events), refusals by rule, and rule violations — expected zero, any found
// listed with time and place. Built from a run directory (trips.csv, vehicle_events.csv, kpis.json, permit.json,
// and incidents.csv when events were recorded) and checked independently against the permit: the report does not
// take the simulator's word for compliance.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"
#include "taxi/rules/permit.h"
#include "taxi/rules/permit_rules.h"

namespace bitgoeul::taxi::rules {

// A recorded event: `incidents.csv` in the run directory, columns time_s, vehicle, kind (incident or
// disengagement), lat, lon, description.
struct RecordedIncident {
  double time_s = 0.0;
  uint32_t vehicle = 0;
  std::string kind;
  geo::LatLon point;
  std::string description;
};

struct Violation {
  double time_s = 0.0;
  uint32_t vehicle = 0;
  std::string rule;  // area, operating hours, suspension, safety driver, fleet cap
  geo::LatLon point;
  std::string detail;
};

struct RegulatorReport {
  std::string permit_name;
  std::string permit_number;
  std::string holder;
  std::string day;
  std::string day_type;
  double start_s = 0.0;
  double end_s = 0.0;
  uint64_t requests = 0;
  uint64_t trips = 0;        // completed rides
  uint64_t passengers = 0;   // carried on them
  std::map<std::string, uint64_t> refusals;  // rejection reason → requests
  double occupied_km = 0.0;
  double empty_km = 0.0;
  uint32_t vehicles_used = 0;       // vehicles that picked anyone up
  double safety_driver_hours = 0.0; // on-shift hours of the vehicles that carry a safety driver, within the run
  double walk_mean_m = 0.0;         // to and from designated stops, per completed ride
  std::vector<RecordedIncident> incidents;
  std::vector<Violation> violations;
  uint64_t events_checked = 0;      // vehicle events checked against the permit
};

// The rule a pick-up by `vehicle` (fleet index) at `time_s` (seconds since the service day's midnight) breaks:
// "fleet cap", "suspension", "operating hours" or "safety driver"; empty when the permit allows it. The simulator's
// report and the live service's (GET /api/v1/report) judge pick-ups with it.
std::string broken_pickup_rule(const PermitRules& rules, uint32_t vehicle, double time_s);

// Reads a run's incidents.csv; errors name the file, line and column.
Result<std::vector<RecordedIncident>> read_incidents_csv(const std::string& path);

// Errors name the run file and line at fault; a run made under another permit (number) is an error.
Result<RegulatorReport> build_regulator_report(const Permit& permit, const std::string& run_dir);
// Writes regulator_report.html, regulator_summary.csv (metric,value) and regulator_violations.csv into `out_dir`.
Status write_regulator_report(const RegulatorReport& report, const std::string& out_dir);

}  // namespace bitgoeul::taxi::rules
