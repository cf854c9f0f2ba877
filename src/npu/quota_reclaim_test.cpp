// Quota reclaim as exact schedules: who is preempted, when the guaranteed job starts, and what the borrower pays.

#include "npu/quota_reclaim.h"

#include <gtest/gtest.h>

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
constexpr const char* kTenants = R"(
[[tenants]]
name = "A"
kind = "programme"
guaranteed = { H100 = 1 }
[[tenants]]
name = "B"
kind = "programme"
guaranteed = { H100 = 1 }
[[tenants]]
name = "A-org"
kind = "organisation"
parent = "A"
guaranteed = { H100 = 1 }
[[tenants]]
name = "A-lab"
kind = "project"
parent = "A-org"
guaranteed = { H100 = 1 }
[[tenants]]
name = "A-other"
kind = "project"
parent = "A-org"
)";

SimulationResult simulate_fifo(const testing::Scenario& scenario, bool reclaim) {
  Result<std::unique_ptr<Policy>> policy = make_policy("fifo", {});
  Result<std::unique_ptr<Placement>> placement = make_placement("first-fit");
  SimulationOptions options;
  options.verify = true;
  options.reclaim_quota = reclaim;
  Result<SimulationResult> result =
      simulate(scenario.cluster, scenario.tenants, scenario.workload, **policy, **placement, options);
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  return result.is_ok() ? std::move(*result) : SimulationResult{};
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
    const auto scenario = testing::make_scenario(kTwoH100, R"(
[[tenants]]
name = "A"
kind = "programme"
guaranteed = { H100 = 1 }
[[tenants]]
name = "B"
kind = "programme"
)",
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

}  // namespace
}  // namespace bitgoeul::npu
