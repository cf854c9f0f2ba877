#include "taxi/rules/permit_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul::taxi::rules {
namespace {

namespace fs = std::filesystem;

// A square of GeoJSON around (lat, lon) with half-side `d` degrees.
std::string square_feature(const std::string& id, double lat, double lon, double d) {
  return "{\"type\":\"Feature\",\"properties\":{\"id\":\"" + id + "\"},\"geometry\":{\"type\":\"Polygon\","
         "\"coordinates\":[[[" + std::to_string(lon - d) + "," + std::to_string(lat - d) + "],[" +
         std::to_string(lon + d) + "," + std::to_string(lat - d) + "],[" + std::to_string(lon + d) + "," +
         std::to_string(lat + d) + "],[" + std::to_string(lon - d) + "," + std::to_string(lat + d) + "]]]}}";
}

class PermitFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bitgoeul_permit_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("area.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + square_feature("pilot", 35.16, 126.86, 0.02) + "]}");
    write("hole.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + square_feature("works", 35.16, 126.86, 0.002) + "]}");
    write("stops.csv", "id,name,lat,lon\nS1,City hall,35.150,126.850\nS2,Station,35.170,126.870\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string permit(const std::string& extra) {
    return write("permit.toml", std::string("name = \"test\"\nvalid_from = \"2026-01-01\"\nvalid_until = \"2026-12-31\"\n") +
                                    extra);
  }
  static constexpr const char* kArea = "[area]\npermitted = \"area.geojson\"\n";
  static constexpr const char* kHours = "[hours]\nweekday = [\"07:00-10:00\", \"22:00-02:00\"]\n";
  fs::path dir_;
};

TEST_F(PermitFileTest, AFullPermitReads) {
  const std::string path = permit(std::string("number = \"AV-2026-017\"\nmax_vehicles = 30\n") +
                                  "[area]\npermitted = \"area.geojson\"\nexcluded = \"hole.geojson\"\n" +
                                  "[hours]\nweekday = [\"07:00-10:00\", \"22:00-02:00\"]\nweekend = [\"09:00-24:00\"]\n"
                                  "extra_holidays = [\"2026-12-31\"]\n"
                                  "[stops]\nfile = \"stops.csv\"\nmax_walk_m = 300\n"
                                  "[speed_caps]\nby_class_kmh = { primary = 50, residential = 30 }\n"
                                  "[[speed_caps.zone]]\nzones = \"hole.geojson\"\nkmh = 20\n"
                                  "[safety_drivers]\nvehicles = 5\nshifts = [\"07:00-15:00\", \"15:00-23:00\"]\n"
                                  "[[suspension]]\nfrom = \"2026-11-25 08:00\"\nto = \"2026-11-25 08:30\"\nreason = \"snow\"\n");
  auto read = read_permit_file(path);
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  const Permit& p = *read;
  EXPECT_EQ(p.number, "AV-2026-017");
  EXPECT_EQ(p.max_vehicles, 30u);
  ASSERT_EQ(p.hours[0].size(), 2u);
  EXPECT_EQ(p.hours[0][1], (DailyWindow{22 * 3600.0, 26 * 3600.0}));  // crosses midnight
  EXPECT_EQ(format_window(p.hours[0][1]), "22:00-02:00");
  EXPECT_EQ(format_window(p.hours[1][0]), "09:00-24:00");
  EXPECT_TRUE(p.hours[2].empty());  // closed on holidays
  EXPECT_EQ(p.stops.size(), 2u);
  EXPECT_DOUBLE_EQ(p.class_speed_cap_kmh[static_cast<size_t>(road::RoadClass::kPrimary)], 50.0);
  EXPECT_EQ(p.zone_speed_caps.size(), 1u);
  EXPECT_EQ(p.safety_driver_vehicles, 5u);
  ASSERT_EQ(p.suspensions.size(), 1u);
  EXPECT_EQ(p.suspensions[0].end_s - p.suspensions[0].start_s, 1800);
  EXPECT_TRUE(in_permitted_area(p, {35.15, 126.85}));
  EXPECT_FALSE(in_permitted_area(p, {35.16, 126.86}));  // in the excluded works
  EXPECT_FALSE(in_permitted_area(p, {35.20, 126.86}));  // outside
}

TEST_F(PermitFileTest, InvalidPermitsAreRejectedNamingTheElement) {
  write("bowtie.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"bow\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[126.8,35.1],[126.9,35.2],[126.9,35.1],[126.8,35.2]]]}}]}");
  write("far_stops.csv", "id,lat,lon\nS1,35.150,126.850\nFAR,36.0,127.5\n");
  write("bad_stops.csv", "id,lat,lon\nS1,35.150,126.850\nS2,north,126.9\n");
  const std::string hours = kHours;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(kArea) + hours + "colour = \"red\"\n", "hours.colour: unknown key"},
      {std::string(kArea) + "[hours]\nweekday = [\"07:00-10:00\", \"09:30-12:00\"]\n",
       "hours.weekday: windows 07:00-10:00 and 09:30-12:00 overlap"},
      {std::string(kArea) + "[hours]\nweekday = [\"06:00-09:00\", \"22:00-07:00\"]\n",
       "window 22:00-07:00 runs past midnight into 06:00-09:00"},
      {std::string(kArea) + "[hours]\nweekday = [\"7:00-10:00\"]\n", "'7:00-10:00' is not a window HH:MM-HH:MM"},
      {std::string(kArea) + "[hours]\nweekday = [\"07:00-07:00\"]\n", "'07:00-07:00' is empty"},
      {std::string(kArea) + "[hours]\nweekday = [\"25:00-26:00\"]\n", "is not a window"},
      {"[area]\npermitted = \"bowtie.geojson\"\n" + hours, "bow"},
      {"[area]\npermitted = \"missing.geojson\"\n" + hours, "missing.geojson"},
      {hours, "missing [area]"},
      {std::string(kArea), "missing [hours]"},
      {std::string(kArea) + hours + "[stops]\nfile = \"far_stops.csv\"\nmax_walk_m = 300\n",
       "stop 'FAR' (36.000000, 127.500000) lies outside the permitted area"},
      {std::string(kArea) + hours + "[stops]\nfile = \"bad_stops.csv\"\nmax_walk_m = 300\n", "bad_stops.csv:3"},
      {std::string(kArea) + hours + "[stops]\nfile = \"stops.csv\"\nmax_walk_m = 0\n", "stops.max_walk_m"},
      {std::string(kArea) + hours + "[speed_caps]\nby_class_kmh = { highway = 50 }\n",
       "speed_caps.by_class_kmh.highway: unknown road class 'highway'"},
      {std::string(kArea) + hours + "[speed_caps]\nby_class_kmh = { primary = 500 }\n", "500 km/h is not between"},
      {std::string(kArea) + hours + "[safety_drivers]\nvehicles = 3\n", "safety_drivers.shifts"},
      {std::string(kArea) + hours + "[[suspension]]\nfrom = \"2026-11-25 08:00\"\nto = \"2026-11-25 07:00\"\nreason = \"x\"\n",
       "suspension[0].to: must be after 'from'"},
      {std::string(kArea) + hours +
           "[[suspension]]\nfrom = \"2026-11-25 08:00\"\nto = \"2026-11-25 10:00\"\nreason = \"snow\"\n"
           "[[suspension]]\nfrom = \"2026-11-25 09:00\"\nto = \"2026-11-25 11:00\"\nreason = \"parade\"\n",
       "suspension 'parade' overlaps suspension 'snow'"},
      {std::string(kArea) + hours + "[[suspension]]\nfrom = \"2026-11-31 08:00\"\nto = \"2026-12-01 07:00\"\nreason = \"x\"\n",
       "'2026-11-31' is not a calendar date"},
      {"max_vehicles = -1\n" + std::string(kArea) + hours, "max_vehicles: must be between 0 and 100,000"},
  };
  for (const auto& [body, expected] : cases) {
    auto read = read_permit_file(permit(body));
    ASSERT_FALSE(read.is_ok()) << body;
    EXPECT_NE(read.status().message().find(expected), std::string::npos) << read.status().message();
    EXPECT_NE(read.status().message().find("permit.toml"), std::string::npos) << read.status().message();
  }
  auto dates = read_permit_file(write("dates.toml", "name = \"x\"\nvalid_from = \"2026-12-31\"\nvalid_until = \"2026-01-01\"\n"));
  ASSERT_FALSE(dates.is_ok());
  EXPECT_NE(dates.status().message().find("valid_until: is before valid_from"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::taxi::rules
