#include "taxi/synthetic_demand.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace bitgoeul::taxi {
namespace {

const std::string kGwangju = std::string(BITGOEUL_SHARED_DATA_DIR) + "/gwangju";

geo::Zone square(const std::string& id, double lat, double lon, double size_deg, double weight) {
  geo::Zone zone;
  zone.id = id;
  zone.name = id;
  zone.polygons.push_back({{{lat, lon}, {lat, lon + size_deg}, {lat + size_deg, lon + size_deg}, {lat + size_deg, lon}}, {}});
  zone.south_west = {lat, lon};
  zone.north_east = {lat + size_deg, lon + size_deg};
  zone.weight = weight;
  return zone;
}

TEST(SyntheticDemand, SameSeedSameRequestsAndExactTotal) {
  const std::vector<geo::Zone> zones = {square("a", 37.50, 127.08, 0.02, 1.0), square("b", 37.50, 127.11, 0.02, 3.0)};
  SyntheticDemandOptions options;
  options.total_trips = 4000;
  options.seed = 42;
  auto first = generate_zone_demand(zones, options);
  auto second = generate_zone_demand(zones, options);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_EQ(first->size(), 4000u);
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*first)[i].origin, (*second)[i].origin);
    EXPECT_EQ((*first)[i].request_time_s, (*second)[i].request_time_s);
  }
  options.seed = 43;
  EXPECT_NE((*generate_zone_demand(zones, options))[0].origin, (*first)[0].origin);
}

TEST(SyntheticDemand, FollowsWeightsProfileAndMinimumDistance) {
  const std::vector<geo::Zone> zones = {square("a", 37.50, 127.08, 0.02, 1.0), square("b", 37.50, 127.11, 0.02, 3.0)};
  SyntheticDemandOptions options;
  options.total_trips = 20000;
  auto requests = generate_zone_demand(zones, options);
  ASSERT_TRUE(requests.is_ok());
  size_t in_b = 0;
  std::array<size_t, 24> per_hour{};
  for (const TripRequest& request : *requests) {
    in_b += geo::contains(zones[1], request.origin) ? 1 : 0;
    EXPECT_GE(geo::haversine_m(request.origin, request.destination), options.min_trip_distance_m);
    ++per_hour[static_cast<size_t>(request.request_time_s / 3600)];
    EXPECT_GE(request.passengers, 1);
    EXPECT_LE(request.passengers, 4);
  }
  EXPECT_NEAR(static_cast<double>(in_b) / requests->size(), 0.75, 0.02);
  const HourlyProfile profile = HourlyProfile::weekday();
  const double day_weight = std::accumulate(profile.weight.begin(), profile.weight.end(), 0.0);
  for (size_t hour = 0; hour < 24; ++hour) {
    // Largest-remainder rounding: each hour gets its share within one trip.
    EXPECT_NEAR(static_cast<double>(per_hour[hour]), 20000.0 * profile.weight[hour] / day_weight, 1.0) << hour;
  }
}

TEST(SyntheticDemand, ShortSpanTakesItsShareOfTheDay) {
  const std::vector<geo::Zone> zones = {square("a", 37.50, 127.08, 0.03, 1.0)};
  SyntheticDemandOptions options;
  options.total_trips = 24000;
  options.profile.weight.fill(1.0);
  options.start_s = 7 * 3600;
  options.end_s = 9.5 * 3600;
  auto requests = generate_zone_demand(zones, options);
  ASSERT_TRUE(requests.is_ok());
  EXPECT_EQ(requests->size(), 2500u);
  EXPECT_GE(requests->front().request_time_s, options.start_s);
  EXPECT_LT(requests->back().request_time_s, options.end_s);
}

TEST(SyntheticDemand, BadOptionsAreNamed) {
  const std::vector<geo::Zone> zones = {square("a", 37.50, 127.08, 0.001, 0.0)};
  EXPECT_NE(generate_zone_demand(zones, {}).status().message().find("no zone has a positive weight"), std::string::npos);
  const std::vector<geo::Zone> tiny = {square("t", 37.50, 127.08, 0.001, 1.0)};
  EXPECT_NE(generate_zone_demand(tiny, {}).status().message().find("too small"), std::string::npos);
  SyntheticDemandOptions reversed;
  reversed.start_s = 100;
  reversed.end_s = 50;
  EXPECT_NE(generate_zone_demand(tiny, reversed).status().message().find("time span"), std::string::npos);
}

TEST(SyntheticDemand, GwangjuDongsGetTheirDistrictsPopulation) {
  if (!std::filesystem::exists(kGwangju)) GTEST_SKIP() << "no shared data at " << kGwangju;
  auto districts = geo::read_zones_geojson(kGwangju + "/districts.geojson");
  auto dongs = geo::read_zones_geojson(kGwangju + "/dongs.geojson");
  auto population = read_zone_population_csv(kGwangju + "/district_population.csv");
  ASSERT_TRUE(districts.is_ok() && dongs.is_ok());
  ASSERT_TRUE(population.is_ok()) << population.status().to_string();
  ASSERT_TRUE(apportion_population(*dongs, *districts, *population).is_ok());
  double total = 0;
  for (const geo::Zone& dong : *dongs) total += dong.weight;
  EXPECT_NEAR(total, 1419000.0, 1.0);  // 106k + 289k + 210k + 421k + 393k
  SyntheticDemandOptions options;
  options.total_trips = 5000;
  auto requests = generate_zone_demand(*dongs, options);
  ASSERT_TRUE(requests.is_ok()) << requests.status().to_string();
  size_t in_buk_gu = 0;
  for (const TripRequest& request : *requests) {
    // Simplified dong and district outlines do not tile exactly; the dong's code carries its district.
    const int dong = geo::find_zone(*dongs, request.origin);
    ASSERT_GE(dong, 0);
    in_buk_gu += (*dongs)[dong].id.rfind("24040", 0) == 0 ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(in_buk_gu) / requests->size(), 421.0 / 1419.0, 0.03);
}

}  // namespace
}  // namespace bitgoeul::taxi
