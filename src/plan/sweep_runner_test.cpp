#include "plan/sweep_runner.h"
#include "plan/testing.h"

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

using testing::fresh_path;
using testing::make_points;

// A point's "simulation": some arithmetic on its parameter only.
Result<nlohmann::json> square(const std::vector<SweepPoint>& points, size_t index) {
  const double x = points[index].params["x"].get<double>();
  return nlohmann::json{{"y", x * x / 7.0}};
}

TEST(SweepRunner, ResultsDoNotDependOnTheNumberOfWorkers) {
  const auto points = make_points(40);
  std::vector<std::vector<std::optional<nlohmann::json>>> results;
  for (const unsigned jobs : {1u, 2u, 5u}) {
    auto store = PointStore::open(fresh_path(fmt::format("jobs{}.jsonl", jobs)));
    ASSERT_TRUE(store.is_ok());
    RunOptions options;
    options.jobs = jobs;
    auto summary = run_points(points, [&](size_t i) { return square(points, i); }, **store, options);
    ASSERT_TRUE(summary.is_ok()) << summary.status().to_string();
    EXPECT_TRUE(summary->complete());
    EXPECT_EQ(summary->ran, 40u);
    EXPECT_EQ((*store)->size(), 40u);
    results.push_back(summary->metrics);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
}

TEST(SweepRunner, AnInterruptedSweepResumesWithoutRedoingPoints) {
  const auto points = make_points(10);
  const std::string path = fresh_path("resume.jsonl");
  std::atomic<size_t> calls{0};
  const PointFunction counted = [&](size_t i) {
    ++calls;
    return square(points, i);
  };
  RunOptions options;
  options.jobs = 2;
  options.max_points = 4;
  {
    auto store = PointStore::open(path);
    ASSERT_TRUE(store.is_ok());
    auto first = run_points(points, counted, **store, options);
    ASSERT_TRUE(first.is_ok());
    EXPECT_FALSE(first->complete());
    EXPECT_EQ(first->ran, 4u);
    EXPECT_EQ(calls.load(), 4u);
  }
  options.max_points = 0;
  auto store = PointStore::open(path);
  ASSERT_TRUE(store.is_ok());
  auto second = run_points(points, counted, **store, options);
  ASSERT_TRUE(second.is_ok());
  EXPECT_TRUE(second->complete());
  EXPECT_EQ(second->reused, 4u);
  EXPECT_EQ(second->ran, 6u);
  EXPECT_EQ(calls.load(), 10u);  // every point computed exactly once over both runs

  auto fresh_store = PointStore::open(fresh_path("fresh.jsonl"));
  ASSERT_TRUE(fresh_store.is_ok());
  auto fresh = run_points(points, [&](size_t i) { return square(points, i); }, **fresh_store, {});
  ASSERT_TRUE(fresh.is_ok());
  EXPECT_EQ(second->metrics, fresh->metrics);
}

TEST(SweepRunner, AFailingPointStopsTheSweepNamingThePoint) {
  const auto points = make_points(12);
  auto store = PointStore::open(fresh_path("fail.jsonl"));
  ASSERT_TRUE(store.is_ok());
  auto summary = run_points(
      points,
      [&](size_t i) -> Result<nlohmann::json> {
        if (i == 5) return invalid_input("depot off the road");
        return square(points, i);
      },
      **store, {});
  ASSERT_FALSE(summary.is_ok());
  EXPECT_EQ(summary.status().to_string(), "invalid input: point 5 ({\"x\":5}): depot off the road");
  // The points before it were stored (a rerun does not redo them); the failing one and those after were not.
  EXPECT_EQ((*store)->size(), 5u);
  EXPECT_EQ((*store)->find(points[5].key), nullptr);
}

TEST(SweepRunner, AnExceptionInAWorkerBecomesAnErrorNotACrash) {
  const auto points = make_points(6);
  auto store = PointStore::open(fresh_path("throw.jsonl"));
  ASSERT_TRUE(store.is_ok());
  RunOptions options;
  options.jobs = 2;
  auto summary = run_points(
      points,
      [&](size_t i) -> Result<nlohmann::json> {
        if (i == 3) throw std::runtime_error("boom");
        return square(points, i);
      },
      **store, options);
  ASSERT_FALSE(summary.is_ok());
  EXPECT_NE(summary.status().to_string().find("point 3 ({\"x\":3}): boom"), std::string::npos)
      << summary.status().to_string();
}

}  // namespace
}  // namespace bitgoeul::plan
