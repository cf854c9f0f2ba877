#include "road/travel_time_matrix.h"

#include <random>

#include <gtest/gtest.h>

#include "road/ch_query.h"
#include "road/dijkstra.h"
#include "road/synthetic_grid.h"
#include "road/testing.h"

namespace bitgoeul::road {
namespace {

using testing::kS;
using testing::hierarchy;

TEST(TravelTimeMatrix, SmallTownTable) {
  // One-way B -> C; everything else two-way.
  auto drawn = drawn_graph(R"(
      A --30-- B --50>-- C
      |                  |
      5                  5
      |                  |
      D --5--- E ---5----F      G
  )");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const ContractionHierarchy ch = hierarchy(g.graph);
  TravelTimeMatrix matrix(ch);
  const std::vector<NodeId> from{g('A'), g('C'), g('G')};
  const std::vector<NodeId> to{g('C'), g('B'), g('A'), g('G')};
  matrix.compute(from, to);
  ASSERT_EQ(matrix.source_count(), 3u);
  ASSERT_EQ(matrix.target_count(), 4u);
  const TravelTimeMs kNo = kInfiniteTime;
  const std::vector<TravelTimeMs> expected{
      20 * kS, 30 * kS, 0,       kNo,  // from A
      0,       50 * kS, 20 * kS, kNo,  // from C: round by F, E, D, A
      kNo,     kNo,     kNo,     0,    // from G, an island
  };
  EXPECT_EQ(matrix.travel_times_ms(), expected);
  // Distances follow the fastest route: A -> C via D, E, F is 20 + 20 + 10 + ... metres of drawing.
  EXPECT_GT(matrix.distance_m(0, 0), matrix.distance_m(0, 2));
  EXPECT_FLOAT_EQ(matrix.distance_m(0, 2), 0.0f);
}

TEST(TravelTimeMatrix, EqualsOneToOneQueriesOnRandomSets) {
  SyntheticGridOptions options;
  options.rows = 40;
  options.cols = 45;
  options.seed = 17;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = hierarchy(graph);
  TravelTimeMatrix matrix(ch);
  ChQuery query(ch);
  Dijkstra dijkstra(graph);
  std::mt19937_64 random(4);
  for (int round = 0; round < 4; ++round) {  // the object is reused across different sizes
    std::vector<NodeId> sources(10 + round * 13), targets(25 - round * 5);
    for (NodeId& s : sources) s = static_cast<NodeId>(random() % graph.node_count());
    for (NodeId& t : targets) t = static_cast<NodeId>(random() % graph.node_count());
    targets.push_back(sources.front());  // a pair with source == target
    matrix.compute(sources, targets);
    for (uint32_t i = 0; i < sources.size(); ++i) {
      for (uint32_t j = 0; j < targets.size(); ++j) {
        const TravelTimeMs expected = query.run(sources[i], targets[j]);
        ASSERT_EQ(matrix.travel_time_ms(i, j), expected) << i << ", " << j;
        ASSERT_EQ(expected, dijkstra.run(sources[i], targets[j]));
        float length_m = 0;
        for (EdgeId e : query.path()) length_m += graph.distance_m[e];
        // The fastest route may tie with another of a different length; on a jittered grid ties are rare.
        EXPECT_NEAR(matrix.distance_m(i, j), length_m, 1.0 + length_m * 1e-4) << i << ", " << j;
      }
    }
  }
}

TEST(TravelTimeMatrix, SeedSetsMatchMultiSeedQueries) {
  SyntheticGridOptions options;
  options.rows = 15;
  options.cols = 15;
  options.seed = 5;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = hierarchy(graph);
  TravelTimeMatrix matrix(ch);
  ChQuery query(ch);
  std::mt19937_64 random(6);
  auto seeds = [&] {
    std::vector<Seed> set;
    for (uint64_t k = 0, count = random() % 3; k < count; ++k) {  // 0, 1 or 2 seeds
      set.push_back({static_cast<NodeId>(random() % graph.node_count()), static_cast<TravelTimeMs>(random() % 9000)});
    }
    return set;
  };
  std::vector<std::vector<Seed>> sources(20), targets(30);
  for (auto& set : sources) set = seeds();
  for (auto& set : targets) set = seeds();
  matrix.compute(sources, targets);
  for (uint32_t i = 0; i < sources.size(); ++i) {
    for (uint32_t j = 0; j < targets.size(); ++j) {
      ASSERT_EQ(matrix.travel_time_ms(i, j), query.run(sources[i], targets[j])) << i << ", " << j;
    }
  }
}

TEST(TravelTimeMatrix, EmptyRequest) {
  auto drawn = drawn_graph("A --- B");
  ASSERT_TRUE(drawn.is_ok());
  const ContractionHierarchy ch = hierarchy(drawn->graph);
  TravelTimeMatrix matrix(ch);
  matrix.compute(std::vector<NodeId>{}, std::vector<NodeId>{0, 1});
  EXPECT_EQ(matrix.source_count(), 0u);
  EXPECT_TRUE(matrix.travel_times_ms().empty());
}

}  // namespace
}  // namespace bitgoeul::road
