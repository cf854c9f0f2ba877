#include "road/graph_file.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace bitgoeul::road {
namespace {

RoadGraph triangle() {
  std::vector<EdgeInput> edges;
  edges.push_back({0, 1, 1000, 10.0f, RoadClass::kPrimary, 7, {}});
  edges.push_back({1, 2, 2000, 20.0f, RoadClass::kResidential, 8, {{37.0005, 127.0015}}});
  edges.push_back({2, 0, 3000, 30.0f, RoadClass::kService, 9, {}});
  return build_road_graph({{37.0, 127.0}, {37.0, 127.001}, {37.001, 127.002}}, {100, 101, 102}, std::move(edges));
}

TEST(GraphFile, RoundTripKeepsEverything) {
  const RoadGraph graph = triangle();
  ASSERT_TRUE(validate(graph).is_ok());
  const std::string path = (std::filesystem::temp_directory_path() / "bitgoeul_graph_file_test.graph").string();
  ASSERT_TRUE(save_graph(graph, R"({"source":"test"})", path).is_ok());
  auto loaded = load_graph(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->graph.head, graph.head);
  EXPECT_EQ(loaded->graph.first_out, graph.first_out);
  EXPECT_EQ(loaded->graph.travel_time_ms, graph.travel_time_ms);
  EXPECT_EQ(loaded->graph.edge_geometry(1).size(), 3u);
  EXPECT_EQ(loaded->provenance_json, R"({"source":"test"})");
  EXPECT_NE(loaded->checksum, 0u);
}

TEST(GraphFile, InconsistentGraphIsRefusedOnSave) {
  RoadGraph graph = triangle();
  graph.head[1] = 99;
  const std::string path = (std::filesystem::temp_directory_path() / "bitgoeul_graph_file_bad.graph").string();
  const Status status = save_graph(graph, "{}", path);
  EXPECT_EQ(status.code(), ErrorCode::kCorrupt);
  EXPECT_NE(status.message().find("edge 1"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::road
