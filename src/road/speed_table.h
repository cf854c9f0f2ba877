#pragma once
// The one table of car speeds the importer uses: a default per road class for ways without a usable `maxspeed`,
// and the interpretation of every `maxspeed` spelling (numbers, units, country zone codes, "walk", "none").
// Speeds are km/h. The driving speed of an edge is its tagged limit when one is readable, else the class default;
// the class defaults are typical free-flow city speeds (Korean urban roads), not legal limits.

#include <optional>
#include <string_view>

#include "road/road_graph.h"

namespace bitgoeul::road {

// Default speed of a class, km/h, > 0.
double default_speed_kmh(RoadClass road_class);

// The speed a `maxspeed` value means, km/h, or nothing when it gives no number to drive at.
//   "50", "50 km/h", "50kmh", "50 kph"   → 50
//   "30 mph", "30mph"                    → 48.28
//   "10 knots"                           → 18.52
//   "KR:urban" / "KR:rural" / "KR:motorway" / "DE:living_street" / "FR:zone30" ... → the country's value
//   "walk"                               → kWalkSpeedKmh
//   "none", "signals", "variable", "", garbage, 0, negative, > kMaxPlausibleSpeedKmh → nothing (use the default)
// A list ("50;30") takes its first value.
std::optional<double> parse_maxspeed_kmh(std::string_view value);

inline constexpr double kWalkSpeedKmh = 7.0;
inline constexpr double kMaxPlausibleSpeedKmh = 300.0;

}  // namespace bitgoeul::road
