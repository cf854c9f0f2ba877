#pragma once
// A demonstration permit: where, when and how an autonomous-taxi service may run (Korean demonstration permits
// designate zones and roads, operating hours, pick-up/drop-off points, safety drivers, speed limits and
// suspensions). Read and validated by permit_file.h; enforced through permit_rules.h by the simulator and the live
// service alike.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "geo/lat_lon.h"
#include "geo/zones.h"
#include "road/road_graph.h"
#include "taxi/rules/calendar.h"

namespace bitgoeul::taxi::rules {

// Part of a day in seconds since its midnight; end_s > 86400 when the window crosses midnight into the next day.
struct DailyWindow {
  double start_s = 0.0;
  double end_s = 0.0;
  friend bool operator==(const DailyWindow&, const DailyWindow&) = default;
};
std::string format_window(const DailyWindow& window);  // "22:00-02:00"

struct DesignatedStop {
  std::string id;
  std::string name;
  geo::LatLon point;
};

struct ZoneSpeedCap {
  std::vector<geo::Zone> zones;  // e.g. school zones
  double kmh = 0.0;
  std::string source;  // the file, for messages and reports
};

struct Suspension {
  int64_t start_s = 0;  // local time, seconds since 1970-01-01 00:00 (no time zone: the permit's local time)
  int64_t end_s = 0;
  std::string reason;
};

struct Permit {
  std::string path;
  std::string name;
  std::string number;  // the regulator's permit number
  std::string holder;
  Date valid_from;
  Date valid_until;  // inclusive
  uint32_t max_vehicles = 0;  // in service at once; 0 = no limit

  std::vector<geo::Zone> permitted;  // the service area is their union ...
  std::vector<geo::Zone> excluded;   // ... minus these

  std::array<std::vector<DailyWindow>, 3> hours;  // per DayType; empty = closed that day type
  std::vector<Date> extra_holidays;

  std::vector<DesignatedStop> stops;  // empty: door to door
  double max_walk_m = 0.0;

  std::array<double, static_cast<size_t>(road::RoadClass::kCount)> class_speed_cap_kmh{};  // 0 = no cap
  std::vector<ZoneSpeedCap> zone_speed_caps;

  uint32_t safety_driver_vehicles = 0;  // the fleet's first N vehicles carry a safety driver ...
  std::vector<DailyWindow> safety_driver_shifts;  // ... and may serve riders only during these shifts

  std::vector<Suspension> suspensions;
};

// Inside a permitted zone and outside every excluded one.
bool in_permitted_area(const Permit& permit, const geo::LatLon& point);

// Seconds since 1970-01-01 local midnight of `date`.
inline int64_t midnight_s(const Date& date) { return days_since_epoch(date) * 86400; }

}  // namespace bitgoeul::taxi::rules
