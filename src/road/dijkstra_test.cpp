#include "road/dijkstra.h"

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"
#include "road/testing.h"

namespace bitgoeul::road {
namespace {

using testing::kS;
using testing::checked_path_time;

DrawnGraph town() {
  // The fast way from A to C is round by D and E; B -> C is one-way and slow.
  auto drawn = drawn_graph(R"(
      A --30-- B --50>-- C
      |                  |
      5                  |
      |                  5
      D --5--- E ---5----F
  )");
  EXPECT_TRUE(drawn.is_ok()) << drawn.status().to_string();
  return std::move(drawn).value();
}

TEST(Dijkstra, FindsTheDetourThatIsFaster) {
  const DrawnGraph g = town();
  Dijkstra dijkstra(g.graph);
  EXPECT_EQ(dijkstra.run(g('A'), g('C')), 20 * kS);
  const std::vector<EdgeId> path = dijkstra.path();
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(checked_path_time(g.graph, path, g('A'), g('C')), 20 * kS);
  EXPECT_EQ(g.graph.head[path[0]], g('D'));
}

TEST(Dijkstra, OneWayRoadsAreRespected) {
  const DrawnGraph g = town();
  Dijkstra dijkstra(g.graph);
  // C can only be left towards F: C -> B must go C, F, E, D, A, B.
  EXPECT_EQ(dijkstra.run(g('C'), g('B')), (5 + 5 + 5 + 5 + 30) * kS);
}

TEST(Dijkstra, SourceEqualsTargetIsFreeAndHasNoEdges) {
  const DrawnGraph g = town();
  Dijkstra dijkstra(g.graph);
  EXPECT_EQ(dijkstra.run(g('E'), g('E')), 0u);
  EXPECT_TRUE(dijkstra.path().empty());
  EXPECT_EQ(dijkstra.path_source(), g('E'));
  EXPECT_EQ(dijkstra.path_target(), g('E'));
}

TEST(Dijkstra, UnreachableTargetIsInfinite) {
  auto drawn = drawn_graph(R"(
      A ->- B      C --- D
  )");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  Dijkstra dijkstra(g.graph);
  EXPECT_EQ(dijkstra.run(g('B'), g('A')), kInfiniteTime);
  EXPECT_TRUE(dijkstra.path().empty());
  EXPECT_EQ(dijkstra.path_source(), kInvalidId);
  EXPECT_EQ(dijkstra.run(g('A'), g('D')), kInfiniteTime);
  EXPECT_EQ(dijkstra.run(g('C'), g('D')), 10 * kS);  // the object is reusable after a failure
}

TEST(Dijkstra, ParallelAndZeroTimeEdges) {
  auto drawn = drawn_graph(R"(
      A --40-- B --10-- C
  )",
                           {{'A', 'B', 25}, {'A', 'B', 35}, {'B', 'C', 0}, {'C', 'C', 0}});
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  Dijkstra dijkstra(g.graph);
  EXPECT_EQ(dijkstra.run(g('A'), g('C')), 25 * kS);
  EXPECT_EQ(checked_path_time(g.graph, dijkstra.path(), g('A'), g('C')), 25 * kS);
}

TEST(Dijkstra, SeedsWithOffsetsPickTheBestPair) {
  const DrawnGraph g = town();
  Dijkstra dijkstra(g.graph);
  // Starting at A costs 100 s more than starting at B; ending at C costs 1 s, at F 50 s.
  const std::vector<Seed> sources{{g('A'), 100 * kS}, {g('B'), 0}};
  const std::vector<Seed> targets{{g('C'), 1 * kS}, {g('F'), 50 * kS}};
  EXPECT_EQ(dijkstra.run(sources, targets), 51 * kS);  // B -> C directly (50 s) + 1 s
  EXPECT_EQ(dijkstra.path_source(), g('B'));
  EXPECT_EQ(dijkstra.path_target(), g('C'));
  EXPECT_EQ(checked_path_time(g.graph, dijkstra.path(), g('B'), g('C')), 50 * kS);
}

TEST(Dijkstra, WithoutTargetsLabelsEveryReachableNode) {
  const DrawnGraph g = town();
  Dijkstra dijkstra(g.graph);
  const Seed source{g('A'), 0};
  EXPECT_EQ(dijkstra.run(std::span(&source, 1), {}), kInfiniteTime);
  EXPECT_EQ(dijkstra.distance(g('F')), 15 * kS);
  EXPECT_EQ(dijkstra.distance(g('C')), 20 * kS);
  EXPECT_EQ(dijkstra.settled_count(), 6u);
}

TEST(Dijkstra, PathsOnAGridAreConsecutiveAndAddUp) {
  SyntheticGridOptions options;
  options.rows = 30;
  options.cols = 30;
  options.seed = 3;
  const RoadGraph graph = make_synthetic_grid(options);
  Dijkstra dijkstra(graph);
  for (NodeId s = 0; s < graph.node_count(); s += 37) {
    for (NodeId t = 5; t < graph.node_count(); t += 101) {
      const TravelTimeMs time = dijkstra.run(s, t);
      ASSERT_NE(time, kInfiniteTime);  // one strongly connected component
      ASSERT_EQ(checked_path_time(graph, dijkstra.path(), s, t), time);
    }
  }
}

}  // namespace
}  // namespace bitgoeul::road
