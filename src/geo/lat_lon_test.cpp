#include "geo/lat_lon.h"

#include <gtest/gtest.h>

namespace bitgoeul::geo {
namespace {

TEST(LatLon, HaversineMatchesKnownDistance) {
  // Gwangju City Hall to Gwangju Station, about 5.3 km apart.
  const LatLon city_hall{35.1601, 126.8514};
  const LatLon station{35.1653, 126.9090};
  EXPECT_NEAR(haversine_m(city_hall, station), 5280.0, 60.0);
  EXPECT_DOUBLE_EQ(haversine_m(city_hall, city_hall), 0.0);
}

TEST(LatLon, ParseAcceptsDecimalDegreesAndNamesTheFieldOnError) {
  auto point = parse_lat_lon("37.5133, 127.1028", "--from");
  ASSERT_TRUE(point.is_ok());
  EXPECT_DOUBLE_EQ(point->lat, 37.5133);
  EXPECT_DOUBLE_EQ(point->lon, 127.1028);
  for (const char* bad : {"", "37.5", "abc,def", "37.5,", "91,10", "10,181", "nan,10", "inf,1", "1,2,3"}) {
    auto parsed = parse_lat_lon(bad, "--to");
    EXPECT_FALSE(parsed.is_ok()) << bad;
    EXPECT_NE(parsed.status().message().find("--to"), std::string::npos) << bad;
  }
}

TEST(LatLon, ProjectionRoundTripsAndKeepsDistances) {
  const LocalProjection projection({37.52, 127.10});
  const LatLon a{37.51, 127.08};
  const LatLon b{37.53, 127.13};
  const auto pa = projection.to_xy(a);
  const auto pb = projection.to_xy(b);
  const LatLon back = projection.to_lat_lon(pa);
  EXPECT_NEAR(back.lat, a.lat, 1e-9);
  EXPECT_NEAR(back.lon, a.lon, 1e-9);
  EXPECT_NEAR(std::hypot(pa.x - pb.x, pa.y - pb.y), haversine_m(a, b), 0.002 * haversine_m(a, b));
}

}  // namespace
}  // namespace bitgoeul::geo
