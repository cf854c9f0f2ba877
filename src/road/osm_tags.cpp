#include "road/osm_tags.h"

#include <cstring>
#include <string>

#include <osmium/osm/tag.hpp>

#include "road/speed_table.h"

namespace bitgoeul::road {
namespace {

std::string_view tag(const osmium::TagList& tags, const char* key) {
  const char* value = tags.get_value_by_key(key);
  return value != nullptr ? std::string_view(value) : std::string_view();
}

// Access values that shut cars out. Everything else (yes, destination, permissive, designated, delivery,
// customers, unknown values) lets them in: a robotaxi may enter to drop off a passenger.
bool denies_access(std::string_view value) {
  return is_one_of(value, {"no", "private", "agricultural", "forestry", "emergency", "military", "use_sidepath"});
}

const char* access_rule(const osmium::TagList& tags) {
  for (const char* key : {"motorcar", "motor_vehicle", "vehicle", "access"}) {
    const std::string_view value = tag(tags, key);
    if (value.empty()) continue;
    if (!denies_access(value)) return nullptr;
    if (value == "no") return "access=no";
    if (value == "private") return "access=private";
    return "access restricted";
  }
  return nullptr;
}

enum class Oneway { kNo, kForward, kBackward, kReversible };

Oneway oneway_rule(const osmium::TagList& tags, RoadClass road_class) {
  const std::string_view oneway = tag(tags, "oneway");
  if (is_one_of(oneway, {"yes", "1", "true"})) return Oneway::kForward;
  if (is_one_of(oneway, {"-1", "reverse"})) return Oneway::kBackward;
  // Direction changes by time of day: the graph has no time, so the way is treated as closed.
  if (is_one_of(oneway, {"reversible", "alternating"})) return Oneway::kReversible;
  if (is_one_of(oneway, {"no", "0", "false"})) return Oneway::kNo;
  const std::string_view junction = tag(tags, "junction");
  if (junction == "roundabout" || junction == "circular") return Oneway::kForward;
  if (road_class == RoadClass::kMotorway) return Oneway::kForward;
  return Oneway::kNo;
}

double speed_for(const osmium::TagList& tags, const char* directional_key, double fallback_kmh) {
  if (auto kmh = parse_maxspeed_kmh(tag(tags, directional_key))) return *kmh;
  return fallback_kmh;
}

}  // namespace

std::optional<RoadClass> road_class_of(std::string_view highway) {
  static constexpr struct {
    std::string_view name;
    RoadClass road_class;
  } kClasses[] = {
      {"motorway", RoadClass::kMotorway},         {"motorway_link", RoadClass::kMotorwayLink},
      {"trunk", RoadClass::kTrunk},               {"trunk_link", RoadClass::kTrunkLink},
      {"primary", RoadClass::kPrimary},           {"primary_link", RoadClass::kPrimaryLink},
      {"secondary", RoadClass::kSecondary},       {"secondary_link", RoadClass::kSecondaryLink},
      {"tertiary", RoadClass::kTertiary},         {"tertiary_link", RoadClass::kTertiaryLink},
      {"unclassified", RoadClass::kUnclassified}, {"residential", RoadClass::kResidential},
      {"living_street", RoadClass::kLivingStreet}, {"service", RoadClass::kService},
  };
  for (const auto& entry : kClasses) {
    if (entry.name == highway) return entry.road_class;
  }
  return std::nullopt;
}

WayDecision classify_way(const osmium::TagList& tags) {
  const std::string_view highway = tag(tags, "highway");
  if (highway.empty()) return {};
  if (tag(tags, "area") == "yes") return {std::nullopt, "area=yes"};
  if (tag(tags, "route") == "ferry") return {std::nullopt, "ferry"};
  const std::string_view construction = tag(tags, "construction");
  if (highway == "construction" || highway == "proposed" || (!construction.empty() && construction != "no")) {
    return {std::nullopt, "construction"};
  }
  const std::optional<RoadClass> road_class = road_class_of(highway);
  if (!road_class) return {std::nullopt, "highway class not for cars"};
  if (const char* denied = access_rule(tags)) return {std::nullopt, denied};

  WayProfile profile;
  profile.road_class = *road_class;
  switch (oneway_rule(tags, *road_class)) {
    case Oneway::kNo: break;
    case Oneway::kForward: profile.backward = false; break;
    case Oneway::kBackward: profile.forward = false; break;
    case Oneway::kReversible: return {std::nullopt, "oneway=reversible"};
  }
  const double both_kmh = speed_for(tags, "maxspeed", default_speed_kmh(*road_class));
  profile.forward_speed_kmh = profile.forward ? speed_for(tags, "maxspeed:forward", both_kmh) : 0.0;
  profile.backward_speed_kmh = profile.backward ? speed_for(tags, "maxspeed:backward", both_kmh) : 0.0;
  return {profile, nullptr};
}

}  // namespace bitgoeul::road
