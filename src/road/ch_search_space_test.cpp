#include "road/ch_search_space.h"

#include <random>

#include <gtest/gtest.h>

#include "road/ch_query.h"
#include "road/synthetic_grid.h"

namespace bitgoeul::road {
namespace {

TEST(ChSearchSpace, MeetingSpacesEqualsTheQueryOnRandomSeededPairs) {
  SyntheticGridOptions options;
  options.rows = 40;
  options.cols = 40;
  options.seed = 3;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = ContractionHierarchy::build(graph, {.show_progress = false});
  ChQuery query(ch);
  ChSearchSpaceBuilder builder(ch);
  ChSearchSpace forward;
  ChSearchSpace backward;
  std::mt19937_64 random(9);
  std::uniform_int_distribution<NodeId> node(0, graph.node_count() - 1);
  std::uniform_int_distribution<TravelTimeMs> offset(0, 30000);
  for (int i = 0; i < 2000; ++i) {
    // One or two seeds per side, as snapped points on two-way roads have.
    std::vector<Seed> sources = {{node(random), offset(random)}};
    std::vector<Seed> targets = {{node(random), offset(random)}};
    if (i % 2 == 0) sources.push_back({node(random), offset(random)});
    if (i % 3 == 0) targets.push_back({node(random), offset(random)});
    builder.build(sources, /*forward=*/true, forward);
    builder.build(targets, /*forward=*/false, backward);
    ASSERT_EQ(meet(forward, backward), query.run(sources, targets)) << "pair " << i;
  }
}

TEST(ChSearchSpace, DisjointSpacesNeverMeet) {
  EXPECT_EQ(meet({{1, 3}, {10, 20}}, {{2, 4}, {5, 5}}), kInfiniteTime);
  EXPECT_EQ(meet({{1, 3}, {10, 20}}, {{3}, {7}}), 27u);
  EXPECT_EQ(meet({}, {{3}, {7}}), kInfiniteTime);
}

}  // namespace
}  // namespace bitgoeul::road
