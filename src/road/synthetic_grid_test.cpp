#include "road/synthetic_grid.h"

#include <gtest/gtest.h>

#include "road/dijkstra.h"

namespace bitgoeul::road {
namespace {

SyntheticGridOptions small(uint64_t seed) {
  SyntheticGridOptions options;
  options.rows = 24;
  options.cols = 30;
  options.seed = seed;
  return options;
}

TEST(SyntheticGrid, SameSeedSameGraphOtherSeedOtherGraph) {
  const RoadGraph a = make_synthetic_grid(small(5));
  const RoadGraph b = make_synthetic_grid(small(5));
  const RoadGraph c = make_synthetic_grid(small(6));
  EXPECT_EQ(a.head, b.head);
  EXPECT_EQ(a.travel_time_ms, b.travel_time_ms);
  EXPECT_EQ(a.coordinates, b.coordinates);
  EXPECT_NE(a.travel_time_ms, c.travel_time_ms);
  EXPECT_TRUE(validate(a).is_ok()) << validate(a).to_string();
}

TEST(SyntheticGrid, IsOneStronglyConnectedCityWithFastArterialsAndOneWays) {
  const RoadGraph graph = make_synthetic_grid(small(7));
  EXPECT_GT(graph.node_count(), 24u * 30u * 8 / 10);  // removed streets cost only a few junctions
  EXPECT_LE(graph.node_count(), 24u * 30u);
  EXPECT_EQ(largest_strongly_connected_component(graph).size(), graph.node_count());
  double arterial_speed = 0, local_speed = 0;
  uint32_t arterials = 0, locals = 0, one_way = 0, shaped = 0;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    const double speed = graph.distance_m[e] / (graph.travel_time_ms[e] / 1000.0);
    if (graph.road_class[e] == RoadClass::kPrimary) {
      arterial_speed += speed;
      ++arterials;
    } else {
      local_speed += speed;
      ++locals;
    }
    bool has_reverse = false;
    for (EdgeId r = graph.first_out[graph.head[e]]; r < graph.first_out[graph.head[e] + 1]; ++r) {
      has_reverse |= graph.head[r] == graph.tail[e];
    }
    one_way += has_reverse ? 0 : 1;
    shaped += graph.first_shape[e + 1] > graph.first_shape[e] ? 1 : 0;
  }
  ASSERT_GT(arterials, 0u);
  ASSERT_GT(locals, 0u);
  EXPECT_NEAR(arterial_speed / arterials, 60 / 3.6, 1.0);
  EXPECT_NEAR(local_speed / locals, 30 / 3.6, 0.5);
  EXPECT_GT(one_way, 0u);
  EXPECT_GT(shaped, 0u);
}

TEST(DrawnGraph, ReadsNodesRoadsArrowsAndTimes) {
  auto drawn = drawn_graph(R"(
      A --30-- B ->-- C
      |        ^
      1        |
      5        |
      D        E
  )");
  ASSERT_TRUE(drawn.is_ok()) << drawn.status().to_string();
  const DrawnGraph& g = *drawn;
  EXPECT_EQ(g.graph.node_count(), 5u);
  EXPECT_EQ(g.graph.edge_count(), 2u + 1u + 2u + 1u);  // A-B, B->C, A-D, E->B
  EXPECT_EQ(g.node_of_letter['Z' - 'A'], kInvalidId);
  Dijkstra dijkstra(g.graph);
  EXPECT_EQ(dijkstra.run(g('D'), g('C')), 15000u + 30000u + 10000u);
  EXPECT_EQ(dijkstra.run(g('C'), g('B')), kInfiniteTime);
  EXPECT_EQ(dijkstra.run(g('E'), g('B')), 10000u);
  EXPECT_EQ(dijkstra.run(g('B'), g('E')), kInfiniteTime);
  // 20 m per row: A is 80 m north of D.
  EXPECT_NEAR(geo::haversine_m(g.graph.coordinates[g('A')], g.graph.coordinates[g('D')]), 80.0, 0.5);
}

TEST(DrawnGraph, MalformedPicturesAreErrorsNamingThePlace) {
  auto twice = drawn_graph("A --- B --- A");
  ASSERT_FALSE(twice.is_ok());
  EXPECT_NE(twice.status().message().find("row 1 column 13: node A is drawn twice"), std::string::npos)
      << twice.status().message();

  auto both_ways = drawn_graph("A -<->- B");
  ASSERT_FALSE(both_ways.is_ok());
  EXPECT_NE(both_ways.status().message().find("arrows both ways"), std::string::npos);

  auto dangling = drawn_graph("A -----");
  ASSERT_FALSE(dangling.is_ok());
  EXPECT_NE(dangling.status().message().find("road from A ends nowhere"), std::string::npos);

  auto extra = drawn_graph("A --- B", {{'A', 'Q', 1.0}});
  ASSERT_FALSE(extra.is_ok());
  EXPECT_NE(extra.status().message().find("extra edge A->Q"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::road
