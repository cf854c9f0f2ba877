#include "plan/npu_plan.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "npu/cluster_file.h"
#include "plan/testing.h"

namespace bitgoeul::plan {
namespace {

using testing::write_file;
using testing::kSource;

// One device type "NPU", nodes of 4 cards, and a type "GPU" nobody asks for.
const char* const kCluster = R"(name = "tiny"
[[device_types]]
name = "NPU"
resource = "example.com/npu"
[[device_types]]
name = "GPU"
resource = "example.com/gpu"
[[nodes]]
name = "npu"
count = 1
device_type = "NPU"
devices = 4
rack = "r1"
[[nodes]]
name = "gpu"
device_type = "GPU"
devices = 8
rack = "r2"
)";

const char* const kCosts = R"(currency = "KRW"
lifetime_years = 5
interest_rate = 0
electricity_krw_per_kwh = 100
pue = 1.0
[[device_types]]
name = "NPU"
card_price_krw = 10_000_000
card_idle_w = 0
card_peak_w = 100
node_price_krw = 0
node_w = 0
operation_krw_per_node_year = 0
[[device_types]]
name = "GPU"
card_price_krw = 40_000_000
card_idle_w = 0
card_peak_w = 700
node_price_krw = 0
node_w = 0
operation_krw_per_node_year = 0
)";

// Eight one-card jobs of an hour, all at time 0, on NPU only.
std::string jobs_csv() {
  std::string csv = "name,tenant,submit_s,duration_s,time_limit_s,devices,share_milli,types,locality,gang,preemptible,checkpoint_s\n";
  for (int i = 0; i < 8; ++i) csv += fmt::format("job{},lab,0,3600,0,1,0,NPU:1.0,any,true,false,0\n", i);
  return csv;
}

std::string npu_sweep_text(const std::string& axes, const std::string& target = "max_wait_p95_s = 1800\n",
                       const std::string& workload = "") {
  return "cluster = \"" + write_file("cluster.toml", kCluster) + "\"\ncost_model = \"" +
         write_file("costs.toml", kCosts) + "\"\n[workload]\n" +
         (workload.empty() ? "trace = \"" + write_file("jobs.csv", jobs_csv()) + "\"\n" : workload) + "[axes]\n" +
         axes + "[target]\n" + target;
}

TEST(NpuSweep, TheShippedSweepReads) {
  auto sweep = read_npu_sweep(kSource + "/examples/plan/gwangju-npu.toml");
  ASSERT_TRUE(sweep.is_ok()) << sweep.status().to_string();
  EXPECT_EQ(sweep->synthetic_jobs, 2000u);
  EXPECT_EQ(sweep->policies, (std::vector<std::string>{"fifo", "easy"}));
  EXPECT_EQ(sweep->nodes.at("RNGD"), (std::vector<uint32_t>{4, 6, 8}));
  EXPECT_TRUE(sweep->tenants.empty());
  EXPECT_DOUBLE_EQ(sweep->target.max_wait_p95_s, 3600);
  EXPECT_TRUE(std::filesystem::exists(sweep->cluster)) << sweep->cluster;
  EXPECT_TRUE(std::filesystem::exists(sweep->cost_model)) << sweep->cost_model;
}

TEST(NpuSweep, MistakesAreNamedWithLineAndKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {npu_sweep_text("policy = [\"lottery\"]\n"), "axes.policy: unknown policy 'lottery'"},
      {npu_sweep_text("policy = [\"fifo\", \"fifo\"]\n"), "policy 'fifo' listed twice"},
      {npu_sweep_text("[axes.nodes]\nNPU = []\n"), "axes.nodes.NPU: expected a non-empty array"},
      {npu_sweep_text("[axes.nodes]\nNPU = [1, -2]\n"), "axes.nodes.NPU: node counts must be whole numbers"},
      {npu_sweep_text("[axes.nodes]\nNPU = [1.5]\n"), "axes.nodes.NPU: node counts must be whole numbers"},
      {npu_sweep_text("[axes.nodes]\nNPU = [1, 1]\n"), "axes.nodes.NPU: node counts must be distinct"},
      {npu_sweep_text("[axes.nodes]\nNPU = \"many\"\n"), "axes.nodes.NPU: expected a non-empty array"},
      {npu_sweep_text("", "max_wait_p95_s = 0\n"), "target.max_wait_p95_s: must be a positive"},
      {npu_sweep_text("", "min_finished = 2\n"), "target.min_finished: must be a share"},
      {npu_sweep_text("", "", "seed = 1\n"), "give either trace = \"FILE\" or synthetic = NUMBER_OF_JOBS"},
      {npu_sweep_text("", "", "trace = \"a.csv\"\nsynthetic = 5\n"), "give either trace"},
      {npu_sweep_text("", "", "synthetic = 5\n"), "workload.runtimes: synthetic jobs need runtimes"},
      {npu_sweep_text("", "", "synthetic = -5\nruntimes = \"r.csv\"\n"), "workload.synthetic: must be between"},
      {npu_sweep_text("", "", "trace = \"a.csv\"\ngrowth = [0]\n"), "workload.growth: multiplier 0"},
      {npu_sweep_text("", "", "trace = \"a.csv\"\ngrowht = [2]\n"), "workload.growht: unknown key"},
      {"cluster = \"c.toml\"\ncost_model = \"m.toml\"\nplacement = \"random\"\n", ":3: placement: unknown placement"},
      {"cost_model = \"m.toml\"\n", "missing required key 'cluster'"},
  };
  for (const auto& [text, expected] : cases) {
    auto sweep = read_npu_sweep(write_file("bad.toml", text));
    ASSERT_FALSE(sweep.is_ok()) << text;
    EXPECT_NE(sweep.status().message().find(expected), std::string::npos)
        << text << " -> " << sweep.status().to_string();
  }
  auto unknown_type = read_npu_sweep(write_file("typo.toml", npu_sweep_text("[axes.nodes]\nTPU = [1]\n")));
  ASSERT_TRUE(unknown_type.is_ok());
  auto planner = NpuPlanner::create(*unknown_type);
  ASSERT_FALSE(planner.is_ok());
  EXPECT_NE(planner.status().message().find("axes.nodes.TPU: cluster"), std::string::npos)
      << planner.status().to_string();
}

TEST(ScaleCluster, RepeatsOrDropsTheNodesOfEachType) {
  auto base = npu::parse_cluster(kCluster, "cluster.toml");
  ASSERT_TRUE(base.is_ok()) << base.status().to_string();
  auto three = scale_cluster(*base, {{"NPU", 3}});
  ASSERT_TRUE(three.is_ok()) << three.status().to_string();
  EXPECT_EQ(three->devices_per_type(), (std::vector<uint32_t>{12, 8}));
  std::set<std::string> names;
  for (const npu::Node& node : three->nodes) names.insert(node.name);
  EXPECT_EQ(names, (std::set<std::string>{"npu", "npu~1", "npu~2", "gpu"}));
  EXPECT_TRUE(npu::validate(*three).is_ok());
  auto none = scale_cluster(*base, {{"GPU", 0}});
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->devices_per_type(), (std::vector<uint32_t>{4, 0}));
  EXPECT_FALSE(scale_cluster(*base, {{"TPU", 1}}).is_ok());
  auto empty = scale_cluster(*base, {{"GPU", 0}});
  ASSERT_TRUE(empty.is_ok());
  auto regrow = scale_cluster(*empty, {{"GPU", 2}});
  ASSERT_FALSE(regrow.is_ok());
  EXPECT_NE(regrow.status().message().find("no node of device type 'GPU' to copy"), std::string::npos);
}

TEST(ScaleWorkload, GrowthCopiesJobsWithinTheJitter) {
  npu::Workload workload;
  for (int i = 0; i < 100; ++i) {
    npu::Job job;
    job.name = fmt::format("j{}", i);
    job.submit_s = i * 100;
    workload.jobs.push_back(job);
  }
  const npu::Workload twice = scale_workload(workload, 2.0, 1, 600);
  ASSERT_EQ(twice.jobs.size(), 200u);
  std::set<std::string> names;
  for (size_t i = 0; i < twice.jobs.size(); ++i) {
    names.insert(twice.jobs[i].name);
    EXPECT_GE(twice.jobs[i].submit_s, 0);
    if (i > 0) {
      EXPECT_LE(twice.jobs[i - 1].submit_s, twice.jobs[i].submit_s);
    }
  }
  EXPECT_EQ(names.size(), 200u);
  EXPECT_TRUE(names.count("j7#2"));
  const npu::Workload part = scale_workload(workload, 0.5, 1, 600);
  EXPECT_GT(part.jobs.size(), 30u);
  EXPECT_LT(part.jobs.size(), 70u);
  EXPECT_EQ(scale_workload(workload, 1.0, 1, 600).jobs.size(), 100u);
}

// Eight one-hour jobs at once: one node of four cards makes half of them wait an hour, two nodes none; without
// NPU nodes the jobs cannot run at all. The cheapest mix meeting "p95 wait ≤ 30 min" is two nodes.
TEST(NpuPlanner, ChoosesTheCheapestMixMeetingTheTarget) {
  auto sweep = read_npu_sweep(write_file("tiny.toml", npu_sweep_text("policy = [\"fifo\"]\n[axes.nodes]\nNPU = [0, 1, 2, 3]\n")));
  ASSERT_TRUE(sweep.is_ok()) << sweep.status().to_string();
  auto planner = NpuPlanner::create(*sweep);
  ASSERT_TRUE(planner.is_ok()) << planner.status().to_string();
  ASSERT_EQ((*planner)->points().size(), 4u);
  std::vector<nlohmann::json> metrics;
  for (size_t i = 0; i < 4; ++i) {
    auto m = (*planner)->run_point(i);
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    metrics.push_back(*m);
  }
  EXPECT_FALSE(metrics[0]["feasible"].get<bool>());
  EXPECT_NE(metrics[0]["reason"].get<std::string>().find("8 of 8 jobs cannot run"), std::string::npos)
      << metrics[0]["reason"];
  EXPECT_EQ(metrics[1]["wait_p95_s"].get<double>(), 3600.0);
  EXPECT_EQ(metrics[1]["wait_p50_s"].get<double>(), 0.0);
  EXPECT_EQ(metrics[2]["wait_p95_s"].get<double>(), 0.0);
  EXPECT_EQ(metrics[2]["finished"].get<uint64_t>(), 8u);
  auto model = read_npu_cost_model(sweep->cost_model);
  ASSERT_TRUE(model.is_ok());
  auto plan = make_npu_plan(**planner, *model, metrics);
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_EQ(plan->chosen, (std::vector<std::optional<size_t>>{2}));
  const NpuOption& two = plan->options[2];
  EXPECT_EQ(two.cards, 16u);  // 8 NPU + the 8 GPUs kept from the base
  EXPECT_DOUBLE_EQ(two.cost.capital_krw, (8 * 10e6 + 8 * 40e6) / 5);
  EXPECT_FALSE(plan->options[0].meets_target);
  EXPECT_FALSE(plan->options[1].meets_target);
  EXPECT_TRUE(plan->options[3].meets_target);
  // Three nodes cost more for no shorter wait: off the front; one node is cheaper but waits: on it.
  EXPECT_TRUE(plan->options[1].on_front);
  EXPECT_TRUE(plan->options[2].on_front);
  EXPECT_FALSE(plan->options[3].on_front);
  EXPECT_FALSE(plan->options[0].on_front);  // infeasible options are never on the front
}

TEST(NpuPlanner, SyntheticGrowthAddsJobsAndTenantsMustFit) {
  const std::string runtimes = write_file("runtimes.csv", "runtime\n60\n600\n3600\n7200\n");
  auto sweep = read_npu_sweep(write_file(
      "synthetic.toml",
      npu_sweep_text("[axes.nodes]\nNPU = [1, 2]\n", "max_wait_p95_s = 3600\n",
                 "synthetic = 50\nruntimes = \"" + runtimes + "\"\ngrowth = [1, 2]\n")));
  ASSERT_TRUE(sweep.is_ok()) << sweep.status().to_string();
  auto planner = NpuPlanner::create(*sweep);
  ASSERT_TRUE(planner.is_ok()) << planner.status().to_string();
  EXPECT_EQ((*planner)->jobs_at(0), 50u);
  EXPECT_EQ((*planner)->jobs_at(1), 100u);
  EXPECT_EQ((*planner)->points().size(), 4u);  // 2 growth levels × the default policy × 2 mixes
  EXPECT_EQ((*planner)->points()[0].policy, "easy");
  for (size_t i = 0; i < 4; ++i) {
    auto m = (*planner)->run_point(i);
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    auto parsed = npu_metrics_from_json(*m);
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
    EXPECT_TRUE(parsed->feasible) << parsed->reason;
    EXPECT_EQ(parsed->finished, (*planner)->jobs_at(i / 2));
  }
}

}  // namespace
}  // namespace bitgoeul::plan
