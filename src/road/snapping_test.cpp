#include "road/snapping.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "road/synthetic_grid.h"

namespace bitgoeul::road {
namespace {

constexpr double kMetresPerDegreeLat = 111195.0;

// `point` moved north by `metres`.
geo::LatLon north_of(geo::LatLon point, double metres) {
  point.lat += metres / kMetresPerDegreeLat;
  return point;
}

geo::LatLon midpoint(const geo::LatLon& a, const geo::LatLon& b) { return {(a.lat + b.lat) / 2, (a.lon + b.lon) / 2}; }

TEST(Snapping, PointBesideATwoWayRoadLandsOnItInBothDirections) {
  auto drawn = drawn_graph(R"(
      A --------- B

      C ---->---- D
  )");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const Snapper snapper(g.graph);
  const geo::LatLon a = g.graph.coordinates[g('A')], b = g.graph.coordinates[g('B')];
  // 5 m north of the middle of A-B (C-D lies 40 m south).
  auto snapped = snapper.snap(north_of(midpoint(a, b), 5.0), 100.0);
  ASSERT_TRUE(snapped.is_ok()) << snapped.status().to_string();
  EXPECT_NEAR(snapped->distance_m, 5.0, 0.05);
  EXPECT_NEAR(geo::haversine_m(snapped->point, midpoint(a, b)), 0.0, 0.05);
  ASSERT_TRUE(snapped->two_way());
  const EdgeId along = snapped->along.edge, opposite = snapped->opposite.edge;
  EXPECT_EQ(g.graph.tail[along], g.graph.head[opposite]);
  EXPECT_EQ(g.graph.head[along], g.graph.tail[opposite]);
  EXPECT_TRUE((g.graph.tail[along] == g('A') && g.graph.head[along] == g('B')) ||
              (g.graph.tail[along] == g('B') && g.graph.head[along] == g('A')));
  EXPECT_NEAR(snapped->along.fraction, 0.5, 1e-3);
  EXPECT_NEAR(snapped->along.fraction + snapped->opposite.fraction, 1.0, 1e-12);
  EXPECT_EQ(snapper.opposite_edge(along), opposite);
}

TEST(Snapping, OneWayRoadGivesOneEdge) {
  auto drawn = drawn_graph(R"(
      A --------- B

      C ---->---- D
  )");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const Snapper snapper(g.graph);
  const geo::LatLon c = g.graph.coordinates[g('C')], d = g.graph.coordinates[g('D')];
  // A quarter of the way from C to D, 3 m south.
  const geo::LatLon quarter{c.lat + (d.lat - c.lat) / 4, c.lon + (d.lon - c.lon) / 4};
  auto snapped = snapper.snap(north_of(quarter, -3.0), 100.0);
  ASSERT_TRUE(snapped.is_ok());
  EXPECT_FALSE(snapped->two_way());
  EXPECT_EQ(g.graph.tail[snapped->along.edge], g('C'));
  EXPECT_NEAR(snapped->along.fraction, 0.25, 1e-3);
  EXPECT_NEAR(snapped->distance_m, 3.0, 0.05);
}

TEST(Snapping, TooFarIsAClearError) {
  auto drawn = drawn_graph("A --------- B");
  ASSERT_TRUE(drawn.is_ok());
  const Snapper snapper(drawn->graph);
  const geo::LatLon far = north_of(drawn->graph.coordinates[0], 1000.0);
  auto snapped = snapper.snap(far, 250.0);
  ASSERT_FALSE(snapped.is_ok());
  EXPECT_EQ(snapped.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(snapped.status().message().find("no road within 250 m of 35.16"), std::string::npos)
      << snapped.status().message();
  EXPECT_TRUE(snapper.snap(far, 1200.0).is_ok());
}

TEST(Snapping, InvalidCoordinatesAreErrors) {
  auto drawn = drawn_graph("A --------- B");
  ASSERT_TRUE(drawn.is_ok());
  const Snapper snapper(drawn->graph);
  EXPECT_EQ(snapper.snap({std::nan(""), 126.85}, 100).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(snapper.snap({35.0, INFINITY}, 100).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(snapper.snap({95.0, 126.85}, 100).status().code(), ErrorCode::kInvalidInput);
}

TEST(Snapping, MatchesBruteForceOnAGridWithBentRoads) {
  SyntheticGridOptions options;
  options.rows = 15;
  options.cols = 15;
  options.seed = 9;
  const RoadGraph graph = make_synthetic_grid(options);
  const Snapper snapper(graph);
  const geo::LocalProjection projection(graph.coordinates[0]);
  std::mt19937_64 random(2);
  std::uniform_real_distribution<double> lat(35.158, 35.173), lon(126.851, 126.868);
  for (int i = 0; i < 300; ++i) {
    const geo::LatLon point{lat(random), lon(random)};
    auto snapped = snapper.snap(point, 2000.0);
    ASSERT_TRUE(snapped.is_ok());
    double best = INFINITY;
    const auto p = projection.to_xy(point);
    for (EdgeId e = 0; e < graph.edge_count(); ++e) {
      const auto points = graph.edge_geometry(e);
      for (size_t k = 0; k + 1 < points.size(); ++k) {
        const auto a = projection.to_xy(points[k]), b = projection.to_xy(points[k + 1]);
        const double t = geo::project_onto_segment(p, a, b);
        best = std::min(best, std::hypot(a.x + (b.x - a.x) * t - p.x, a.y + (b.y - a.y) * t - p.y));
      }
    }
    EXPECT_NEAR(snapped->distance_m, best, 0.05);
    EXPECT_NEAR(geo::haversine_m(point, snapped->point), snapped->distance_m, 0.05);
    // The point lies on the segment the position names.
    const auto points = graph.edge_geometry(snapped->along.edge);
    ASSERT_LT(snapped->along.segment + 1, points.size());
    const auto a = projection.to_xy(points[snapped->along.segment]);
    const auto b = projection.to_xy(points[snapped->along.segment + 1]);
    const auto s = projection.to_xy(snapped->point);
    const double t = geo::project_onto_segment(s, a, b);
    EXPECT_NEAR(std::hypot(a.x + (b.x - a.x) * t - s.x, a.y + (b.y - a.y) * t - s.y), 0.0, 0.05);
  }
}

TEST(Snapping, PartialGeometrySplitsAtThePoint) {
  auto drawn = drawn_graph("A --------- B");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const Snapper snapper(g.graph);
  auto snapped = snapper.snap(midpoint(g.graph.coordinates[0], g.graph.coordinates[1]), 10);
  ASSERT_TRUE(snapped.is_ok());
  const auto to_head = partial_geometry(g.graph, snapped->along, snapped->point, true);
  const auto from_tail = partial_geometry(g.graph, snapped->along, snapped->point, false);
  ASSERT_EQ(to_head.size(), 2u);
  ASSERT_EQ(from_tail.size(), 2u);
  EXPECT_EQ(to_head.front(), snapped->point);
  EXPECT_EQ(to_head.back(), g.graph.coordinates[g.graph.head[snapped->along.edge]]);
  EXPECT_EQ(from_tail.front(), g.graph.coordinates[g.graph.tail[snapped->along.edge]]);
  EXPECT_EQ(from_tail.back(), snapped->point);
}

}  // namespace
}  // namespace bitgoeul::road
