// Each policy on a small handwritten trace with the exact expected schedule.

#include <gtest/gtest.h>

#include "npu/testing.h"

namespace bitgoeul::npu {
namespace {

using testing::make_scenario;
using testing::run;
using testing::starts;
using Starts = std::vector<std::pair<std::string, int64_t>>;

std::string one_node(int devices, const std::string& sharing = "whole") {
  return fmt::format(R"(
[[device_types]]
name = "G"
resource = "nvidia.com/gpu"
sharing = "{}"
[[nodes]]
name = "n"
device_type = "G"
devices = {}
)",
                     sharing, devices);
}

// 4 devices. j2 needs all of them and blocks the queue behind it.
//   job  submit  devices  duration=limit
//   j1   0       2        100
//   j2   10      4        50
//   j3   20      1        30     fits in the hole before j2's reservation at 100
//   j4   30      1        100    would end at 130 > 100: may not backfill
constexpr const char* kHeadOfLine =
    "name,tenant,submit_s,duration_s,time_limit_s,devices\n"
    "j1,t,0,100,100,2\n"
    "j2,t,10,50,50,4\n"
    "j3,t,20,30,30,1\n"
    "j4,t,30,100,100,1\n";

TEST(Fifo, HeadOfLineBlocks) {
  const auto scenario = make_scenario(one_node(4), "", kHeadOfLine);
  EXPECT_EQ(starts(scenario, run(scenario, "fifo")), (Starts{{"j1", 0}, {"j2", 100}, {"j3", 150}, {"j4", 150}}));
}

TEST(EasyBackfill, ShortJobFillsTheHoleWithoutDelayingTheHead) {
  const auto scenario = make_scenario(one_node(4), "", kHeadOfLine);
  EXPECT_EQ(starts(scenario, run(scenario, "easy")), (Starts{{"j1", 0}, {"j2", 100}, {"j3", 20}, {"j4", 150}}));
}

TEST(EasyBackfill, JobAvoidingReservedDevicesMayRunPastTheShadowTime) {
  // 6 devices. j1 holds 0..3 until 100; j2 needs 5 and is reserved devices 0..4 at 100 (first-fit on the
  // state after j1 ends). j3 runs 500 s, far past 100, but device 5 is not reserved: it starts at once.
  const auto scenario = make_scenario(one_node(6), "",
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices\n"
                                      "j1,t,0,100,100,4\n"
                                      "j2,t,10,50,50,5\n"
                                      "j3,t,20,500,500,1\n");
  EXPECT_EQ(starts(scenario, run(scenario, "easy")), (Starts{{"j1", 0}, {"j2", 100}, {"j3", 20}}));
  EXPECT_EQ(starts(scenario, run(scenario, "fifo")), (Starts{{"j1", 0}, {"j2", 100}, {"j3", 100}}));
}

TEST(Multifactor, FairShareLetsTheIdleTenantGoFirst) {
  // 2 devices. Tenant A has used the cluster; at 100, b1 (tenant B, no usage) outranks a2 although a2 came first.
  const auto scenario = make_scenario(one_node(2), "",
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices\n"
                                      "a1,A,0,100,100,2\n"
                                      "a2,A,10,100,100,2\n"
                                      "b1,B,20,100,100,2\n");
  EXPECT_EQ(starts(scenario, run(scenario, "multifactor")), (Starts{{"a1", 0}, {"a2", 200}, {"b1", 100}}));
  EXPECT_EQ(starts(scenario, run(scenario, "easy")), (Starts{{"a1", 0}, {"a2", 100}, {"b1", 200}}));
}

TEST(Drf, ProgressiveFillingAlternatesTenants) {
  // 4 devices, all jobs at 0 for 100 s on one device. A submitted four jobs first; DRF gives B half.
  const auto scenario = make_scenario(one_node(4), "",
                                      "name,tenant,submit_s,duration_s,devices\n"
                                      "a1,A,0,100,1\na2,A,0,100,1\na3,A,0,100,1\na4,A,0,100,1\n"
                                      "b1,B,0,100,1\nb2,B,0,100,1\n");
  EXPECT_EQ(starts(scenario, run(scenario, "drf")),
            (Starts{{"a1", 0}, {"a2", 0}, {"a3", 100}, {"a4", 100}, {"b1", 0}, {"b2", 0}}));
  EXPECT_EQ(starts(scenario, run(scenario, "fifo")),
            (Starts{{"a1", 0}, {"a2", 0}, {"a3", 0}, {"a4", 0}, {"b1", 100}, {"b2", 100}}));
}

TEST(Srtf, ShortJobPreemptsLongOneWhichPaysItsCheckpoint) {
  // 1 device. long: 1000 s, preemptible, 10 s restore. short arrives at 100 with 50 s expected: long has 900 s
  // left, so it is preempted; it restarts at 150, restores for 10 s and runs its last 900 s: ends at 1060.
  const auto scenario = make_scenario(one_node(1), "",
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices,preemptible,checkpoint_s\n"
                                      "long,t,0,1000,1000,1,true,10\n"
                                      "short,t,100,50,50,1,false,0\n");
  const SimulationResult result = run(scenario, "srtf");
  EXPECT_EQ(starts(scenario, result), (Starts{{"long", 0}, {"short", 100}}));
  EXPECT_EQ(result.jobs[0].end_s, 1060);
  EXPECT_EQ(result.jobs[0].preemptions, 1u);
  EXPECT_EQ(result.jobs[1].end_s, 150);
  EXPECT_EQ(result.jobs[0].waited_s, 50);
}

TEST(Srtf, NonPreemptibleJobsAreNotPreempted) {
  const auto scenario = make_scenario(one_node(1), "",
                                      "name,tenant,submit_s,duration_s,time_limit_s,devices,preemptible\n"
                                      "long,t,0,1000,1000,1,false\n"
                                      "mid,t,10,500,500,1,false\n"
                                      "short,t,100,50,50,1,false\n");
  // Shortest first once the device frees up: short (50) before mid (500).
  EXPECT_EQ(starts(scenario, run(scenario, "srtf")), (Starts{{"long", 0}, {"mid", 1050}, {"short", 1000}}));
}

TEST(Tiresias, JobDemotedPastThresholdYieldsToNewJob) {
  // 1 device, one threshold at 100 device-seconds. j1 crosses it at 100 and drops to queue 1; j2 (queue 0)
  // preempts it and runs 100 s; j1 resumes at 200 with 400 s left (no checkpoint cost): ends at 600.
  const auto scenario = make_scenario(one_node(1), "",
                                      "name,tenant,submit_s,duration_s,devices,preemptible\n"
                                      "j1,t,0,500,1,true\n"
                                      "j2,t,50,100,1,true\n");
  PolicyOptions options;
  options.tiresias_thresholds_device_s = {100.0};
  const SimulationResult result = run(scenario, "tiresias", "first-fit", options);
  EXPECT_EQ(starts(scenario, result), (Starts{{"j1", 0}, {"j2", 100}}));
  EXPECT_EQ(result.jobs[1].end_s, 200);
  EXPECT_EQ(result.jobs[0].end_s, 600);
  EXPECT_EQ(result.jobs[0].preemptions, 1u);
}

// Two types of two devices each: F is fast for some jobs, S is the baseline.
constexpr const char* kFastAndSlow = R"(
[[device_types]]
name = "S"
resource = "vendor.example/s"
[[device_types]]
name = "F"
resource = "vendor.example/f"
[[nodes]]
name = "s"
device_type = "S"
devices = 2
[[nodes]]
name = "f"
device_type = "F"
devices = 2
)";

TEST(Gavel, ContendedFastTypeGoesToTheJobThatGainsMost) {
  // y (first in the queue) runs 1.2× faster on F, x 4× faster. FIFO gives F to y: y ends at ⌈400/1.2⌉ = 334, x
  // at 400 on S. Gavel swaps them: x ends at 100 on F, y at 400 on S — mean JCT 250 instead of 367.
  const auto scenario = make_scenario(kFastAndSlow, "",
                                      "name,tenant,submit_s,duration_s,devices,types\n"
                                      "y,t,0,400,2,S:1|F:1.2\n"
                                      "x,t,0,400,2,S:1|F:4\n");
  const SimulationResult fifo = run(scenario, "fifo");
  EXPECT_EQ(fifo.jobs[0].end_s, 334);
  EXPECT_EQ(fifo.jobs[1].end_s, 400);
  const SimulationResult gavel = run(scenario, "gavel");
  EXPECT_EQ(starts(scenario, gavel), (Starts{{"y", 0}, {"x", 0}}));
  EXPECT_EQ(scenario.cluster.device_types[gavel.jobs[1].allocation.type].name, "F");
  EXPECT_EQ(gavel.jobs[1].end_s, 100);
  EXPECT_EQ(scenario.cluster.device_types[gavel.jobs[0].allocation.type].name, "S");
  EXPECT_EQ(gavel.jobs[0].end_s, 400);
}

TEST(Gavel, LessServedJobDisplacesARunningOneOnlyAtARoundBoundary) {
  // l holds both devices from 0. s arrives at 10 but waits for the next 360 s round, where it has attained less
  // (0 vs 720 device-seconds): l is preempted, s runs 360..460, l resumes at 460 paying its 30 s checkpoint
  // restore for the 9,640 s left: it ends at 460 + 30 + 9640 = 10130.
  const auto scenario = make_scenario(one_node(2), "",
                                      "name,tenant,submit_s,duration_s,devices,preemptible,checkpoint_s\n"
                                      "l,t,0,10000,2,true,30\n"
                                      "s,t,10,100,2,true,30\n");
  const SimulationResult result = run(scenario, "gavel");
  EXPECT_EQ(starts(scenario, result), (Starts{{"l", 0}, {"s", 360}}));
  EXPECT_EQ(result.jobs[1].end_s, 460);
  EXPECT_EQ(result.jobs[0].preemptions, 1u);
  EXPECT_EQ(result.jobs[0].end_s, 10130);
}

TEST(GavelLp, TimeSharesTheFastTypeAsTheMaxMinLpSays) {
  // Two gangs of 2 on two F and two S devices: a runs 3× faster on F, b 2×. The LP (max_min_lp_test.cpp) gives a
  // 4/7 of its time on F and b 3/7, each getting 5/7 of its best speed; greedy gavel instead leaves a on F and b
  // on S for good. Rounds of 360 s hand F back and forth by Gavel's priority X / share received, so both are
  // preempted again and again; a's mean speed tends to 4/7·3 + 3/7·1 = 15/7, so its 36,000 s of work take about
  // 16,800 s, and b (10/7 while sharing, then F alone) ends later.
  const auto scenario = make_scenario(kFastAndSlow, "",
                                      "name,tenant,submit_s,duration_s,devices,types,preemptible\n"
                                      "a,t,0,36000,2,S:1|F:3,true\n"
                                      "b,t,0,36000,2,S:1|F:2,true\n");
  const SimulationResult result = run(scenario, "gavel-lp");
  EXPECT_GE(result.jobs[0].preemptions, 10u);
  EXPECT_GE(result.jobs[1].preemptions, 10u);
  EXPECT_NEAR(static_cast<double>(result.jobs[0].end_s), 16800.0, 900.0);
  EXPECT_GT(result.jobs[1].end_s, result.jobs[0].end_s);
  const SimulationResult greedy = run(scenario, "gavel");
  EXPECT_EQ(greedy.jobs[0].preemptions + greedy.jobs[1].preemptions, 0u);
}

TEST(Policies, UnknownNameIsAnError) {
  EXPECT_EQ(make_policy("lottery", {}).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(make_placement("random").status().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace bitgoeul::npu
