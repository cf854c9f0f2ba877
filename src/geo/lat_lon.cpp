#include "geo/lat_lon.h"

#include <charconv>
#include <cmath>
#include <numbers>

namespace bitgoeul::geo {
namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;

bool parse_double(std::string_view text, double& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out);
  return result.ec == std::errc() && result.ptr == end && std::isfinite(out);
}

}  // namespace

bool is_valid(const LatLon& point) {
  return std::isfinite(point.lat) && std::isfinite(point.lon) && point.lat >= -90.0 && point.lat <= 90.0 &&
         point.lon >= -180.0 && point.lon <= 180.0;
}

double haversine_m(const LatLon& a, const LatLon& b) {
  const double dlat = (b.lat - a.lat) * kRadiansPerDegree;
  const double dlon = (b.lon - a.lon) * kRadiansPerDegree;
  const double s = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(a.lat * kRadiansPerDegree) *
                                                                 std::cos(b.lat * kRadiansPerDegree) *
                                                                 std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2.0 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(s)));
}

Result<LatLon> parse_lat_lon(std::string_view text, std::string_view field) {
  const size_t comma = text.find(',');
  LatLon point;
  if (comma == std::string_view::npos || !parse_double(text.substr(0, comma), point.lat) ||
      !parse_double(text.substr(comma + 1), point.lon)) {
    return invalid_input("{}: '{}' is not LAT,LON in decimal degrees (e.g. 37.5133,127.1028)", field, text);
  }
  if (!is_valid(point)) {
    return invalid_input("{}: '{}' is outside latitude [-90,90] / longitude [-180,180]", field, text);
  }
  return point;
}

LocalProjection::LocalProjection(LatLon origin)
    : origin_(origin),
      metres_per_degree_lat_(kEarthRadiusM * kRadiansPerDegree),
      metres_per_degree_lon_(kEarthRadiusM * kRadiansPerDegree * std::cos(origin.lat * kRadiansPerDegree)) {}

LocalProjection::Xy LocalProjection::to_xy(const LatLon& point) const {
  return {(point.lon - origin_.lon) * metres_per_degree_lon_, (point.lat - origin_.lat) * metres_per_degree_lat_};
}

LatLon LocalProjection::to_lat_lon(const Xy& point) const {
  return {origin_.lat + point.y / metres_per_degree_lat_, origin_.lon + point.x / metres_per_degree_lon_};
}

}  // namespace bitgoeul::geo
