#include "road/router.h"

#include <random>

#include <gtest/gtest.h>

#include "road/dijkstra.h"
#include "road/synthetic_grid.h"
#include "road/testing.h"

namespace bitgoeul::road {
namespace {

using testing::kS;
using testing::hierarchy;

// The point `fraction` of the way from `a` to `b`, `north_m` metres north of the line.
geo::LatLon between(const geo::LatLon& a, const geo::LatLon& b, double fraction, double north_m = 2.0) {
  return {a.lat + (b.lat - a.lat) * fraction + north_m / 111195.0, a.lon + (b.lon - a.lon) * fraction};
}

// A block with a one-way top street (A -> B) and two-way streets elsewhere.
DrawnGraph block() {
  auto drawn = drawn_graph(R"(
      A ------60>------ B
      |                 |
      1                 1
      0                 0
      |                 |
      C ------20------- D
  )");
  EXPECT_TRUE(drawn.is_ok()) << drawn.status().to_string();
  return std::move(drawn).value();
}

// route.edges are consecutive and the partial times add up to the route's time.
void expect_consistent(const RoadGraph& graph, const Route& route) {
  ASSERT_FALSE(route.edges.empty());
  for (size_t i = 0; i + 1 < route.edges.size(); ++i) {
    ASSERT_EQ(graph.head[route.edges[i]], graph.tail[route.edges[i + 1]]);
  }
  ASSERT_GE(route.geometry.size(), 2u);
  EXPECT_EQ(route.geometry.front(), route.from.point);
  EXPECT_EQ(route.geometry.back(), route.to.point);
  if (route.edges.size() == 1) return;
  const auto fraction_on = [](const SnappedPoint& point, EdgeId edge) {
    return point.along.edge == edge ? point.along.fraction : point.opposite.fraction;
  };
  const EdgeId first = route.edges.front(), last = route.edges.back();
  TravelTimeMs total = graph.travel_time_ms[first] - time_to_fraction(graph, first, fraction_on(route.from, first));
  for (size_t i = 1; i + 1 < route.edges.size(); ++i) total += graph.travel_time_ms[route.edges[i]];
  total += time_to_fraction(graph, last, fraction_on(route.to, last));
  EXPECT_EQ(total, route.travel_time_ms);
}

TEST(Router, AlongOneEdgeDrivesStraightThere) {
  const DrawnGraph g = block();
  const ContractionHierarchy ch = hierarchy(g.graph);
  Router router(g.graph, ch);
  const geo::LatLon a = g.graph.coordinates[g('A')], b = g.graph.coordinates[g('B')];
  auto route = router.route(between(a, b, 0.25), between(a, b, 0.75));
  ASSERT_TRUE(route.is_ok()) << route.status().to_string();
  EXPECT_EQ(route->travel_time_ms, 30 * kS);
  EXPECT_DOUBLE_EQ(route->travel_time_s(), 30.0);
  ASSERT_EQ(route->edges.size(), 1u);
  EXPECT_EQ(g.graph.tail[route->edges[0]], g('A'));
  EXPECT_NEAR(route->distance_m, 0.5 * g.graph.distance_m[route->edges[0]], 0.1);
  EXPECT_EQ(route->geometry.size(), 2u);
  expect_consistent(g.graph, *route);
}

TEST(Router, AgainstAOneWayGoesRoundTheBlock) {
  const DrawnGraph g = block();
  const ContractionHierarchy ch = hierarchy(g.graph);
  Router router(g.graph, ch);
  const geo::LatLon a = g.graph.coordinates[g('A')], b = g.graph.coordinates[g('B')];
  // From 3/4 back to 1/4 of the one-way A -> B: on to B (15 s), B-D-C-A (40 s), then to the point (15 s).
  auto route = router.route(between(a, b, 0.75), between(a, b, 0.25));
  ASSERT_TRUE(route.is_ok()) << route.status().to_string();
  EXPECT_EQ(route->travel_time_ms, 70 * kS);
  ASSERT_EQ(route->edges.size(), 5u);
  EXPECT_EQ(route->edges.front(), route->edges.back());  // leaves and re-enters A -> B
  expect_consistent(g.graph, *route);
}

TEST(Router, OnATwoWayEdgeEitherDirectionIsDirect) {
  const DrawnGraph g = block();
  const ContractionHierarchy ch = hierarchy(g.graph);
  Router router(g.graph, ch);
  const geo::LatLon c = g.graph.coordinates[g('C')], d = g.graph.coordinates[g('D')];
  auto forward = router.route(between(c, d, 0.2), between(c, d, 0.7));
  auto backward = router.route(between(c, d, 0.7), between(c, d, 0.2));
  ASSERT_TRUE(forward.is_ok());
  ASSERT_TRUE(backward.is_ok());
  EXPECT_EQ(forward->travel_time_ms, 10 * kS);
  EXPECT_EQ(backward->travel_time_ms, 10 * kS);
  ASSERT_EQ(backward->edges.size(), 1u);
  EXPECT_EQ(g.graph.tail[backward->edges[0]], g('D'));
}

TEST(Router, OffsetsCountOnlyThePartsDriven) {
  const DrawnGraph g = block();
  const ContractionHierarchy ch = hierarchy(g.graph);
  Router router(g.graph, ch);
  const geo::LatLon a = g.graph.coordinates[g('A')], b = g.graph.coordinates[g('B')];
  const geo::LatLon c = g.graph.coordinates[g('C')], d = g.graph.coordinates[g('D')];
  // Middle of A -> B (30 s to B), B -> D (10 s), then D towards C to 3/4 of C-D from C (5 s).
  auto route = router.route(between(a, b, 0.5), between(c, d, 0.75, -2.0));
  ASSERT_TRUE(route.is_ok()) << route.status().to_string();
  EXPECT_EQ(route->travel_time_ms, 45 * kS);
  ASSERT_EQ(route->edges.size(), 3u);
  EXPECT_EQ(g.graph.tail[route->edges[1]], g('B'));
  EXPECT_EQ(g.graph.head[route->edges[1]], g('D'));
  EXPECT_EQ(g.graph.tail[route->edges[2]], g('D'));
  const double expected_m = 0.5 * g.graph.distance_m[route->edges[0]] + g.graph.distance_m[route->edges[1]] +
                            0.25 * g.graph.distance_m[route->edges[2]];
  EXPECT_NEAR(route->distance_m, expected_m, 0.2);
  // Geometry: snapped start, B, D, snapped end.
  ASSERT_EQ(route->geometry.size(), 4u);
  EXPECT_EQ(route->geometry[1], b);
  EXPECT_EQ(route->geometry[2], d);
  expect_consistent(g.graph, *route);
}

TEST(Router, UnreachableAndUnsnappable) {
  auto drawn = drawn_graph(R"(
      A ---->---- B      C --------- D
  )");
  ASSERT_TRUE(drawn.is_ok());
  const DrawnGraph& g = *drawn;
  const ContractionHierarchy ch = hierarchy(g.graph);
  Router router(g.graph, ch, RouterOptions{50.0});
  const geo::LatLon a = g.graph.coordinates[g('A')], b = g.graph.coordinates[g('B')];
  const geo::LatLon c = g.graph.coordinates[g('C')], d = g.graph.coordinates[g('D')];
  auto route = router.route(between(a, b, 0.5), between(c, d, 0.5));
  ASSERT_FALSE(route.is_ok());
  EXPECT_EQ(route.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(route.status().message().find("no route from"), std::string::npos);
  auto far = router.route(between(a, b, 0.5, 500.0), between(c, d, 0.5));
  ASSERT_FALSE(far.is_ok());
  EXPECT_NE(far.status().message().find("no road within 50 m"), std::string::npos);
}

TEST(Router, RandomTripsMatchDijkstraFromTheSnappedPositions) {
  SyntheticGridOptions options;
  options.rows = 25;
  options.cols = 25;
  options.seed = 12;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = hierarchy(graph);
  Router router(graph, ch);
  Dijkstra dijkstra(graph);
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> lat(35.1595, 35.1805), lon(126.8526, 126.8786);
  std::vector<SnappedPoint> points;
  for (int i = 0; i < 40; ++i) {
    auto snapped = router.snap({lat(random), lon(random)});
    ASSERT_TRUE(snapped.is_ok());
    points.push_back(*snapped);
  }
  std::vector<TravelTimeMs> matrix_ms;
  std::vector<double> matrix_m;
  router.matrix(points, points, matrix_ms, matrix_m);
  for (size_t i = 0; i < points.size(); ++i) {
    for (size_t j = 0; j < points.size(); ++j) {
      auto route = router.route(points[i], points[j]);
      ASSERT_TRUE(route.is_ok()) << route.status().to_string();
      expect_consistent(graph, *route);
      EXPECT_EQ(matrix_ms[i * points.size() + j], route->travel_time_ms) << i << " -> " << j;
      EXPECT_NEAR(matrix_m[i * points.size() + j], route->distance_m, 1.0 + route->distance_m * 1e-4);
      // The reference: Dijkstra from every direction the start can be left in to every one the end can be reached
      // by, or straight along a shared edge.
      std::vector<Seed> sources, targets;
      for (const EdgePosition& p : {points[i].along, points[i].opposite}) {
        if (p.edge == kInvalidId) continue;
        sources.push_back({graph.head[p.edge], graph.travel_time_ms[p.edge] - time_to_fraction(graph, p.edge, p.fraction)});
      }
      TravelTimeMs expected = kInfiniteTime;
      for (const EdgePosition& q : {points[j].along, points[j].opposite}) {
        if (q.edge == kInvalidId) continue;
        targets.push_back({graph.tail[q.edge], time_to_fraction(graph, q.edge, q.fraction)});
        for (const EdgePosition& p : {points[i].along, points[i].opposite}) {
          if (p.edge == q.edge && p.fraction <= q.fraction) {
            expected = std::min(expected, time_to_fraction(graph, q.edge, q.fraction) - time_to_fraction(graph, p.edge, p.fraction));
          }
        }
      }
      expected = std::min(expected, dijkstra.run(sources, targets));
      ASSERT_EQ(route->travel_time_ms, expected) << i << " -> " << j;
    }
  }
}

}  // namespace
}  // namespace bitgoeul::road
