#include "taxi/scenario_world.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "road/graph_file.h"
#include "taxi/road_travel.h"

namespace bitgoeul::taxi {
namespace {

const std::string kScenarios = std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/";

TEST(ScenarioWorld, PilotZoneLoadsTheMapAndBuildsTheHierarchyOnce) {
  auto file = read_scenario_file(kScenarios + "pilot-zone.toml");
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  std::vector<std::string> phases;
  auto world = load_scenario_world(*file, [&phases](std::string_view phase) { phases.emplace_back(phase); });
  ASSERT_TRUE(world.is_ok()) << world.status().to_string();
  EXPECT_EQ(phases, (std::vector<std::string>{"load_map", "build_hierarchy"}));
  const ScenarioWorld& w = **world;
  EXPECT_FALSE(w.permit.has_value());
  EXPECT_EQ(&w.fleet_graph(), &w.graph);
  EXPECT_GT(w.graph.node_count(), 100u);
  EXPECT_EQ(w.ch.node_count(), w.graph.node_count());
  // Two travellers over the one shared hierarchy see the same times.
  RoadTravel a(w.fleet_graph(), w.ch);
  RoadTravel b(w.fleet_graph(), w.ch);
  auto from = a.locate({37.5133, 127.1002}, 300);
  auto to = a.locate({37.5268, 127.1085}, 300);
  ASSERT_TRUE(from.is_ok() && to.is_ok());
  const double ab = a.time_s(*from, *to);
  EXPECT_GT(ab, 0.0);
  EXPECT_LT(ab, kUnreachable);
  EXPECT_DOUBLE_EQ(ab, b.time_s(*from, *to));
}

TEST(ScenarioWorld, UnderAPermitTheFleetDrivesThePermittedRoadsOnly) {
  auto file = read_scenario_file(kScenarios + "pilot-zone-permit.toml");
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  auto world = load_scenario_world(*file);
  ASSERT_TRUE(world.is_ok()) << world.status().to_string();
  const ScenarioWorld& w = **world;
  ASSERT_TRUE(w.permit.has_value());
  ASSERT_TRUE(w.permit_rules.has_value());
  ASSERT_TRUE(w.permitted.has_value());
  EXPECT_EQ(&w.fleet_graph(), &w.permitted->graph);
  EXPECT_LT(w.fleet_graph().edge_count(), w.graph.edge_count());
  EXPECT_EQ(w.ch.node_count(), w.fleet_graph().node_count());
}

TEST(ScenarioWorld, GraphFilesLoadAndMissingMapsAreNamed) {
  auto file = read_scenario_file(kScenarios + "pilot-zone.toml");
  ASSERT_TRUE(file.is_ok());
  auto imported = load_map(file->map);
  ASSERT_TRUE(imported.is_ok()) << imported.status().to_string();
  const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_scenario_world_test";
  std::filesystem::create_directories(dir);
  const std::string graph_path = (dir / "pilot.graph").string();
  ASSERT_TRUE(road::save_graph(*imported, "{}", graph_path).is_ok());
  auto loaded = load_map(graph_path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->node_count(), imported->node_count());
  EXPECT_EQ(loaded->edge_count(), imported->edge_count());

  file->map = (dir / "no-such-map.osm").string();
  auto missing = load_scenario_world(*file);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("no-such-map.osm"), std::string::npos) << missing.status().to_string();
  std::ofstream(dir / "broken.graph") << "not a graph";
  auto broken = load_map((dir / "broken.graph").string());
  ASSERT_FALSE(broken.is_ok());
  EXPECT_NE(broken.status().message().find("broken.graph"), std::string::npos) << broken.status().to_string();
}

}  // namespace
}  // namespace bitgoeul::taxi
