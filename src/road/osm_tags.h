#pragma once
// Private to the importer: which OSM ways a car may drive, in which directions and how fast. One function per tag
// rule family so each rule can be read (and tested through the importer) on its own.

#include <initializer_list>
#include <optional>
#include <string_view>

#include "road/road_graph.h"

namespace osmium {
class TagList;
}

namespace bitgoeul::road {

// Whether a tag's value is one of `options`.
inline bool is_one_of(std::string_view value, std::initializer_list<std::string_view> options) {
  for (std::string_view option : options) {
    if (value == option) return true;
  }
  return false;
}

// How a car may use a way. Speeds are km/h; a direction a car may not drive has speed 0.
struct WayProfile {
  RoadClass road_class = RoadClass::kResidential;
  bool forward = true;   // in the direction of the way's node list
  bool backward = true;
  double forward_speed_kmh = 0.0;
  double backward_speed_kmh = 0.0;
};

// The outcome of the tag rules for one way: a profile, or the reason it is not car-routable. `skip_reason` is
// null for ways without a `highway` tag (not roads at all: not counted), else a short stable phrase for the report.
struct WayDecision {
  std::optional<WayProfile> profile;
  const char* skip_reason = nullptr;
};

// Rules, in order: area=yes, route=ferry, highway=construction/proposed or construction=*, the highway class,
// access (motorcar > motor_vehicle > vehicle > access, the most specific tag present wins: no/private/... excluded,
// destination/permissive/... allowed), oneway (yes/1/true, -1/reverse, reversible/alternating → excluded,
// junction=roundabout/circular and highway=motorway imply oneway), maxspeed (+ :forward/:backward) → speed.
WayDecision classify_way(const osmium::TagList& tags);

// The RoadClass of a `highway` value, or nothing for classes cars do not use (footway, track, ...).
std::optional<RoadClass> road_class_of(std::string_view highway);

}  // namespace bitgoeul::road
