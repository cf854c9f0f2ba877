// Quota reclaim as exact schedules: who is preempted, when the guaranteed job starts, and what the borrower pays.

#include "npu/quota_reclaim.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "npu/random.h"

#include "npu/testing.h"

namespace bitgoeul::npu {
namespace {

using Starts = std::vector<std::pair<std::string, int64_t>>;

constexpr const char* kTwoH100 = R"(
[[device_types]]
name = "H100"
resource = "nvidia.com/gpu"
[[nodes]]
name = "h"
device_type = "H100"
devices = 2
)";

// A and B are each guaranteed one H100; A's research organisation splits A's guarantee with a project.
const std::string kTenants = testing::tenants_toml({
    {.name = "A", .kind = "programme", .guaranteed = "H100 = 1"},
    {.name = "B", .kind = "programme", .guaranteed = "H100 = 1"},
    {.name = "A-org", .kind = "organisation", .parent = "A", .guaranteed = "H100 = 1"},
    {.name = "A-lab", .kind = "project", .parent = "A-org", .guaranteed = "H100 = 1"},
    {.name = "A-other", .kind = "project", .parent = "A-org"},
});

SimulationResult simulate_fifo(const testing::Scenario& scenario, bool reclaim) {
  return testing::run(scenario, "fifo", "first-fit", {}, {.reclaim_quota = reclaim});
}

std::vector<int64_t> ends(const SimulationResult& result) {
  std::vector<int64_t> out;
  for (const JobProgress& p : result.jobs) out.push_back(p.end_s);
  return out;
}

TEST(QuotaReclaim, GuaranteedJobPreemptsTheLatestBorrowerWhichPaysItsCheckpoint) {
  // B borrows A's idle H100 with preemptible b2. At t = 100 A's a1 arrives within A's guarantee: b2 (started
  // last) is preempted, a1 runs 100..200, b2 restarts at 200 and pays its 50 s checkpoint restore: it has done
  // 90 s of its 1000 s, so it ends at 200 + 50 + 910 = 1160. b1, within B's own guarantee, is never touched.
  const auto scenario = testing::make_scenario(kTwoH100, kTenants,
                                               "name,tenant,submit_s,duration_s,devices,preemptible,checkpoint_s\n"
                                               "b1,B,0,1000,1,true,50\n"
                                               "b2,B,10,1000,1,true,50\n"
                                               "a1,A-lab,100,100,1,false,0\n");
  const SimulationResult result = simulate_fifo(scenario, true);
  EXPECT_EQ(testing::starts(scenario, result), (Starts{{"b1", 0}, {"b2", 10}, {"a1", 100}}));
  EXPECT_EQ(ends(result), (std::vector<int64_t>{1000, 1160, 200}));
  EXPECT_EQ(result.jobs[0].preemptions, 0u);
  EXPECT_EQ(result.jobs[1].preemptions, 1u);
  EXPECT_EQ(result.jobs[2].waited_s, 0);

  // Without reclaim, a1 waits for a borrower to end.
  const SimulationResult unreclaimed = simulate_fifo(scenario, false);
  EXPECT_EQ(testing::starts(scenario, unreclaimed), (Starts{{"b1", 0}, {"b2", 10}, {"a1", 1000}}));
}

TEST(QuotaReclaim, OnlyWithinTheGuaranteeAndOnlyFromBorrowersOutsideTheSubtree) {
  // a2 wants both H100s, more than A's guarantee of one: no reclaim, it waits for both borrowers' ends.
  {
    const auto scenario = testing::make_scenario(kTwoH100, kTenants,
                                                 "name,tenant,submit_s,duration_s,devices,preemptible\n"
                                                 "b1,B,0,1000,1,true\n"
                                                 "b2,B,10,1000,1,true\n"
                                                 "a2,A-lab,100,100,2,true\n");
    const SimulationResult result = simulate_fifo(scenario, true);
    EXPECT_EQ(testing::starts(scenario, result), (Starts{{"b1", 0}, {"b2", 10}, {"a2", 1010}}));
    EXPECT_EQ(result.jobs[0].preemptions + result.jobs[1].preemptions, 0u);
  }
  {
    // Siblings lend each other guarantee only preemptibly, too: o1 (A-other, guaranteed nothing) uses A-lab's
    // idle guarantee. a3 arrives within A-lab's guarantee; the chains diverge under A-org, where A-other holds
    // 1 H100 > 0 guaranteed, so o1 is reclaimed (100 s done, restarts at 200, ends 1100).
    const auto scenario = testing::make_scenario(kTwoH100, kTenants,
                                                 "name,tenant,submit_s,duration_s,devices,preemptible\n"
                                                 "b1,B,0,1000,1,false\n"
                                                 "o1,A-other,0,1000,1,true\n"
                                                 "a3,A-lab,100,100,1,false\n");
    const SimulationResult result = simulate_fifo(scenario, true);
    EXPECT_EQ(testing::starts(scenario, result), (Starts{{"b1", 0}, {"o1", 0}, {"a3", 100}}));
    EXPECT_EQ(ends(result), (std::vector<int64_t>{1000, 1100, 200}));
    EXPECT_EQ(result.jobs[1].preemptions, 1u);
  }
  {
    // A non-preemptible job is never reclaimed, even when B holds more than its guarantee.
    const auto scenario = testing::make_scenario(kTwoH100,
                                                 testing::tenants_toml({
                                                     {.name = "A", .kind = "programme", .guaranteed = "H100 = 1"},
                                                     {.name = "B", .kind = "programme"},
                                                 }),
                                                 "name,tenant,submit_s,duration_s,devices,preemptible\n"
                                                 "b1,B,0,1000,1,false\n"
                                                 "b2,B,0,1000,1,true\n"
                                                 "a1,A,100,100,1,false\n");
    const SimulationResult result = simulate_fifo(scenario, true);
    EXPECT_EQ(testing::starts(scenario, result), (Starts{{"b1", 0}, {"b2", 0}, {"a1", 100}}));
    EXPECT_EQ(result.jobs[0].preemptions, 0u);
    EXPECT_EQ(result.jobs[1].preemptions, 1u);
  }
}

// A random tree under the cluster (programmes → organisations → projects: the deepest the model has, four levels
// with the cluster), guarantees split at random between children, random jobs of every shape on a whole-card and
// a shared type.
testing::Scenario random_hierarchy(uint64_t seed, size_t jobs) {
  Random random(seed);
  const std::string cluster = R"(
[[device_types]]
name = "H100"
resource = "nvidia.com/gpu"
[[device_types]]
name = "T4"
resource = "nvidia.com/gpu-shared"
sharing = "milli"
[[nodes]]
name = "h"
count = 4
device_type = "H100"
devices = 4
cpu_milli = 64000
[[nodes]]
name = "t"
count = 2
device_type = "T4"
devices = 4
)";
  std::vector<testing::TenantEntry> tenants;
  std::vector<std::string> projects;
  const auto entry = [&tenants](const std::string& name, const char* kind, const std::string& parent, int64_t h100,
                                int64_t t4, int64_t max_h100) {
    tenants.push_back({.name = name,
                       .kind = kind,
                       .parent = parent,
                       .guaranteed = fmt::format("H100 = {}, T4 = {}", h100, t4),
                       .maximum = max_h100 > 0 ? fmt::format("H100 = {}", max_h100) : ""});
  };
  // Splits `total` into `parts` random guarantees summing to at most `total`.
  const auto split = [&random](int64_t total, size_t parts) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < parts; ++i) {
      const int64_t share = static_cast<int64_t>(random.below(static_cast<uint64_t>(total + 1)));
      out.push_back(share);
      total -= share;
    }
    return out;
  };
  const std::vector<int64_t> programme_h100 = split(16, 3);
  const std::vector<int64_t> programme_t4 = split(8, 3);
  for (size_t p = 0; p < 3; ++p) {
    const std::string programme = fmt::format("P{}", p);
    entry(programme, "programme", "", programme_h100[p], programme_t4[p], 0);
    const std::vector<int64_t> org_h100 = split(programme_h100[p], 2);
    const std::vector<int64_t> org_t4 = split(programme_t4[p], 2);
    for (size_t o = 0; o < 2; ++o) {
      const std::string organisation = fmt::format("{}-O{}", programme, o);
      entry(organisation, "organisation", programme, org_h100[o], org_t4[o], 0);
      const std::vector<int64_t> project_h100 = split(org_h100[o], 2);
      const std::vector<int64_t> project_t4 = split(org_t4[o], 2);
      for (size_t k = 0; k < 2; ++k) {
        const std::string project = fmt::format("{}-p{}", organisation, k);
        // Some projects are capped (never below the largest gang, 3 H100s, so every job can start eventually).
        const int64_t cap = random.below(3) == 0 ? std::max<int64_t>(3, project_h100[k] + 2) : 0;
        entry(project, "project", organisation, project_h100[k], project_t4[k], cap);
        projects.push_back(project);
      }
    }
  }
  std::string csv = "name,tenant,submit_s,duration_s,devices,share_milli,types,preemptible,checkpoint_s,cpu_milli\n";
  int64_t t = 0;
  for (size_t i = 0; i < jobs; ++i) {
    t += static_cast<int64_t>(random.below(40));
    const bool shared = random.below(3) == 0;
    csv += fmt::format("j{},{},{},{},{},{},{},{},{},{}\n", i, projects[random.below(projects.size())], t,
                       10 + random.below(600), shared ? 1 : 1 + random.below(3),
                       shared ? 250 * (1 + random.below(3)) : 0, shared ? "T4" : "H100",
                       random.below(3) == 0 ? "false" : "true", random.below(40),
                       shared ? 0 : 4000 * random.below(4));
  }
  return testing::make_scenario(cluster, testing::tenants_toml(tenants), csv);
}

TEST(QuotaReclaim, RandomDeepHierarchiesKeepEveryInvariant) {
  size_t reclaimed = 0;
  size_t completed = 0;
  size_t runs = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const testing::Scenario scenario = random_hierarchy(seed, 150);
    ASSERT_EQ(scenario.tenants.size(), 3u + 6u + 12u);
    ASSERT_EQ(scenario.workload.jobs.size(), 150u);
    for (const char* policy_name : {"fifo", "easy", "multifactor", "tiresias", "gavel-lp"}) {
      SCOPED_TRACE(fmt::format("seed {} policy {}", seed, policy_name));
      // Verified: devices, CPU, gangs, quotas, guarantees and vouchers after every event.
      const SimulationResult result = testing::run(scenario, policy_name, "best-fit", {}, {.reclaim_quota = true});
      ASSERT_EQ(result.jobs.size(), 150u);
      ++runs;
      for (size_t j = 0; j < result.jobs.size(); ++j) {
        const Job& job = scenario.workload.jobs[j];
        const JobProgress& p = result.jobs[j];
        // Preemptible jobs always run to their end (caps never lie below a gang; idle guarantees are lent to
        // them). A non-preemptible job may only use its own chain's guarantees and unguaranteed capacity, which
        // can be none: it may never start, but once started it is never preempted.
        if (job.preemptible) {
          EXPECT_EQ(p.outcome, JobOutcome::kCompleted) << job.name;
        } else {
          EXPECT_TRUE(p.outcome == JobOutcome::kCompleted || p.outcome == JobOutcome::kNeverStarted) << job.name;
          EXPECT_EQ(p.preemptions, 0u) << job.name;
        }
        if (p.outcome == JobOutcome::kCompleted) {
          EXPECT_GE(p.end_s - p.first_start_s, job.duration_s) << job.name;
          ++completed;
        }
      }
      if (std::string_view(policy_name) == "fifo") {
        for (const JobProgress& p : result.jobs) reclaimed += p.preemptions;  // fifo itself never preempts
      }
    }
  }
  EXPECT_GT(reclaimed, 0u);             // the trees and jobs do exercise reclaim
  EXPECT_GT(completed, runs * 150 * 3 / 4);  // and most jobs run
}

}  // namespace
}  // namespace bitgoeul::npu
