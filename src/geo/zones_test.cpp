#include "geo/zones.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul::geo {
namespace {

const std::string kGwangju = std::string(BITGOEUL_SHARED_DATA_DIR) + "/gwangju";

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("bitgoeul_zones_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string feature_collection(const std::string& features) {
  return R"({"type":"FeatureCollection","features":[)" + features + "]}";
}

std::string square_feature(const std::string& id, double lon, double lat, double size) {
  return fmt::format(
      R"({{"type":"Feature","properties":{{"code":"{}","name":"zone {}","pop":100}},"geometry":{{"type":"Polygon",)"
      R"("coordinates":[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}})",
      id, id, lon, lat, lon + size, lat, lon + size, lat + size, lon, lat + size, lon, lat);
}

TEST(Zones, ReadsGwangjuDistrictsAndDongs) {
  if (!std::filesystem::exists(kGwangju)) GTEST_SKIP() << "no shared data at " << kGwangju;
  auto districts = read_zones_geojson(kGwangju + "/districts.geojson");
  ASSERT_TRUE(districts.is_ok()) << districts.status().to_string();
  ASSERT_EQ(districts->size(), 5u);
  double total_km2 = 0;
  for (const Zone& district : *districts) total_km2 += area_km2(district);
  // Gwangju covers 501 km²; the published boundaries are simplified.
  EXPECT_NEAR(total_km2, 501.0, 25.0);

  auto dongs = read_zones_geojson(kGwangju + "/dongs.geojson");
  ASSERT_TRUE(dongs.is_ok()) << dongs.status().to_string();
  EXPECT_EQ(dongs->size(), 95u);
  // Gwangju City Hall stands in Seo-gu (code 24020).
  const int district = find_zone(*districts, {35.1601, 126.8514});
  ASSERT_GE(district, 0);
  EXPECT_EQ((*districts)[district].id, "24020");
  EXPECT_EQ(find_zone(*districts, {37.5133, 127.1002}), -1);  // Seoul is not in Gwangju
}

TEST(Zones, SamplingStaysInsideAndIsReproducible) {
  const std::string path = write_temp("sample.geojson", feature_collection(square_feature("a", 127.0, 37.0, 0.01)));
  auto zones = read_zones_geojson(path, {.id_property = "code", .name_property = "name", .weight_property = "pop"});
  ASSERT_TRUE(zones.is_ok()) << zones.status().to_string();
  EXPECT_DOUBLE_EQ((*zones)[0].weight, 100.0);
  std::mt19937_64 first(7);
  std::mt19937_64 second(7);
  for (int i = 0; i < 1000; ++i) {
    const LatLon a = sample_uniform((*zones)[0], first);
    EXPECT_TRUE(contains((*zones)[0], a));
    EXPECT_EQ(a, sample_uniform((*zones)[0], second));
  }
  EXPECT_NEAR(area_km2((*zones)[0]), 1.111 * 0.886, 0.01);
}

TEST(Zones, HolesAreExcluded) {
  const std::string text = feature_collection(
      R"({"type":"Feature","properties":{"code":"ring"},"geometry":{"type":"Polygon","coordinates":[)"
      R"([[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}})");
  auto zones = read_zones_geojson(write_temp("hole.geojson", text));
  ASSERT_TRUE(zones.is_ok()) << zones.status().to_string();
  EXPECT_TRUE(contains((*zones)[0], {2, 2}));
  EXPECT_FALSE(contains((*zones)[0], {5, 5}));
}

struct BadZoneCase {
  const char* name;
  std::string text;
  const char* expected;
};

TEST(Zones, BadFilesNameTheFeatureAndTheProblem) {
  const std::vector<BadZoneCase> cases = {
      {"not_json", "{not json", "not valid JSON"},
      {"not_collection", R"({"type":"Feature"})", "FeatureCollection"},
      {"numeric_type", R"({"type":3373333})", "FeatureCollection"},  // found by the fuzzer: must not throw
      {"numeric_geometry_type",
       feature_collection(R"({"type":"Feature","properties":{"code":"t"},"geometry":{"type":7,"coordinates":[]}})"),
       "is not Polygon"},
      {"bowtie",
       feature_collection(R"({"type":"Feature","properties":{"code":"bow"},"geometry":{"type":"Polygon",)"
                          R"("coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}})"),
       "Self-intersection"},
      {"hole_outside",
       feature_collection(R"({"type":"Feature","properties":{"code":"h"},"geometry":{"type":"Polygon","coordinates":[)"
                          R"([[0,0],[1,0],[1,1],[0,1],[0,0]],[[5,5],[6,5],[6,6],[5,6],[5,5]]]}})"),
       "Hole lies outside shell"},
      {"duplicate", feature_collection(square_feature("x", 0, 0, 1) + "," + square_feature("x", 2, 2, 1)),
       "duplicate zone id 'x'"},
      {"point",
       feature_collection(R"({"type":"Feature","properties":{"code":"p"},"geometry":{"type":"Point","coordinates":[0,0]}})"),
       "'Point' is not Polygon"},
      {"out_of_range", feature_collection(square_feature("far", 179.5, 10, 1)), "out of range"},
      {"short_ring",
       feature_collection(R"({"type":"Feature","properties":{"code":"s"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}})"),
       "at least three"},
      {"no_geometry", feature_collection(R"({"type":"Feature","properties":{"code":"n"}})"), "has no geometry"},
      {"bad_position",
       feature_collection(R"({"type":"Feature","properties":{"code":"b"},"geometry":{"type":"Polygon","coordinates":[[[0,"a"],[1,1],[1,0]]]}})"),
       "position 0"},
  };
  for (const BadZoneCase& bad : cases) {
    const std::string path = write_temp(std::string(bad.name) + ".geojson", bad.text);
    auto zones = read_zones_geojson(path);
    ASSERT_FALSE(zones.is_ok()) << bad.name;
    EXPECT_NE(zones.status().message().find(bad.expected), std::string::npos)
        << bad.name << ": " << zones.status().message();
    EXPECT_NE(zones.status().message().find(path), std::string::npos) << bad.name;
  }
  EXPECT_EQ(read_zones_geojson("/nonexistent/zones.geojson").status().code(), ErrorCode::kNotFound);
  auto missing_weight = read_zones_geojson(write_temp("weight.geojson", feature_collection(square_feature("w", 0, 0, 1))),
                                           {.id_property = "code", .name_property = "name", .weight_property = "people"});
  EXPECT_NE(missing_weight.status().message().find("'people'"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::geo
