#pragma once
// WGS-84 coordinates and the distances between them. Degrees in, metres out.

#include <string>
#include <string_view>

#include "core/error.h"

namespace bitgoeul::geo {

struct LatLon {
  double lat = 0.0;  // degrees, [-90, 90]
  double lon = 0.0;  // degrees, [-180, 180]
  friend bool operator==(const LatLon&, const LatLon&) = default;
};

inline constexpr double kEarthRadiusM = 6371008.8;  // mean radius (IUGG)

bool is_valid(const LatLon& point);

// Great-circle distance in metres.
double haversine_m(const LatLon& a, const LatLon& b);

// Parses "LAT,LON" (as the CLI's --from/--to take it). The error names `field`.
Result<LatLon> parse_lat_lon(std::string_view text, std::string_view field);

// An equirectangular projection around a reference latitude: metres east/north of the origin. Accurate to well
// under 0.1% across a city, and cheap enough for nearest-neighbour search.
class LocalProjection {
 public:
  explicit LocalProjection(LatLon origin);
  struct Xy {
    double x = 0.0;  // metres east
    double y = 0.0;  // metres north
  };
  Xy to_xy(const LatLon& point) const;
  LatLon to_lat_lon(const Xy& point) const;

 private:
  LatLon origin_;
  double metres_per_degree_lat_;
  double metres_per_degree_lon_;
};

}  // namespace bitgoeul::geo
