#include "road/contraction_hierarchy.h"

#include <filesystem>
#include <optional>
#include <random>

#include <gtest/gtest.h>

#include "road/ch_query.h"
#include "road/dijkstra.h"
#include "road/synthetic_grid.h"
#include "road/osm_import.h"
#include "road/testing.h"

namespace bitgoeul::road {
namespace {

using testing::kS;
using testing::checked_path_time;

// The real map `name` from the shared data directory, imported; std::nullopt (test skipped) if absent.
std::optional<RoadGraph> imported_test_map(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(BITGOEUL_SHARED_DATA_DIR) / "osm" / name;
  if (!std::filesystem::exists(path)) return std::nullopt;
  ImportOptions options;
  options.show_progress = false;
  auto imported = import_osm(path.string(), options);
  EXPECT_TRUE(imported.is_ok()) << imported.status().to_string();
  if (!imported.is_ok()) return std::nullopt;
  return std::move(imported->graph);
}

ChBuildOptions quiet() {
  ChBuildOptions options;
  options.show_progress = false;
  return options;
}

// CH and Dijkstra agree exactly on `pairs` random pairs (100 targets for each of pairs / 100 sources, one full
// Dijkstra per source), and every CH path is a real path of that length.
void expect_same_as_dijkstra(const RoadGraph& graph, uint32_t pairs, uint64_t seed) {
  const ContractionHierarchy ch = ContractionHierarchy::build(graph, quiet());
  ASSERT_TRUE(validate(ch).is_ok()) << validate(ch).to_string();
  Dijkstra dijkstra(graph);
  ChQuery query(ch);
  std::mt19937_64 random(seed);
  constexpr uint32_t kTargetsPerSource = 100;
  uint32_t reachable = 0;
  for (uint32_t i = 0; i < pairs / kTargetsPerSource; ++i) {
    const NodeId s = static_cast<NodeId>(random() % graph.node_count());
    const Seed source{s, 0};
    dijkstra.run(std::span(&source, 1), {});
    for (uint32_t k = 0; k < kTargetsPerSource; ++k) {
      const NodeId t = static_cast<NodeId>(random() % graph.node_count());
      const TravelTimeMs expected = dijkstra.distance(t);
      const TravelTimeMs actual = query.run(s, t);
      ASSERT_EQ(actual, expected) << "from " << s << " to " << t;
      if (actual == kInfiniteTime) continue;
      ++reachable;
      ASSERT_EQ(checked_path_time(graph, query.path(), s, t), expected) << "from " << s << " to " << t;
    }
  }
  EXPECT_GT(reachable, pairs / 2);
}

TEST(ContractionHierarchy, EqualsDijkstraOnTenThousandGridPairs) {
  SyntheticGridOptions options;
  options.rows = 60;
  options.cols = 70;
  options.seed = 11;
  const RoadGraph graph = make_synthetic_grid(options);
  ASSERT_GT(graph.node_count(), 3500u);
  expect_same_as_dijkstra(graph, 10000, 5);
}

TEST(ContractionHierarchy, EqualsDijkstraOnAGridWithManyOneWaysAndNoJitter) {
  // Without jitter many routes tie; ties must not break exactness.
  SyntheticGridOptions options;
  options.rows = 25;
  options.cols = 25;
  options.seed = 2;
  options.time_jitter = 0.0;
  options.one_way_fraction = 0.5;
  options.removed_fraction = 0.2;
  expect_same_as_dijkstra(make_synthetic_grid(options), 3000, 9);
}

TEST(ContractionHierarchy, EqualsDijkstraOnAsanMap) {
  const auto graph = imported_test_map("asanH.clean.osm");
  if (!graph) GTEST_SKIP() << "asanH.clean.osm not available";
  expect_same_as_dijkstra(*graph, 10000, 21);
}

TEST(ContractionHierarchy, EqualsDijkstraOnMonacoMap) {
  const auto graph = imported_test_map("monaco.osm.pbf");
  if (!graph) GTEST_SKIP() << "monaco.osm.pbf not available";
  expect_same_as_dijkstra(*graph, 10000, 22);
}

TEST(ContractionHierarchy, ShortcutsUnpackIntoTheRoadsTheyBypass) {
  // A chain: whatever the order, the middle nodes get bypassed and A -> D must unpack to the three roads.
  auto drawn = drawn_graph("A --1-- B --2-- C --3-- D");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const ContractionHierarchy ch = ContractionHierarchy::build(g.graph, quiet());
  ChQuery query(ch);
  EXPECT_EQ(query.run(g('A'), g('D')), 6 * kS);
  const std::vector<EdgeId> path = query.path();
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(checked_path_time(g.graph, path, g('A'), g('D')), 6 * kS);
  EXPECT_EQ(query.run(g('D'), g('A')), 6 * kS);
}

TEST(ContractionHierarchy, UnreachableAndSameNode) {
  auto drawn = drawn_graph(R"(
      A ->- B --- C      D --- E
  )");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const ContractionHierarchy ch = ContractionHierarchy::build(g.graph, quiet());
  ChQuery query(ch);
  EXPECT_EQ(query.run(g('C'), g('A')), kInfiniteTime);
  EXPECT_TRUE(query.path().empty());
  EXPECT_EQ(query.path_source(), kInvalidId);
  EXPECT_EQ(query.run(g('A'), g('E')), kInfiniteTime);
  EXPECT_EQ(query.run(g('B'), g('B')), 0u);
  EXPECT_TRUE(query.path().empty());
  EXPECT_EQ(query.path_source(), g('B'));
  EXPECT_EQ(query.run(g('A'), g('C')), 20 * kS);
}

TEST(ContractionHierarchy, ParallelZeroTimeEdgesAndSelfLoops) {
  auto drawn = drawn_graph(R"(
      A --40-- B --10-- C
      |                 |
      D -------0------- E
  )",
                           {{'A', 'B', 25}, {'A', 'B', 35}, {'B', 'C', 0}, {'C', 'C', 0}, {'A', 'A', 1}});
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const ContractionHierarchy ch = ContractionHierarchy::build(g.graph, quiet());
  ASSERT_TRUE(validate(ch).is_ok());
  Dijkstra dijkstra(g.graph);
  ChQuery query(ch);
  for (NodeId s = 0; s < g.graph.node_count(); ++s) {
    for (NodeId t = 0; t < g.graph.node_count(); ++t) {
      const TravelTimeMs expected = dijkstra.run(s, t);
      ASSERT_EQ(query.run(s, t), expected) << s << " -> " << t;
      ASSERT_EQ(checked_path_time(g.graph, query.path(), s, t), expected) << s << " -> " << t;
    }
  }
  EXPECT_EQ(query.run(g('A'), g('C')), 20 * kS);  // A -> D -> E -> C at 10 + 0 + 10
}

TEST(ContractionHierarchy, SeedsWithOffsetsMatchDijkstra) {
  SyntheticGridOptions options;
  options.rows = 20;
  options.cols = 20;
  options.seed = 4;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = ContractionHierarchy::build(graph, quiet());
  Dijkstra dijkstra(graph);
  ChQuery query(ch);
  std::mt19937_64 random(8);
  for (int i = 0; i < 500; ++i) {
    std::vector<Seed> sources, targets;
    for (int k = 0; k < 1 + i % 3; ++k) {
      sources.push_back({static_cast<NodeId>(random() % graph.node_count()), static_cast<TravelTimeMs>(random() % 60000)});
      targets.push_back({static_cast<NodeId>(random() % graph.node_count()), static_cast<TravelTimeMs>(random() % 60000)});
    }
    const TravelTimeMs expected = dijkstra.run(sources, targets);
    ASSERT_EQ(query.run(sources, targets), expected);
    const NodeId s = query.path_source();
    const NodeId t = query.path_target();
    TravelTimeMs source_offset = kInfiniteTime, target_offset = kInfiniteTime;
    for (const Seed& seed : sources) if (seed.node == s) source_offset = std::min(source_offset, seed.offset_ms);
    for (const Seed& seed : targets) if (seed.node == t) target_offset = std::min(target_offset, seed.offset_ms);
    ASSERT_EQ(source_offset + checked_path_time(graph, query.path(), s, t) + target_offset, expected);
  }
}

TEST(ContractionHierarchy, ValidateRefusesBrokenHierarchies) {
  SyntheticGridOptions options;
  options.rows = 8;
  options.cols = 8;
  const ContractionHierarchy good = ContractionHierarchy::build(make_synthetic_grid(options), quiet());
  ASSERT_TRUE(validate(good).is_ok());
  EXPECT_GT(good.shortcut_count(), 0u);

  ContractionHierarchy bad_rank = good;
  std::swap(bad_rank.rank[0], bad_rank.rank[1]);
  EXPECT_EQ(validate(bad_rank).code(), ErrorCode::kCorrupt);

  ContractionHierarchy bad_head = good;
  bad_head.upward.head[0] = 0;
  EXPECT_EQ(validate(bad_head).code(), ErrorCode::kCorrupt);

  ContractionHierarchy bad_edge = good;
  for (size_t a = 0; a < bad_edge.upward.unpack_second.size(); ++a) {
    if (bad_edge.upward.unpack_second[a] == kInvalidId) bad_edge.upward.unpack_first[a] = bad_edge.graph_edge_count;
  }
  EXPECT_EQ(validate(bad_edge).code(), ErrorCode::kCorrupt);

  // A shortcut whose first half leaves from the wrong node.
  ContractionHierarchy bad_shortcut = good;
  bool corrupted = false;
  for (ChArcs* side : {&bad_shortcut.upward, &bad_shortcut.downward}) {
    for (size_t a = 0; a < side->unpack_second.size() && !corrupted; ++a) {
      if (side->unpack_second[a] == kInvalidId) continue;
      const uint32_t first = side->unpack_first[a];
      for (uint32_t other = 0; other < bad_shortcut.downward.arc_count(); ++other) {
        if (bad_shortcut.downward.head[other] != bad_shortcut.downward.head[first]) {
          side->unpack_first[a] = other;
          corrupted = true;
          break;
        }
      }
    }
  }
  ASSERT_TRUE(corrupted);
  EXPECT_EQ(validate(bad_shortcut).code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace bitgoeul::road
