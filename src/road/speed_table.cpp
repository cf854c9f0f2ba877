#include "road/speed_table.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace bitgoeul::road {
namespace {

// Defaults, km/h, indexed by RoadClass: typical free-flow speeds in a Korean city, where most ways carry no
// maxspeed. Links are slower than their roads; living streets and service roads are near walking pace.
constexpr std::array<double, static_cast<size_t>(RoadClass::kCount)> kDefaultSpeedKmh = {
    90.0,  // motorway
    50.0,  // motorway_link
    70.0,  // trunk
    40.0,  // trunk_link
    50.0,  // primary
    35.0,  // primary_link
    40.0,  // secondary
    30.0,  // secondary_link
    35.0,  // tertiary
    25.0,  // tertiary_link
    25.0,  // unclassified
    20.0,  // residential
    10.0,  // living_street
    15.0,  // service
};

constexpr double kKmhPerMph = 1.609344;
constexpr double kKmhPerKnot = 1.852;

constexpr double kNoLimit = 0.0;  // a zone without a general limit: no number to drive at

// Implicit limits "CC:context" (https://wiki.openstreetmap.org/wiki/Key:maxspeed, implicit speed limits).
struct ZoneSpeed {
  std::string_view country;  // ISO 3166-1 alpha-2, or "" for any country not listed
  std::string_view context;
  double kmh;
};
constexpr ZoneSpeed kZoneSpeeds[] = {
    {"KR", "urban", 50.0},      {"KR", "rural", 80.0},      {"KR", "motorway", 100.0},  {"KR", "trunk", 80.0},
    {"KR", "school", 30.0},     {"DE", "motorway", kNoLimit}, {"DE", "urban", 50.0},      {"DE", "rural", 100.0},     {"AT", "urban", 50.0},
    {"AT", "rural", 100.0},     {"AT", "motorway", 130.0},  {"AT", "trunk", 100.0},     {"CH", "urban", 50.0},
    {"CH", "rural", 80.0},      {"CH", "motorway", 120.0},  {"CH", "trunk", 100.0},     {"FR", "urban", 50.0},
    {"FR", "rural", 80.0},      {"FR", "motorway", 130.0},  {"FR", "trunk", 110.0},     {"IT", "urban", 50.0},
    {"IT", "rural", 90.0},      {"IT", "motorway", 130.0},  {"IT", "trunk", 110.0},     {"ES", "urban", 50.0},
    {"ES", "rural", 90.0},      {"ES", "motorway", 120.0},  {"NL", "urban", 50.0},      {"NL", "rural", 80.0},
    {"NL", "motorway", 130.0},  {"BE", "urban", 50.0},      {"BE", "rural", 70.0},      {"BE", "motorway", 120.0},
    {"RU", "urban", 60.0},      {"RU", "rural", 90.0},      {"RU", "motorway", 110.0},  {"JP", "urban", 60.0},
    {"JP", "rural", 60.0},      {"JP", "motorway", 100.0},  {"MC", "urban", 50.0},      {"GB", "nsl_single", 96.56},
    {"GB", "nsl_dual", 112.65}, {"GB", "motorway", 112.65}, {"GB", "urban", 48.28},
    // Any other country: the common European values.
    {"", "urban", 50.0},        {"", "rural", 90.0},        {"", "trunk", 100.0},       {"", "motorway", 120.0},
    {"", "living_street", 20.0}, {"", "pedestrian", kWalkSpeedKmh}, {"", "walk", kWalkSpeedKmh},
    {"", "school", 30.0},
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> plausible(double kmh) {
  if (!std::isfinite(kmh) || kmh <= 0.0 || kmh > kMaxPlausibleSpeedKmh) return std::nullopt;
  return kmh;
}

// "30", "zone30", "zone:30" → 30 (speed zones carry their number).
std::optional<double> zone_number(std::string_view context) {
  if (context.substr(0, 4) == "zone") context.remove_prefix(4);
  if (!context.empty() && context.front() == ':') context.remove_prefix(1);
  if (context.empty()) return std::nullopt;
  double kmh = 0.0;
  const char* end = context.data() + context.size();
  const auto parsed = std::from_chars(context.data(), end, kmh);
  if (parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  return plausible(kmh);
}

std::optional<double> zone_speed(std::string_view country, std::string_view context) {
  if (auto number = zone_number(context)) return number;
  for (const ZoneSpeed& zone : kZoneSpeeds) {
    if (zone.country == country && zone.context == context) return plausible(zone.kmh);
  }
  for (const ZoneSpeed& zone : kZoneSpeeds) {
    if (zone.country.empty() && zone.context == context) return zone.kmh;
  }
  return std::nullopt;
}

}  // namespace

double default_speed_kmh(RoadClass road_class) {
  const auto index = static_cast<size_t>(road_class);
  return index < kDefaultSpeedKmh.size() ? kDefaultSpeedKmh[index] : kDefaultSpeedKmh.back();
}

std::optional<double> parse_maxspeed_kmh(std::string_view value) {
  const size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos) value = value.substr(0, semicolon);
  const std::string text = lower(trim(value));
  if (text.empty()) return std::nullopt;
  if (text == "walk") return kWalkSpeedKmh;

  // "CC:context", e.g. "KR:urban", "DE:zone:30".
  const size_t colon = text.find(':');
  if (colon == 2 && std::isalpha(static_cast<unsigned char>(text[0])) &&
      std::isalpha(static_cast<unsigned char>(text[1]))) {
    std::string country = text.substr(0, 2);
    for (char& c : country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return zone_speed(country, std::string_view(text).substr(3));
  }

  // A number with an optional unit.
  double number = 0.0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const auto parsed = std::from_chars(begin, end, number);
  if (parsed.ec != std::errc() || parsed.ptr == begin) return std::nullopt;
  const std::string_view unit = trim(std::string_view(parsed.ptr, static_cast<size_t>(end - parsed.ptr)));
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return plausible(number);
  if (unit == "mph") return plausible(number * kKmhPerMph);
  if (unit == "knots" || unit == "knot" || unit == "kn") return plausible(number * kKmhPerKnot);
  return std::nullopt;
}

}  // namespace bitgoeul::road
