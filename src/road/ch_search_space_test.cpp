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

// A space built up to a limit meets as the whole space does wherever the time is within the limit, and gives
// more than the limit elsewhere.
TEST(ChSearchSpace, ALimitedSpaceIsExactWithinItsLimit) {
  SyntheticGridOptions options;
  options.rows = 30;
  options.cols = 30;
  options.seed = 4;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = ContractionHierarchy::build(graph, {.show_progress = false});
  ChSearchSpaceBuilder builder(ch);
  ChSearchSpace whole;
  ChSearchSpace limited;
  ChSearchSpace backward;
  std::mt19937_64 random(13);
  std::uniform_int_distribution<NodeId> node(0, graph.node_count() - 1);
  std::uniform_int_distribution<TravelTimeMs> offset(0, 30000);
  std::uniform_int_distribution<TravelTimeMs> limit(0, 400000);
  int within = 0;
  int beyond = 0;
  for (int i = 0; i < 1000; ++i) {
    const Seed source{node(random), offset(random)};
    const Seed target{node(random), offset(random)};
    const TravelTimeMs limit_ms = limit(random);
    builder.build(std::span<const Seed>(&source, 1), /*forward=*/true, whole);
    builder.build(std::span<const Seed>(&source, 1), /*forward=*/true, limited, limit_ms);
    builder.build(std::span<const Seed>(&target, 1), /*forward=*/false, backward);
    ASSERT_LE(limited.rank.size(), whole.rank.size());
    const TravelTimeMs exact = meet(whole, backward);
    if (exact <= limit_ms) {
      ++within;
      ASSERT_EQ(meet(limited, backward), exact) << "pair " << i;
    } else {
      ++beyond;
      ASSERT_GT(meet(limited, backward), limit_ms) << "pair " << i;
    }
  }
  EXPECT_GT(within, 100);
  EXPECT_GT(beyond, 100);
}

TEST(ChSearchSpace, DisjointSpacesNeverMeet) {
  EXPECT_EQ(meet({{1, 3}, {10, 20}}, {{2, 4}, {5, 5}}), kInfiniteTime);
  EXPECT_EQ(meet({{1, 3}, {10, 20}}, {{3}, {7}}), 27u);
  EXPECT_EQ(meet({}, {{3}, {7}}), kInfiniteTime);
}

// The table answers as the merge does, for every laid-out space at once, in both directions and when some spaces
// never meet the other (two grids side by side, not connected).
TEST(ChSpaceTable, EachTimeEqualsTheMergeOnRandomSpaces) {
  SyntheticGridOptions options;
  options.rows = 30;
  options.cols = 30;
  options.seed = 5;
  const RoadGraph graph = make_synthetic_grid(options);
  const ContractionHierarchy ch = ContractionHierarchy::build(graph, {.show_progress = false});
  ChSearchSpaceBuilder builder(ch);
  ChSpaceTable table(ch.node_count());
  std::mt19937_64 random(11);
  std::uniform_int_distribution<NodeId> node(0, graph.node_count() - 1);
  std::uniform_int_distribution<TravelTimeMs> offset(0, 30000);
  std::array<ChSearchSpace, ChSpaceTable::kMaxSpaces> laid;
  ChSearchSpace other;
  for (int round = 0; round < 200; ++round) {
    const bool forward_laid = round % 2 == 0;
    const size_t count = 1 + round % ChSpaceTable::kMaxSpaces;
    std::vector<const ChSearchSpace*> spaces;
    for (size_t s = 0; s < count; ++s) {
      const Seed seed{node(random), offset(random)};
      builder.build(std::span<const Seed>(&seed, 1), forward_laid, laid[s]);
      spaces.push_back(&laid[s]);
    }
    table.assign(spaces);
    ASSERT_EQ(table.size(), count);
    for (int probe = 0; probe < 5; ++probe) {
      const Seed seed{node(random), offset(random)};
      builder.build(std::span<const Seed>(&seed, 1), !forward_laid, other);
      std::array<TravelTimeMs, ChSpaceTable::kMaxSpaces> times;
      table.meet_all(other, times);
      for (size_t s = 0; s < count; ++s) {
        const TravelTimeMs merged = forward_laid ? meet(laid[s], other) : meet(other, laid[s]);
        ASSERT_EQ(times[s], merged) << "round " << round << " space " << s;
      }
    }
  }
}

TEST(ChSpaceTable, DisjointSpacesNeverMeet) {
  ChSpaceTable table(16);
  const ChSearchSpace a{{1, 3}, {10, 20}};
  const ChSearchSpace b{{3}, {7}};
  const std::array<const ChSearchSpace*, 2> spaces = {&a, &b};
  table.assign(spaces);
  std::array<TravelTimeMs, ChSpaceTable::kMaxSpaces> times;
  table.meet_all(ChSearchSpace{{2, 4}, {5, 5}}, times);
  EXPECT_EQ(times[0], kInfiniteTime);
  EXPECT_EQ(times[1], kInfiniteTime);
  table.meet_all(ChSearchSpace{{3, 5}, {1, 1}}, times);
  EXPECT_EQ(times[0], 21u);
  EXPECT_EQ(times[1], 8u);
}

}  // namespace
}  // namespace bitgoeul::road
