#pragma once
// Zones: named areas as (multi)polygons, read from GeoJSON — Gwangju's districts and dongs for demand, permitted
// and excluded areas for a demonstration permit.

#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"

namespace bitgoeul::geo {

using Ring = std::vector<LatLon>;  // closed implicitly: the last point connects back to the first

struct Polygon {
  Ring outer;
  std::vector<Ring> holes;
};

struct Zone {
  std::string id;
  std::string name;
  std::vector<Polygon> polygons;  // more than one for a GeoJSON MultiPolygon
  double weight = 0.0;            // e.g. population; 0 when the file gives none
  LatLon south_west;              // bounding box
  LatLon north_east;
};

struct ZoneReadOptions {
  std::string id_property = "code";  // feature property used as the zone id (numbers are accepted too)
  std::string name_property = "name";
  std::string weight_property;  // empty: no weights
};

// Reads Polygon and MultiPolygon features of a GeoJSON FeatureCollection. Errors name the file and the feature
// (index and id) and the field at fault: missing geometry, non-polygon geometry, rings with fewer than three points,
// coordinates out of range, duplicate ids, and polygons that are not valid (self-intersecting rings, holes outside
// their shell), with the place GEOS reports.
Result<std::vector<Zone>> read_zones_geojson(const std::string& path, const ZoneReadOptions& options = {});

// Same checks for zones built in code; `where` prefixes messages (e.g. the file name).
Status check_zone_valid(const Zone& zone, const std::string& where);

bool contains(const Zone& zone, const LatLon& point);
double area_km2(const Zone& zone);

// A point uniformly distributed over the zone's area (rejection sampling in the bounding box).
// REQUIRES: area_km2(zone) > 0.
LatLon sample_uniform(const Zone& zone, std::mt19937_64& random);

// Index of the first zone containing `point`, or -1.
int find_zone(const std::vector<Zone>& zones, const LatLon& point);

}  // namespace bitgoeul::geo
