#include "taxi/scenario_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul::taxi {
namespace {

std::string write_scenario(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_scenario_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(ScenarioFile, TheShippedScenariosRead) {
  for (const char* name : {"pilot-zone.toml", "gwangju-city.toml"}) {
    const std::string path = std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/" + name;
    auto file = read_scenario_file(path);
    ASSERT_TRUE(file.is_ok()) << file.status().to_string();
    EXPECT_GT(file->scenario.fleet.size, 0u);
    EXPECT_FALSE(file->scenario.fleet.depots.empty());
  }
  auto pilot = read_scenario_file(std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/pilot-zone.toml");
  EXPECT_EQ(pilot->scenario.dispatch.policy, DispatchPolicy::kInsertion);
  EXPECT_DOUBLE_EQ(pilot->scenario.start_s, 7 * 3600.0);
  EXPECT_DOUBLE_EQ(pilot->scenario.travel_time_factor[8], 1.6);
  EXPECT_EQ(pilot->demand.synthetic.seed, 42u);
  EXPECT_TRUE(pilot->map.ends_with("shared/data/osm/asanH.clean.osm")) << pilot->map;
}

TEST(ScenarioFile, DefaultsAndPathsRelativeToTheDataDirectory) {
  const std::string path = write_scenario("minimal.toml", "map = \"city.graph\"\n");
  auto file = read_scenario_file(path);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  EXPECT_EQ(file->scenario.name, "minimal");
  EXPECT_EQ(file->scenario.fleet.size, 20u);
  EXPECT_DOUBLE_EQ(file->scenario.limits.max_wait_s, 600.0);
  EXPECT_EQ(file->demand.kind, DemandSpec::Kind::kRoads);
  EXPECT_EQ(file->map, (std::filesystem::path(path).parent_path() / "city.graph").string());
  auto overridden = read_scenario_file(path, "/data");
  EXPECT_EQ(overridden->map, "/data/city.graph");
}

TEST(ScenarioFile, MistakesAreNamedWithLineAndKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"seed = 1\n", "missing required key 'map'"},
      {"map = \"m.osm\"\nstart = \"7am\"\n", ":2: start: '7am' is not a time"},
      {"map = \"m.osm\"\nstart = \"10:00\"\nend = \"09:00\"\n", "end: must be after start"},
      {"map = \"m.osm\"\n[fleet]\nvehicles = 0\n", ":3: fleet.vehicles: must be between 1"},
      {"map = \"m.osm\"\n[fleet]\nvehicels = 10\n", ":3: fleet.vehicels: unknown key"},
      {"map = \"m.osm\"\n[fleet]\ndepots = [[37.5]]\n", "depots[0]: expected an array of 2 numbers"},
      {"map = \"m.osm\"\n[fleet]\ndepots = [[137.5, 10]]\n", "depot 0 is not [lat, lon]"},
      {"map = \"m.osm\"\n[dispatch]\npolicy = \"fastest\"\n", ":3: dispatch.policy: unknown policy 'fastest'"},
      {"map = \"m.osm\"\n[service]\nmax_detour_factor = 0.5\n", "max_detour_factor: must be at least 1"},
      {"map = \"m.osm\"\n[service]\nmax_wait_minutes = -3\n", "max_wait_minutes: must be positive"},
      {"map = \"m.osm\"\n[demand]\nsource = \"file\"\n", "missing required key 'demand.file'"},
      {"map = \"m.osm\"\n[permit]\nfile = \"p.toml\"\n", "missing required key 'permit.day'"},
      {"map = \"m.osm\"\n[permit]\nfile = \"p.toml\"\nday = \"25/11/2026\"\n", ":4: permit.day: '25/11/2026' is not a date"},
      {"map = \"m.osm\"\n[demand]\nsource = \"zones\"\nzones = \"z.geojson\"\nparent_zones = \"p.geojson\"\n",
       "needs 'population'"},
      {"map = \"m.osm\"\n[congestion]\ntravel_time_factor = [1, 2]\n", "expected 24 numbers"},
      {"map = \"m.osm\"\n[congestion]\ntravel_time_factor = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0.5]\n",
       "hour 23: 0.5 is not between 1 and 10"},
      {"map = \"m.osm\"\nmap2 = 3\n", ":2: map2: unknown key"},
      {"map = = 3\n", ":1:"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string path = write_scenario("bad.toml", text);
    auto file = read_scenario_file(path);
    ASSERT_FALSE(file.is_ok()) << text;
    EXPECT_NE(file.status().message().find(expected), std::string::npos) << text << " -> " << file.status().message();
    EXPECT_NE(file.status().message().find(path), std::string::npos) << file.status().message();
  }
  EXPECT_EQ(read_scenario_file("/nonexistent/scenario.toml").status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace bitgoeul::taxi
