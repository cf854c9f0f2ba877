#include "road/ch_file.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "road/ch_query.h"
#include "road/synthetic_grid.h"

namespace bitgoeul::road {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("bitgoeul_ch_file_test_" + name)).string();
}

ContractionHierarchy small_hierarchy(const RoadGraph& graph) {
  ChBuildOptions options;
  options.show_progress = false;
  return ContractionHierarchy::build(graph, options);
}

RoadGraph small_grid() {
  SyntheticGridOptions options;
  options.rows = 12;
  options.cols = 12;
  return make_synthetic_grid(options);
}

TEST(ChFile, RoundTripAnswersTheSameQueries) {
  const RoadGraph graph = small_grid();
  const ContractionHierarchy ch = small_hierarchy(graph);
  const std::string path = temp_path("round_trip.ch");
  ASSERT_TRUE(save_contraction_hierarchy(ch, 0xC0FFEE, path).is_ok());
  auto loaded = load_contraction_hierarchy(path, 0xC0FFEE);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->rank, ch.rank);
  EXPECT_EQ(loaded->upward.head, ch.upward.head);
  EXPECT_EQ(loaded->downward.unpack_first, ch.downward.unpack_first);
  EXPECT_EQ(loaded->graph_edge_count, graph.edge_count());
  ChQuery original(ch), reloaded(*loaded);
  for (NodeId s = 0; s < graph.node_count(); s += 7) {
    for (NodeId t = 0; t < graph.node_count(); t += 11) {
      ASSERT_EQ(reloaded.run(s, t), original.run(s, t));
      ASSERT_EQ(reloaded.path(), original.path());
    }
  }
  std::filesystem::remove(path);
}

TEST(ChFile, HierarchyOfAnotherGraphIsRefused) {
  const ContractionHierarchy ch = small_hierarchy(small_grid());
  const std::string path = temp_path("stale.ch");
  ASSERT_TRUE(save_contraction_hierarchy(ch, 1111, path).is_ok());
  auto loaded = load_contraction_hierarchy(path, 2222);
  ASSERT_FALSE(loaded.is_ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(loaded.status().message().find("built for another graph"), std::string::npos);
  EXPECT_NE(loaded.status().message().find("bitgoeul road contract"), std::string::npos);
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  std::filesystem::remove(path);
}

TEST(ChFile, DamagedMissingAndForeignFilesAreErrors) {
  const ContractionHierarchy ch = small_hierarchy(small_grid());
  const std::string path = temp_path("damaged.ch");
  ASSERT_TRUE(save_contraction_hierarchy(ch, 7, path).is_ok());
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2));
    file.put('\x5a');
  }
  auto damaged = load_contraction_hierarchy(path, 7);
  ASSERT_FALSE(damaged.is_ok());
  EXPECT_EQ(damaged.status().code(), ErrorCode::kCorrupt);

  std::filesystem::resize_file(path, 10);
  EXPECT_EQ(load_contraction_hierarchy(path, 7).status().code(), ErrorCode::kCorrupt);

  EXPECT_EQ(load_contraction_hierarchy(temp_path("does_not_exist.ch"), 7).status().code(), ErrorCode::kNotFound);

  { std::ofstream(path, std::ios::binary) << "BGGRAPH\0 something else entirely, long enough to have a header"; }
  EXPECT_EQ(load_contraction_hierarchy(path, 7).status().code(), ErrorCode::kCorrupt);
  std::filesystem::remove(path);
}

TEST(ChFile, InconsistentHierarchyIsNeitherSavedNorLoaded) {
  ContractionHierarchy ch = small_hierarchy(small_grid());
  ch.upward.head.back() = ch.node_count() + 5;
  const std::string path = temp_path("inconsistent.ch");
  EXPECT_EQ(save_contraction_hierarchy(ch, 7, path).code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace bitgoeul::road
