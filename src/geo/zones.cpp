#include "geo/zones.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace bitgoeul::geo {
namespace {

using nlohmann::json;

Result<Ring> parse_ring(const json& coordinates, const std::string& where) {
  if (!coordinates.is_array()) return invalid_input("{}: a ring is not an array of positions", where);
  Ring ring;
  for (size_t i = 0; i < coordinates.size(); ++i) {
    const json& position = coordinates[i];
    if (!position.is_array() || position.size() < 2 || !position[0].is_number() || !position[1].is_number()) {
      return invalid_input("{}: position {} is not [lon, lat]", where, i);
    }
    const LatLon point{position[1].get<double>(), position[0].get<double>()};
    if (!is_valid(point)) return invalid_input("{}: position {} [{}, {}] is out of range", where, i, point.lon, point.lat);
    ring.push_back(point);
  }
  if (ring.size() >= 2 && ring.front() == ring.back()) ring.pop_back();
  if (ring.size() < 3) return invalid_input("{}: a ring needs at least three distinct positions", where);
  return ring;
}

Result<Polygon> parse_polygon(const json& rings, const std::string& where) {
  if (!rings.is_array() || rings.empty()) return invalid_input("{}: a polygon needs at least one ring", where);
  Polygon polygon;
  for (size_t r = 0; r < rings.size(); ++r) {
    BITGOEUL_ASSIGN_OR_RETURN(Ring ring, parse_ring(rings[r], fmt::format("{} ring {}", where, r)));
    if (r == 0) {
      polygon.outer = std::move(ring);
    } else {
      polygon.holes.push_back(std::move(ring));
    }
  }
  return polygon;
}

bool ring_contains(const Ring& ring, const LatLon& point) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const LatLon& a = ring[i];
    const LatLon& b = ring[j];
    if ((a.lat > point.lat) != (b.lat > point.lat) &&
        point.lon < (b.lon - a.lon) * (point.lat - a.lat) / (b.lat - a.lat) + a.lon) {
      inside = !inside;
    }
  }
  return inside;
}

// Shoelace area in a local projection, square metres.
double ring_area_m2(const Ring& ring, const LocalProjection& projection) {
  double twice_area = 0.0;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const auto a = projection.to_xy(ring[j]);
    const auto b = projection.to_xy(ring[i]);
    twice_area += a.x * b.y - b.x * a.y;
  }
  return std::abs(twice_area) / 2.0;
}

// A member that must be a string; "" when absent or of another type (json::value() would throw on a number).
std::string string_member(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string property_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return fmt::format("{}", value.get<double>());
  return {};
}

}  // namespace

Status check_polygon_with_geos(const Polygon& polygon, const std::string& where);  // geos_validity.cpp

Status check_zone_valid(const Zone& zone, const std::string& where) {
  for (size_t p = 0; p < zone.polygons.size(); ++p) {
    BITGOEUL_RETURN_IF_ERROR(
        check_polygon_with_geos(zone.polygons[p], fmt::format("{}: zone '{}' polygon {}", where, zone.id, p)));
  }
  return Status::ok();
}

Result<std::vector<Zone>> read_zones_geojson(const std::string& path, const ZoneReadOptions& options) {
  std::ifstream in(path);
  if (!in) return not_found("{}: cannot open zone file", path);
  json document = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return invalid_input("{}: not valid JSON", path);
  if (!document.is_object() || string_member(document, "type") != "FeatureCollection" || !document.contains("features") ||
      !document["features"].is_array()) {
    return invalid_input("{}: expected a GeoJSON FeatureCollection with a \"features\" array", path);
  }
  std::vector<Zone> zones;
  std::set<std::string> seen_ids;
  const json& features = document["features"];
  for (size_t f = 0; f < features.size(); ++f) {
    const json& feature = features[f];
    const json properties = feature.is_object() && feature.contains("properties") && feature["properties"].is_object()
                                ? feature["properties"]
                                : json::object();
    Zone zone;
    zone.id = properties.contains(options.id_property) ? property_text(properties[options.id_property]) : "";
    if (zone.id.empty()) zone.id = std::to_string(f);
    zone.name = properties.contains(options.name_property) ? property_text(properties[options.name_property]) : zone.id;
    const std::string where = fmt::format("{}: feature {} ('{}')", path, f, zone.id);
    if (!seen_ids.insert(zone.id).second) return invalid_input("{}: duplicate zone id '{}'", where, zone.id);
    if (!options.weight_property.empty()) {
      if (!properties.contains(options.weight_property) || !properties[options.weight_property].is_number() ||
          properties[options.weight_property].get<double>() < 0) {
        return invalid_input("{}: property '{}' must be a non-negative number", where, options.weight_property);
      }
      zone.weight = properties[options.weight_property].get<double>();
    }
    if (!feature.is_object() || !feature.contains("geometry") || !feature["geometry"].is_object()) {
      return invalid_input("{}: has no geometry", where);
    }
    const json& geometry = feature["geometry"];
    const std::string type = string_member(geometry, "type");
    if (!geometry.contains("coordinates")) return invalid_input("{}: geometry has no coordinates", where);
    if (type == "Polygon") {
      BITGOEUL_ASSIGN_OR_RETURN(Polygon polygon, parse_polygon(geometry["coordinates"], where));
      zone.polygons.push_back(std::move(polygon));
    } else if (type == "MultiPolygon" && geometry["coordinates"].is_array()) {
      for (size_t p = 0; p < geometry["coordinates"].size(); ++p) {
        BITGOEUL_ASSIGN_OR_RETURN(Polygon polygon,
                                  parse_polygon(geometry["coordinates"][p], fmt::format("{} polygon {}", where, p)));
        zone.polygons.push_back(std::move(polygon));
      }
      if (zone.polygons.empty()) return invalid_input("{}: MultiPolygon has no polygons", where);
    } else {
      return invalid_input("{}: geometry type '{}' is not Polygon or MultiPolygon", where, type);
    }
    zone.south_west = {90, 180};
    zone.north_east = {-90, -180};
    for (const Polygon& polygon : zone.polygons) {
      for (const LatLon& point : polygon.outer) {
        zone.south_west = {std::min(zone.south_west.lat, point.lat), std::min(zone.south_west.lon, point.lon)};
        zone.north_east = {std::max(zone.north_east.lat, point.lat), std::max(zone.north_east.lon, point.lon)};
      }
    }
    BITGOEUL_RETURN_IF_ERROR(check_zone_valid(zone, fmt::format("{}: feature {}", path, f)));
    zones.push_back(std::move(zone));
  }
  return zones;
}

bool contains(const Zone& zone, const LatLon& point) {
  if (point.lat < zone.south_west.lat || point.lat > zone.north_east.lat || point.lon < zone.south_west.lon ||
      point.lon > zone.north_east.lon) {
    return false;
  }
  for (const Polygon& polygon : zone.polygons) {
    if (!ring_contains(polygon.outer, point)) continue;
    const bool in_hole = std::any_of(polygon.holes.begin(), polygon.holes.end(),
                                     [&](const Ring& hole) { return ring_contains(hole, point); });
    if (!in_hole) return true;
  }
  return false;
}

double area_km2(const Zone& zone) {
  const LocalProjection projection(zone.south_west);
  double area_m2 = 0.0;
  for (const Polygon& polygon : zone.polygons) {
    area_m2 += ring_area_m2(polygon.outer, projection);
    for (const Ring& hole : polygon.holes) area_m2 -= ring_area_m2(hole, projection);
  }
  return area_m2 / 1e6;
}

LatLon sample_uniform(const Zone& zone, std::mt19937_64& random) {
  std::uniform_real_distribution<double> lat(zone.south_west.lat, zone.north_east.lat);
  std::uniform_real_distribution<double> lon(zone.south_west.lon, zone.north_east.lon);
  // A bounding box is uniform in degrees, which is uniform in area to well under 0.1% across a city.
  while (true) {
    const LatLon candidate{lat(random), lon(random)};
    if (contains(zone, candidate)) return candidate;
  }
}

int find_zone(const std::vector<Zone>& zones, const LatLon& point) {
  for (size_t i = 0; i < zones.size(); ++i) {
    if (contains(zones[i], point)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace bitgoeul::geo
