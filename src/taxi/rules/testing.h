#pragma once
// Shared by the permit tests only: permits built in code over rectangles.

#include <string>

#include "geo/zones.h"
#include "taxi/rules/permit.h"

namespace bitgoeul::taxi::rules::testing {

inline constexpr double kH = 3600.0;                 // an hour in seconds
inline constexpr Date kWednesday{2026, 11, 25};      // a working day in the holiday list's years

inline geo::Zone rectangle(const std::string& id, geo::LatLon south_west, geo::LatLon north_east) {
  geo::Zone zone;
  zone.id = id;
  zone.name = id;
  zone.polygons.push_back({{south_west, {south_west.lat, north_east.lon}, north_east, {north_east.lat, south_west.lon}}, {}});
  zone.south_west = south_west;
  zone.north_east = north_east;
  return zone;
}

// Open every day from 07:00 to 10:00 and from 22:00 to 02:00, in 2026, over `area`.
inline Permit everyday_permit(const geo::Zone& area) {
  Permit permit;
  permit.path = "test-permit.toml";
  permit.name = "test";
  permit.valid_from = {2026, 1, 1};
  permit.valid_until = {2026, 12, 31};
  permit.permitted = {area};
  for (auto& windows : permit.hours) windows = {{7 * 3600.0, 10 * 3600.0}, {22 * 3600.0, 26 * 3600.0}};
  return permit;
}

}  // namespace bitgoeul::taxi::rules::testing
