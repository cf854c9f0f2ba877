// The simulator: accounting rules (time limits, speeds, partitions, quotas, vouchers) as exact scenarios, then
// every policy × placement on random traces with every invariant checked after every event, and determinism.

#include "npu/simulator.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "npu/random.h"
#include "npu/testing.h"

namespace bitgoeul::npu {
namespace {

using testing::make_scenario;
using testing::run;
using testing::starts;
using Starts = std::vector<std::pair<std::string, int64_t>>;

constexpr const char* kMixedCluster = R"(
[[device_types]]
name = "RNGD"
resource = "furiosa.ai/rngd"
processing_elements = 8
  [[device_types.partitions]]
  processing_elements = 2
  resource = "furiosa.ai/rngd-2core.12gb"
  [[device_types.partitions]]
  processing_elements = 4
  resource = "furiosa.ai/rngd-4core.24gb"
[[device_types]]
name = "H100"
resource = "nvidia.com/gpu"
billing_weight = 2.0
[[nodes]]
name = "r"
device_type = "RNGD"
devices = 2
rack = "A"
[[nodes]]
name = "h"
device_type = "H100"
devices = 2
rack = "B"
)";

TEST(Simulator, TimeLimitKillsTheJob) {
  const auto scenario = make_scenario(kMixedCluster, "",
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices,types\n"
                                      "over,t,0,100,60,1,H100\n");
  const SimulationResult result = run(scenario, "fifo");
  EXPECT_EQ(result.jobs[0].end_s, 60);
  EXPECT_EQ(result.jobs[0].outcome, JobOutcome::kTimedOut);
}

// Live mode: the run starts at t=100 with "busy" holding both H100s since t=40 (it ends at 40 + 90 = 130);
// "a" (submitted at 10, already queued) and "b" (arriving at 110) wait for them; fifo starts "a" at 130 and "b"
// behind it, when "a" ends at 150.
TEST(Simulator, LiveModeStartsFromTheRunningState) {
  const auto scenario = make_scenario(kMixedCluster, "",
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices,types\n"
                                      "busy,t,0,90,600,2,H100\n"
                                      "a,t,10,20,600,2,H100\n"
                                      "b,u,110,5,600,1,H100\n");
  Result<std::unique_ptr<Policy>> policy = make_policy("fifo", {});
  Result<std::unique_ptr<Placement>> placement = make_placement("first-fit");
  ASSERT_TRUE(policy.is_ok() && placement.is_ok());
  SimulationOptions options;
  options.verify = true;
  options.start_s = 100;
  SimulationOptions::Running busy;
  busy.job = 0;
  busy.started_s = 40;
  busy.allocation.type = *scenario.cluster.find_type("H100");
  busy.allocation.devices = {2, 3};  // the two H100 devices (after the two RNGDs)
  options.running.push_back(busy);
  Result<SimulationResult> result =
      simulate(scenario.cluster, scenario.tenants, scenario.workload, **policy, **placement, options);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(starts(scenario, *result), (Starts{{"busy", 40}, {"a", 130}, {"b", 150}}));
  EXPECT_EQ(result->jobs[0].end_s, 130);

  // A running job on devices that do not exist is refused with its name.
  options.running[0].allocation.devices = {2, 9};
  Result<SimulationResult> bad =
      simulate(scenario.cluster, scenario.tenants, scenario.workload, **policy, **placement, options);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("'busy'"), std::string::npos) << bad.status().message();
}

TEST(Simulator, FasterTypePreferredAndRunsFaster) {
  // Both jobs accept both types; H100 is 2.5× faster. The first takes the two H100s, the second the RNGDs.
  const auto scenario = make_scenario(kMixedCluster, "",
                                      "name,tenant,submit_s,duration_s,devices,types\n"
                                      "a,t,0,100,2,RNGD:1|H100:2.5\n"
                                      "b,t,0,100,2,RNGD:1|H100:2.5\n");
  const SimulationResult result = run(scenario, "fifo");
  EXPECT_EQ(result.jobs[0].allocation.type, 1u);
  EXPECT_EQ(result.jobs[0].end_s, 40);
  EXPECT_EQ(result.jobs[1].allocation.type, 0u);
  EXPECT_EQ(result.jobs[1].end_s, 100);
}

TEST(Simulator, PartitionsRoundSharesUp) {
  // 300 milli becomes a 4-PE partition (500): two per card, four on the two cards; the fifth waits.
  std::string csv = "name,tenant,submit_s,duration_s,devices,share_milli,types\n";
  for (int i = 1; i <= 5; ++i) csv += fmt::format("s{},t,0,100,1,300,RNGD\n", i);
  const auto scenario = make_scenario(kMixedCluster, "", csv);
  const SimulationResult result = run(scenario, "fifo");
  EXPECT_EQ(starts(scenario, result), (Starts{{"s1", 0}, {"s2", 0}, {"s3", 0}, {"s4", 0}, {"s5", 100}}));
  EXPECT_EQ(result.jobs[0].allocation.milli_per_device, 500u);
}

const std::string kTwoProgrammes = testing::tenants_toml({
    {.name = "A", .kind = "programme", .guaranteed = "H100 = 1"},
    {.name = "B", .kind = "programme", .guaranteed = "H100 = 1", .maximum = "RNGD = 1"},
});

TEST(Simulator, GuaranteesAreLentOnlyToPreemptibleWork) {
  // A and B are each guaranteed one of the two H100s. A's non-preemptible a2 would borrow B's guarantee: it
  // waits until a1 ends. A's preemptible a3 may borrow. B's maximum of one RNGD holds b2 back until b1 ends.
  const auto scenario = make_scenario(kMixedCluster, kTwoProgrammes,
                                      "name,tenant,submit_s,duration_s,devices,types,preemptible\n"
                                      "a1,A,0,100,1,H100,false\n"
                                      "a2,A,0,100,1,H100,false\n"
                                      "b1,B,0,50,1,RNGD,false\n"
                                      "b2,B,0,50,1,RNGD,false\n"
                                      "a3,A,200,100,1,H100,true\n"
                                      "a4,A,200,100,1,H100,false\n");
  const SimulationResult result = run(scenario, "fifo");
  EXPECT_EQ(starts(scenario, result),
            (Starts{{"a1", 0}, {"a2", 100}, {"b1", 0}, {"b2", 50}, {"a3", 200}, {"a4", 200}}));
}

TEST(Simulator, VouchersAreNeverOverdrawn) {
  // One device-hour on the voucher, H100 billed at 2.0: a 900 s job reserves 0.5 h (its limit) and burns 0.5 h;
  // the second job's reservation (0.5 h) fits only after the first has released its own; the third never fits.
  const std::string tenants = testing::tenants_toml({{.name = "v", .kind = "programme", .voucher_device_hours = 1.0}});
  const auto scenario = make_scenario(kMixedCluster, tenants,
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices,types\n"
                                      "v1,v,0,900,900,1,H100\n"
                                      "v2,v,0,900,900,1,H100\n"
                                      "v3,v,0,900,900,1,H100\n");
  const SimulationResult result = run(scenario, "fifo");
  EXPECT_EQ(starts(scenario, result), (Starts{{"v1", 0}, {"v2", 0}, {"v3", -1}}));
  EXPECT_EQ(result.jobs[2].outcome, JobOutcome::kNeverStarted);
  const Metrics metrics = compute_metrics(scenario.cluster, scenario.tenants, scenario.workload, result, "fifo",
                                          "first-fit");
  ASSERT_EQ(metrics.tenants.size(), 1u);
  EXPECT_DOUBLE_EQ(metrics.tenants[0].voucher_burnt_hours, 1.0);
  EXPECT_EQ(metrics.never_started, 1u);
}

// A random trace over the mixed cluster: whole gangs, shares, several tenants with quotas and vouchers.
testing::Scenario random_scenario(uint64_t seed, size_t jobs) {
  Random random(seed);
  std::string csv = "name,tenant,submit_s,duration_s,time_limit_s,devices,share_milli,types,locality,preemptible,"
                    "checkpoint_s,cpu_milli,memory_mib\n";
  int64_t t = 0;
  static const char* const kTypes[] = {"RNGD:1", "H100:1", "RNGD:1|H100:2", "H100:1.5|RNGD:1"};
  static const char* const kLocality[] = {"any", "node", "rack"};
  for (size_t i = 0; i < jobs; ++i) {
    t += static_cast<int64_t>(random.below(60));
    const int64_t duration = 1 + static_cast<int64_t>(random.below(400));
    const int64_t limit = random.below(4) == 0 ? 0 : duration / 2 + static_cast<int64_t>(random.below(600));
    const bool fractional = random.below(3) == 0;
    const uint32_t devices = fractional ? 1 : 1 + static_cast<uint32_t>(random.below(2));
    const uint32_t share = fractional ? 100 + 100 * static_cast<uint32_t>(random.below(4)) : 0;
    const char* types = fractional ? "RNGD:1" : kTypes[random.below(4)];
    csv += fmt::format("j{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i, "p" + std::to_string(random.below(3)), t,
                       duration, limit, devices, share, types, kLocality[random.below(3)],
                       random.below(2) == 0 ? "true" : "false", random.below(30), 1000 * random.below(7),
                       4096 * random.below(9));
  }
  // Every node with 8 cores and 32 GiB: CPU and memory bind as often as devices do.
  std::string cluster = kMixedCluster;
  for (size_t at = cluster.find("devices = 2\n"); at != std::string::npos; at = cluster.find("devices = 2\n", at + 1)) {
    cluster.insert(at, "cpu_milli = 8000\nmemory_mib = 32768\n");
    at += 40;
  }
  return make_scenario(
      cluster,
      testing::tenants_toml({
          {.name = "prog", .kind = "programme", .guaranteed = "RNGD = 1, H100 = 1"},
          {.name = "org",
           .kind = "organisation",
           .parent = "prog",
           .guaranteed = "RNGD = 1, H100 = 1",
           .voucher_device_hours = 40},
          {.name = "p0", .kind = "project", .parent = "org", .guaranteed = "H100 = 1"},
          {.name = "p1", .kind = "project", .parent = "org", .maximum = "H100 = 1.5, RNGD = 2"},
          {.name = "other", .kind = "programme", .guaranteed = "RNGD = 0.5"},
          {.name = "o", .kind = "organisation", .parent = "other"},
          {.name = "p2", .kind = "project", .parent = "o"},
      }),
                       csv);
}

std::string jobs_csv_text(const testing::Scenario& scenario, const SimulationResult& result) {
  const std::string path = (std::filesystem::temp_directory_path() / "bitgoeul_npu_sim_jobs.csv").string();
  EXPECT_TRUE(write_jobs_csv(scenario.cluster, scenario.tenants, scenario.workload, result, path).is_ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Simulator, InvariantsHoldOnRandomTracesForEveryPolicyAndPlacement) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const testing::Scenario scenario = random_scenario(seed, 150);
    ASSERT_EQ(scenario.workload.jobs.size(), 150u);
    for (const std::string& policy : policy_names()) {
      for (const std::string& placement : placement_names()) {
        SCOPED_TRACE(fmt::format("seed {} policy {} placement {}", seed, policy, placement));
        PolicyOptions options;
        options.tiresias_thresholds_device_s = {60.0, 600.0};
        const SimulationResult result = run(scenario, policy, placement, options);  // verify is on
        ASSERT_EQ(result.jobs.size(), 150u);
        for (size_t j = 0; j < result.jobs.size(); ++j) {
          const JobProgress& p = result.jobs[j];
          const Job& job = scenario.workload.jobs[j];
          if (p.outcome == JobOutcome::kNeverStarted) continue;
          ASSERT_TRUE(p.outcome == JobOutcome::kCompleted || p.outcome == JobOutcome::kTimedOut) << job.name;
          EXPECT_GE(p.first_start_s, job.submit_s);
          EXPECT_GE(p.end_s, p.first_start_s + 1);
        }
      }
    }
  }
}

TEST(Simulator, SameInputSameOutput) {
  const testing::Scenario scenario = random_scenario(42, 200);
  for (const char* policy : {"multifactor", "tiresias", "drf"}) {
    const std::string first = jobs_csv_text(scenario, run(scenario, policy, "fgd"));
    const std::string second = jobs_csv_text(scenario, run(scenario, policy, "fgd"));
    EXPECT_EQ(first, second) << policy;
    EXPECT_GT(first.size(), 1000u);
  }
}

TEST(Simulator, ExampleCenterRunsUnderEveryPolicy) {
  const std::string dir = BITGOEUL_SOURCE_DIR "/examples/npu/";
  Result<Cluster> cluster = load_cluster_file(dir + "gwangju_cluster.toml");
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  Result<Tenants> tenants = load_tenants_file(dir + "gwangju_tenants.toml", *cluster);
  ASSERT_TRUE(tenants.is_ok()) << tenants.status().to_string();
  TenantLookup lookup(*tenants, cluster->device_types.size(), false);
  Result<Workload> workload = read_job_csv(dir + "gwangju_jobs.csv", *cluster, lookup);
  ASSERT_TRUE(workload.is_ok()) << workload.status().to_string();
  const testing::Scenario scenario{*cluster, *tenants, *workload};
  for (const std::string& policy : policy_names()) {
    const SimulationResult result = run(scenario, policy, "topology");
    const Metrics metrics = compute_metrics(scenario.cluster, scenario.tenants, scenario.workload, result, policy,
                                            "topology");
    EXPECT_EQ(metrics.completed + metrics.timed_out, metrics.jobs) << policy;
    EXPECT_GT(metrics.utilisation_overall, 0.0);
    EXPECT_GT(metrics.jain_fairness, 0.0);
    EXPECT_LE(metrics.jain_fairness, 1.0 + 1e-12);
  }
}

TEST(Simulator, TimeSeriesSamplesTheStateAtFixedInstants) {
  // One H100 pair; three 100 s two-device jobs at t = 0 run one after another. Sampled every 50 s from t = 0 to
  // the last end (300 s): the state after each instant's scheduling pass.
  const auto scenario = make_scenario(kMixedCluster, "",
                                      "name,tenant,submit_s,duration_s,devices,types\n"
                                      "a,t,0,100,2,H100\nb,t,0,100,2,H100\nc,t,0,100,2,H100\n");
  const SimulationResult result = run(scenario, "fifo", "first-fit", {}, {.sample_interval_s = 50});
  const TimeSeries& series = result.series;
  EXPECT_EQ(series.start_s, 0);
  EXPECT_EQ(series.interval_s, 50);
  EXPECT_EQ(series.queued_jobs, (std::vector<uint32_t>{2, 2, 1, 1, 0, 0, 0}));
  EXPECT_EQ(series.running_jobs, (std::vector<uint32_t>{1, 1, 1, 1, 1, 1, 0}));
  ASSERT_EQ(series.used_milli.size(), 2u);
  EXPECT_EQ(series.used_milli[0], (std::vector<int64_t>(7, 0)));  // RNGD idle
  EXPECT_EQ(series.used_milli[1], (std::vector<int64_t>{2000, 2000, 2000, 2000, 2000, 2000, 0}));
  EXPECT_EQ(series.time_s(6), 300);
  EXPECT_EQ(run(scenario, "fifo").series.size(), 0u);  // not sampled unless asked
}

TEST(Simulator, LongTimeSeriesHalveTheirResolution) {
  const auto scenario = make_scenario(kMixedCluster, "",
                                      "name,tenant,submit_s,duration_s,devices,types\n"
                                      "long,t,0,10000,1,H100\nlate,t,5000,10,1,RNGD\n");
  const SimulationResult result = run(scenario, "fifo", "first-fit", {}, {.sample_interval_s = 1});
  const TimeSeries& series = result.series;
  // 10,001 instants at 1 s exceed the cap; 8 s is the first doubling that fits (1,251 samples).
  EXPECT_EQ(series.interval_s, 8);
  EXPECT_EQ(series.size(), 1251u);
  EXPECT_LE(series.size(), kMaxTimeSeriesSamples);
  EXPECT_EQ(series.time_s(series.size() - 1), 10000);
  EXPECT_EQ(series.used_milli[1][series.size() - 2], 1000);
  EXPECT_EQ(series.used_milli[1].back(), 0);
  EXPECT_EQ(series.running_jobs[624], 1u);  // t = 4992
  EXPECT_EQ(series.running_jobs[625], 2u);  // t = 5000: the late job started
  EXPECT_EQ(series.running_jobs[626], 2u);  // t = 5008: it ends at 5010
  EXPECT_EQ(series.running_jobs[627], 1u);  // t = 5016
}

TEST(Simulator, SuggestedSampleIntervalsAreRound) {
  Workload workload;
  Job job;
  job.duration_s = 1000;
  workload.jobs.push_back(job);
  job.submit_s = 99000;
  workload.jobs.push_back(job);
  EXPECT_EQ(suggest_sample_interval_s(workload, 500), 200);  // span 100,000 s / 500 = 200
  EXPECT_EQ(suggest_sample_interval_s(workload, 300), 500);  // 333 rounds up to 500
  EXPECT_EQ(suggest_sample_interval_s(Workload{}, 300), 1);
}

TEST(Metrics, SummariesUseNearestRank) {
  const Distribution d = summarise({5, 1, 4, 2, 3});
  EXPECT_EQ(d.count, 5u);
  EXPECT_DOUBLE_EQ(d.mean, 3.0);
  EXPECT_DOUBLE_EQ(d.p50, 3.0);
  EXPECT_DOUBLE_EQ(d.p99, 5.0);
  EXPECT_DOUBLE_EQ(summarise({}).mean, 0.0);
}

}  // namespace
}  // namespace bitgoeul::npu
