#include "geo/segment_grid.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace bitgoeul::geo {
namespace {

using Xy = LocalProjection::Xy;

TEST(SegmentGrid, FindsTheNearestPointOnTheNearestSegment) {
  //   y
  //  20 +   b---------c        segment 1: b-c, 20 m up
  //     |
  //   0 +---a----------d       segment 0: a-d along the x axis
  const SegmentGrid grid({{{0, 0}, {100, 0}}, {{10, 20}, {60, 20}}}, 5.0);
  auto hit = grid.nearest({30, 6}, 50);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->segment, 0u);
  EXPECT_NEAR(hit->point.x, 30, 1e-9);
  EXPECT_NEAR(hit->point.y, 0, 1e-9);
  EXPECT_NEAR(hit->distance, 6, 1e-9);
  EXPECT_NEAR(hit->t, 0.3, 1e-9);

  hit = grid.nearest({80, 19}, 50);  // beyond c: the end point c is 20.02 m away, d-a is 19 m away
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->segment, 0u);

  hit = grid.nearest({0, 25}, 50);  // nearest is b, the start of segment 1
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->segment, 1u);
  EXPECT_NEAR(hit->t, 0.0, 1e-9);
  EXPECT_NEAR(hit->distance, std::hypot(10, 5), 1e-9);
}

TEST(SegmentGrid, RespectsTheMaximumDistanceAndFarPoints) {
  const SegmentGrid grid({{{0, 0}, {100, 0}}}, 10.0);
  EXPECT_FALSE(grid.nearest({50, 30}, 29.9).has_value());
  EXPECT_TRUE(grid.nearest({50, 30}, 30.1).has_value());
  // Far outside the grid on every side.
  auto hit = grid.nearest({-5000, -5000}, 1e9);
  ASSERT_TRUE(hit.has_value());
  EXPECT_NEAR(hit->distance, std::hypot(5000, 5000), 1e-6);
  EXPECT_FALSE(grid.nearest({1e6, 0}, 1000).has_value());
  EXPECT_FALSE(grid.nearest({NAN, 0}, 1000).has_value());
}

TEST(SegmentGrid, EmptyGridFindsNothing) {
  const SegmentGrid grid({});
  EXPECT_FALSE(grid.nearest({0, 0}, 1e9).has_value());
}

TEST(SegmentGrid, MatchesBruteForceOnRandomSegments) {
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> coordinate(0, 2000), step(-80, 80);
  std::vector<SegmentGrid::Segment> segments;
  for (int i = 0; i < 3000; ++i) {
    const Xy a{coordinate(random), coordinate(random)};
    // Mostly short segments, a few long diagonals crossing many cells.
    const Xy b = i % 100 == 0 ? Xy{coordinate(random), coordinate(random)} : Xy{a.x + step(random), a.y + step(random)};
    segments.push_back({a, b});
  }
  const SegmentGrid grid(segments);
  for (int q = 0; q < 2000; ++q) {
    const Xy point{coordinate(random) * 1.2 - 200, coordinate(random) * 1.2 - 200};
    double best = INFINITY;
    for (const auto& s : segments) {
      const double t = project_onto_segment(point, s.a, s.b);
      best = std::min(best, std::hypot(s.a.x + (s.b.x - s.a.x) * t - point.x, s.a.y + (s.b.y - s.a.y) * t - point.y));
    }
    const auto hit = grid.nearest(point, 150);
    if (best > 150) {
      EXPECT_FALSE(hit.has_value());
    } else {
      ASSERT_TRUE(hit.has_value());
      EXPECT_NEAR(hit->distance, best, 1e-9);
    }
  }
}

}  // namespace
}  // namespace bitgoeul::geo
