#include "plan/taxi_plan.h"
#include "plan/testing.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

using testing::write_file;
using testing::kSource;

std::string taxi_sweep_text(const std::string& axes, const std::string& target = "min_served = 0.9\n") {
  return "scenario = \"" + kSource + "/scenarios/pilot-zone.toml\"\ncost_model = \"" + kSource +
         "/examples/plan/taxi-cost-model.toml\"\n[axes]\n" + axes + "[target]\n" + target;
}

TEST(TaxiSweep, TheShippedSweepReads) {
  auto sweep = read_taxi_sweep(kSource + "/examples/plan/pilot-taxi.toml");
  ASSERT_TRUE(sweep.is_ok()) << sweep.status().to_string();
  EXPECT_EQ(sweep->fleets.front(), 20u);
  EXPECT_EQ(sweep->policies.size(), 2u);
  EXPECT_EQ(sweep->demand_levels, (std::vector<double>{1.0, 1.5, 2.0}));
  EXPECT_DOUBLE_EQ(sweep->target.min_served, 0.95);
  EXPECT_DOUBLE_EQ(sweep->target.max_wait_p95_s, 300);
  EXPECT_TRUE(std::filesystem::exists(sweep->scenario)) << sweep->scenario;
  EXPECT_TRUE(std::filesystem::exists(sweep->cost_model)) << sweep->cost_model;
}

TEST(TaxiSweep, MistakesAreNamedWithLineAndKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {taxi_sweep_text("capacity = [4]\n"), "missing required key 'axes.fleet'"},
      {taxi_sweep_text("fleet = []\n"), "axes.fleet: give at least one fleet size"},
      {taxi_sweep_text("fleet = [10, 0]\n"), "axes.fleet: value 2 (0) must be a whole number between 1"},
      {taxi_sweep_text("fleet = [10.5]\n"), "axes.fleet: value 1 (10.5) must be a whole number"},
      {taxi_sweep_text("fleet = [10, 10]\n"), "axes.fleet: values must be distinct"},
      {taxi_sweep_text("fleet = [\"ten\"]\n"), "axes.fleet"},
      {taxi_sweep_text("fleet = [10]\npolicy = [\"fastest\"]\n"), "axes.policy: unknown policy 'fastest'"},
      {taxi_sweep_text("fleet = [10]\npolicy = [\"rtv\", \"rtv\"]\n"), "policy 'rtv' listed twice"},
      {taxi_sweep_text("fleet = [10]\ndemand = [0]\n"), "axes.demand: multiplier 0 must be above 0"},
      {taxi_sweep_text("fleet = [10]\ndemand = [1e308, 1]\n"), "axes.demand: multiplier"},
      {taxi_sweep_text("fleet = [10]\nfleets = [3]\n"), "axes.fleets: unknown key"},
      {taxi_sweep_text("fleet = [10]\n", "min_served = 95\n"), "target.min_served: must be a share between 0 and 1"},
      {taxi_sweep_text("fleet = [10]\n", "max_wait_p95_s = -1\n"), "target.max_wait_p95_s: must be a positive"},
      {"cost_model = \"x.toml\"\n[axes]\nfleet = [1]\n[target]\n", "missing required key 'scenario'"},
      {"scenario = \"s.toml\"\ncost_model = \"c.toml\"\n[target]\n", "missing [axes]"},
      {"scenario = \"s.toml\"\ncost_model = \"c.toml\"\n[axes]\nfleet = [1]\n", "missing [target]"},
      {"scenario = \"s.toml\"\ncost_model = \"c.toml\"\nseed = -3\n", ":3: seed: must not be negative"},
  };
  for (const auto& [text, expected] : cases) {
    auto sweep = read_taxi_sweep(write_file("bad.toml", text));
    ASSERT_FALSE(sweep.is_ok()) << text;
    EXPECT_NE(sweep.status().message().find(expected), std::string::npos)
        << text << " -> " << sweep.status().to_string();
    EXPECT_NE(sweep.status().message().find("bad.toml"), std::string::npos) << sweep.status().to_string();
  }
  auto huge = read_taxi_sweep(write_file(
      "huge.toml", taxi_sweep_text("fleet = [" + [] {
        std::string list;
        for (int i = 1; i <= 2000; ++i) list += std::to_string(i) + ",";
        return list;
      }() + "]\ncapacity = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51]\n")));
  ASSERT_TRUE(huge.is_ok()) << huge.status().to_string();
  auto planner = TaxiPlanner::create(*huge);
  ASSERT_FALSE(planner.is_ok());
  EXPECT_NE(planner.status().message().find("at most 100000 are allowed"), std::string::npos)
      << planner.status().to_string();
}

TEST(ScaleTripRecords, KeepsThinsOrCopiesEachRecordBySeed) {
  std::vector<taxi::TripRequest> records(1000);
  for (uint32_t i = 0; i < records.size(); ++i) {
    records[i].id = i;
    records[i].request_time_s = 7 * 3600 + i * 10.0;
    records[i].origin = {37.5, 127.0 + i * 1e-5};
  }
  EXPECT_EQ(scale_trip_records(records, 1.0, 1, 300, 0, 86400).size(), 1000u);
  const auto half = scale_trip_records(records, 0.5, 1, 300, 0, 86400);
  EXPECT_GT(half.size(), 430u);
  EXPECT_LT(half.size(), 570u);
  const auto twice = scale_trip_records(records, 2.0, 1, 300, 7 * 3600, 7 * 3600 + 10000);
  ASSERT_EQ(twice.size(), 2000u);
  for (size_t i = 0; i < twice.size(); ++i) {
    EXPECT_EQ(twice[i].id, i);
    EXPECT_GE(twice[i].request_time_s, 7 * 3600.0);
    EXPECT_LT(twice[i].request_time_s, 7 * 3600.0 + 10000);
    if (i > 0) {
      EXPECT_LE(twice[i - 1].request_time_s, twice[i].request_time_s);
    }
  }
  const auto again = scale_trip_records(records, 1.7, 9, 300, 0, 86400);
  const auto same = scale_trip_records(records, 1.7, 9, 300, 0, 86400);
  ASSERT_EQ(again.size(), same.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].request_time_s, same[i].request_time_s);
  EXPECT_NE(scale_trip_records(records, 1.7, 10, 300, 0, 86400).size(), 0u);
}

// A tiny sweep of the pilot zone: half its demand, two fleets, one policy. The small fleet cannot serve 90%;
// the large one can. Two workers give exactly what one gives.
TEST(TaxiPlanner, PilotSweepFindsTheSmallestFleetAndIsTheSameWithTwoWorkers) {
  const std::string path = write_file(
      "tiny.toml", taxi_sweep_text("fleet = [3, 30]\npolicy = [\"nearest_idle\"]\ndemand = [0.5]\n",
                              "min_served = 0.9\nmax_wait_p95_s = 600\n"));
  auto sweep = read_taxi_sweep(path);
  ASSERT_TRUE(sweep.is_ok()) << sweep.status().to_string();
  auto planner = TaxiPlanner::create(*sweep);
  ASSERT_TRUE(planner.is_ok()) << planner.status().to_string();
  ASSERT_EQ((*planner)->points().size(), 2u);
  EXPECT_EQ((*planner)->points()[0].capacity, 4u);  // the scenario's seats, as the axis was left out
  auto model = read_taxi_cost_model(sweep->cost_model);
  ASSERT_TRUE(model.is_ok());

  std::vector<std::vector<std::optional<nlohmann::json>>> runs;
  for (const unsigned jobs : {1u, 2u}) {
    const auto store_path = std::filesystem::temp_directory_path() / "bitgoeul_taxi_plan_test" /
                            fmt::format("points{}.jsonl", jobs);
    std::filesystem::remove(store_path);
    auto store = PointStore::open(store_path.string());
    ASSERT_TRUE(store.is_ok());
    RunOptions options;
    options.jobs = jobs;
    auto summary =
        run_points((*planner)->sweep_points(), [&](size_t i) { return (*planner)->run_point(i); }, **store, options);
    ASSERT_TRUE(summary.is_ok()) << summary.status().to_string();
    runs.push_back(summary->metrics);
  }
  EXPECT_EQ(runs[0], runs[1]);

  std::vector<nlohmann::json> metrics;
  for (const auto& m : runs[0]) metrics.push_back(*m);
  auto plan = make_taxi_plan(**planner, *model, metrics);
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  ASSERT_EQ(plan->options.size(), 2u);
  const TaxiOption& small = plan->options[0];
  const TaxiOption& large = plan->options[1];
  EXPECT_GT(small.metrics.requests, 100u);
  EXPECT_EQ(small.metrics.requests, large.metrics.requests);
  EXPECT_FALSE(small.meets_target) << small.metrics.service_rate;
  EXPECT_TRUE(large.meets_target) << large.metrics.service_rate;
  ASSERT_EQ(plan->groups.size(), 1u);
  EXPECT_EQ(plan->groups[0].smallest, std::optional<size_t>(1));
  EXPECT_EQ(plan->chosen, (std::vector<std::optional<size_t>>{1}));
  EXPECT_DOUBLE_EQ(plan->service_hours, 3.0);
  EXPECT_DOUBLE_EQ(large.cost.operation_krw, (large.metrics.occupied_km + large.metrics.empty_km) * 200);
  EXPECT_DOUBLE_EQ(large.cost.safety_drivers_krw, 30 * 3.0 * 16500);
  // The small fleet is cheaper and serves less, so both are on the front.
  EXPECT_TRUE(small.on_front && large.on_front);

  auto broken = metrics;
  broken[1].erase("wait_p95_s");
  auto refused = make_taxi_plan(**planner, *model, broken);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("point 1"), std::string::npos) << refused.status().to_string();
  EXPECT_NE(refused.status().message().find("missing 'wait_p95_s'"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::plan

namespace bitgoeul::plan {
namespace {

std::string fresh_store(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / "bitgoeul_taxi_plan_test" / name;
  std::filesystem::remove(path);
  return path.string();
}

// Bisection finds the smallest fleet a full sweep of every size finds, with a handful of simulations, the same
// with two workers, and the same again when stopped half-way and resumed.
TEST(TaxiPlanner, BisectionFindsWhatTheFullSweepFinds) {
  const std::string target = "min_served = 0.9\nmax_wait_p95_s = 600\n";
  std::string every;
  for (int fleet = 3; fleet <= 40; ++fleet) every += std::to_string(fleet) + ",";
  auto grid_sweep = read_taxi_sweep(write_file(
      "grid.toml", taxi_sweep_text("fleet = [" + every + "]\npolicy = [\"nearest_idle\"]\ndemand = [0.3]\n", target)));
  ASSERT_TRUE(grid_sweep.is_ok()) << grid_sweep.status().to_string();
  auto grid = TaxiPlanner::create(*grid_sweep);
  ASSERT_TRUE(grid.is_ok()) << grid.status().to_string();
  std::optional<uint32_t> smallest;
  for (size_t i = 0; i < (*grid)->points().size() && !smallest; ++i) {
    auto m = (*grid)->run_point(i);
    ASSERT_TRUE(m.is_ok());
    if (meets_taxi_target(*taxi_metrics_from_json(*m), grid_sweep->target)) smallest = (*grid)->points()[i].fleet;
  }
  ASSERT_TRUE(smallest.has_value());

  auto bisect_sweep = read_taxi_sweep(write_file(
      "bisect.toml", taxi_sweep_text("fleet_bisect = [3, 40]\npolicy = [\"nearest_idle\"]\ndemand = [0.3]\n", target)));
  ASSERT_TRUE(bisect_sweep.is_ok()) << bisect_sweep.status().to_string();
  auto model = read_taxi_cost_model(bisect_sweep->cost_model);
  ASSERT_TRUE(model.is_ok());
  std::vector<std::vector<nlohmann::json>> runs;
  for (const unsigned jobs : {1u, 2u}) {
    auto planner = TaxiPlanner::create(*bisect_sweep);
    ASSERT_TRUE(planner.is_ok()) << planner.status().to_string();
    EXPECT_TRUE((*planner)->points().empty());
    auto store = PointStore::open(fresh_store(fmt::format("bisect{}.jsonl", jobs)));
    ASSERT_TRUE(store.is_ok());
    RunOptions options;
    options.jobs = jobs;
    auto metrics = bisect_taxi_fleets(**planner, **store, options);
    ASSERT_TRUE(metrics.is_ok()) << metrics.status().to_string();
    ASSERT_TRUE(metrics->has_value());
    EXPECT_LE((*store)->size(), 7u);  // the largest, then halving 38 sizes
    auto plan = make_taxi_plan(**planner, *model, **metrics);
    ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
    ASSERT_EQ(plan->groups.size(), 1u);
    ASSERT_TRUE(plan->groups[0].smallest.has_value());
    EXPECT_EQ(plan->options[*plan->groups[0].smallest].point.fleet, *smallest);
    for (size_t i = 1; i < plan->options.size(); ++i) {
      EXPECT_LT(plan->options[i - 1].point.fleet, plan->options[i].point.fleet);
    }
    runs.push_back(**metrics);
  }
  EXPECT_EQ(runs[0], runs[1]);

  // Stopped after two simulations, then resumed: the same points, none simulated twice.
  const std::string path = fresh_store("bisect-resume.jsonl");
  RunOptions limited;
  limited.max_points = 2;
  {
    auto planner = TaxiPlanner::create(*bisect_sweep);
    auto store = PointStore::open(path);
    ASSERT_TRUE(planner.is_ok() && store.is_ok());
    auto partial = bisect_taxi_fleets(**planner, **store, limited);
    ASSERT_TRUE(partial.is_ok());
    EXPECT_FALSE(partial->has_value());
    EXPECT_EQ((*store)->size(), 2u);
  }
  auto planner = TaxiPlanner::create(*bisect_sweep);
  auto store = PointStore::open(path);
  ASSERT_TRUE(planner.is_ok() && store.is_ok());
  auto resumed = bisect_taxi_fleets(**planner, **store, {});
  ASSERT_TRUE(resumed.is_ok());
  ASSERT_TRUE(resumed->has_value());
  EXPECT_EQ(**resumed, runs[0]);
  EXPECT_EQ((*store)->size(), runs[0].size());
}

TEST(TaxiSweep, BisectionRangeMistakes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {taxi_sweep_text("fleet_bisect = [10]\n"), "axes.fleet_bisect: expected [smallest, largest]"},
      {taxi_sweep_text("fleet_bisect = [10, 20, 30]\n"), "axes.fleet_bisect: expected [smallest, largest]"},
      {taxi_sweep_text("fleet_bisect = [10, 10]\n"), "axes.fleet_bisect: values must be distinct"},
      {taxi_sweep_text("fleet_bisect = [0, 10]\n"), "axes.fleet_bisect: value 1 (0) must be a whole number"},
      {taxi_sweep_text("fleet = [5]\nfleet_bisect = [1, 10]\n"), "give fleet (sizes to sweep) or fleet_bisect, not both"},
  };
  for (const auto& [text, expected] : cases) {
    auto sweep = read_taxi_sweep(write_file("bad_bisect.toml", text));
    ASSERT_FALSE(sweep.is_ok()) << text;
    EXPECT_NE(sweep.status().message().find(expected), std::string::npos)
        << text << " -> " << sweep.status().to_string();
  }
}

}  // namespace
}  // namespace bitgoeul::plan
