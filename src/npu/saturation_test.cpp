// The FGD-style saturation experiment: exact fills on a tiny cluster, then best-fit vs fgd on the openb trace.

#include "npu/saturation.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace bitgoeul::npu {
namespace {

Cluster two_gpu_node() {
  Cluster cluster;
  DeviceType type;
  type.name = "T4";
  type.sharing = Sharing::kMilli;
  cluster.device_types.push_back(type);
  cluster.add_node("n", 0, "r", 2);
  return cluster;
}

PodRequest gpu_pod(uint32_t devices, uint32_t milli, uint64_t cpu_milli = 0, uint64_t memory_mib = 0,
                   std::vector<DeviceTypeIndex> types = {}) {
  return {devices, milli, cpu_milli, memory_mib, std::move(types)};
}

SaturationResult run_saturation(const Cluster& cluster, const std::vector<PodRequest>& pods, const char* placement,
                                double target, bool gpu_only = false, uint64_t seed = 0) {
  Result<std::unique_ptr<Placement>> p = make_placement(placement);
  EXPECT_TRUE(p.is_ok());
  SaturationOptions options;
  options.target_arrived = target;
  options.step = 0.1;
  options.gpu_only = gpu_only;
  options.sample_seed = seed;
  Result<SaturationResult> result = saturate(cluster, pods, **p, options);
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  return result.is_ok() ? *result : SaturationResult{};
}

TEST(Saturation, FillsInOrderRepeatsTheListAndMeasuresWhatFoundNoRoom) {
  // Two GPUs; pods 0.6, 0.6, 1.0 repeated until 1.1 × capacity (2.2 GPUs) has arrived: the two shares take one
  // GPU each (best-fit: the first GPU is left with 0.4, too little for the second), the whole-GPU pod fails.
  const std::vector<PodRequest> pods = {gpu_pod(1, 600), gpu_pod(1, 600), gpu_pod(1, 1000)};
  const SaturationResult result = run_saturation(two_gpu_node(), pods, "best-fit", 1.1);
  EXPECT_EQ(result.capacity_gpus, 2.0);
  ASSERT_TRUE(result.first_failure.has_value());
  EXPECT_DOUBLE_EQ(result.first_failure->arrived, 0.6);
  EXPECT_DOUBLE_EQ(result.first_failure->allocated, 0.6);
  EXPECT_EQ(result.first_failure->pods_arrived, 2u);
  EXPECT_DOUBLE_EQ(result.end.arrived, 1.1);
  EXPECT_DOUBLE_EQ(result.end.allocated, 0.6);
  EXPECT_DOUBLE_EQ(result.end.unallocated, 0.5);
  EXPECT_EQ(result.end.pods_failed, 1u);
  // Free: 0.4 on each GPU. Mix: 2/3 of pods want 0.6 (cannot use 0.8 free), 1/3 want a whole GPU (cannot use
  // 0.8): 0.8 GPU fragmented = 0.4 of capacity.
  EXPECT_NEAR(result.end.fragmented, 0.4, 1e-12);
  ASSERT_EQ(result.curve.size(), 11u);  // 0.1, 0.2, ..., 1.1
  EXPECT_DOUBLE_EQ(result.curve[2].arrived, 0.6);  // the first pod crosses 0.1, 0.2 and 0.3; the second 0.4..0.6

  // Past the end of the list it starts again: by 1.4 × capacity the fourth pod (0.6 again) has failed too.
  const SaturationResult longer = run_saturation(two_gpu_node(), pods, "best-fit", 1.4);
  EXPECT_EQ(longer.end.pods_arrived, 4u);
  EXPECT_EQ(longer.end.pods_failed, 2u);
}

TEST(Saturation, BadInputsAreErrors) {
  Result<std::unique_ptr<Placement>> placement = make_placement("fgd");
  ASSERT_TRUE(placement.is_ok());
  EXPECT_FALSE(saturate(two_gpu_node(), {}, **placement, {}).is_ok());
  SaturationOptions options;
  options.step = 0.0;
  EXPECT_FALSE(saturate(two_gpu_node(), {gpu_pod(1, 500)}, **placement, options).is_ok());
  // Only CPU pods: no GPU demand to measure.
  PodRequest cpu_pod = gpu_pod(0, 0);
  cpu_pod.cpu_milli = 1000;
  EXPECT_FALSE(saturate(two_gpu_node(), {cpu_pod}, **placement, {}).is_ok());
}

TEST(Saturation, CpuAndMemoryAreHeldAndCpuPodsTakeThem) {
  // One node: 2 GPUs, 8 cores, 16 GiB. Shares of 0.5 GPU with 3 cores each: two fit (2 cores left), a CPU pod
  // of 2 cores takes the rest, the next CPU pod fails, and so does the third share (a half GPU is free, no core
  // is). Then 1.5 GPUs (75% of capacity) have arrived.
  Cluster cluster = two_gpu_node();
  cluster.nodes[0].cpu_milli = 8000;
  cluster.nodes[0].memory_mib = 16384;
  const PodRequest share = gpu_pod(1, 500, 3000, 1024);
  const PodRequest cpu_pod = gpu_pod(0, 0, 2000, 1024);
  const std::vector<PodRequest> pods = {share, share, cpu_pod, cpu_pod, share};
  for (const char* placement : {"first-fit", "best-fit", "topology", "fgd"}) {
    const SaturationResult result = run_saturation(cluster, pods, placement, 0.75);
    EXPECT_EQ(result.end.pods_arrived, 3u) << placement;
    EXPECT_EQ(result.end.pods_failed, 1u) << placement;
    EXPECT_DOUBLE_EQ(result.end.allocated, 0.5) << placement;
    EXPECT_EQ(result.end.cpu_pods_arrived, 2u) << placement;
    EXPECT_EQ(result.end.cpu_pods_failed, 1u) << placement;
    // The GPU-only model ignores CPU: all three shares fit, CPU pods are dropped.
    const SaturationResult pooled = run_saturation(cluster, pods, placement, 0.75, /*gpu_only=*/true);
    EXPECT_EQ(pooled.end.pods_failed, 0u) << placement;
    EXPECT_EQ(pooled.end.cpu_pods_arrived, 0u) << placement;
  }
  // Memory binds the same way: 10 GiB shares on a 16 GiB node.
  const SaturationResult memory_bound =
      run_saturation(cluster, {gpu_pod(1, 200, 0, 10240)}, "best-fit", 0.4);
  EXPECT_EQ(memory_bound.end.pods_arrived, 4u);
  EXPECT_EQ(memory_bound.end.pods_failed, 3u);
}

TEST(Saturation, PodsNamingAGpuModelOnlyFitThatModel) {
  // A T4 node and a V100 node, two GPUs each. Whole-GPU pods that accept only the V100: the first two fit, the
  // rest fail although both T4s stay free.
  Cluster cluster = two_gpu_node();
  DeviceType v100 = cluster.device_types[0];
  v100.name = "V100";
  cluster.device_types.push_back(v100);
  cluster.add_node("v", 1, "r", 2, 96000, 393216);
  const std::vector<PodRequest> pods = {gpu_pod(1, 1000, 0, 0, {1})};
  for (const char* placement : {"first-fit", "best-fit", "topology", "fgd"}) {
    const SaturationResult result = run_saturation(cluster, pods, placement, 1.0);
    EXPECT_EQ(result.end.pods_arrived, 4u) << placement;
    EXPECT_EQ(result.end.pods_failed, 2u) << placement;
    EXPECT_DOUBLE_EQ(result.end.unallocated, 0.5) << placement;
    // FGD's measure: both T4s are free but no pod of the mix may use them.
    EXPECT_DOUBLE_EQ(result.end.fragmented, 0.5) << placement;
  }
}

TEST(Saturation, OpenbFullModelFgdLeavesLessUnallocatedThanBestFit) {
  const std::string dir = BITGOEUL_SHARED_DATA_DIR "/traces/alibaba-openb-2023/";
  if (!std::filesystem::exists(dir + "openb_pod_list_default.csv")) GTEST_SKIP() << "trace data not present";
  Result<Cluster> cluster = read_openb_nodes(dir + "openb_node_list_gpu_node.csv");
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  EXPECT_EQ(cluster->device_count(), 6212u);
  EXPECT_EQ(cluster->device_types.size(), 7u);  // A10, G2, G3, P100, T4, V100M16, V100M32
  EXPECT_EQ(cluster->nodes.front().cpu_milli, 64000u);
  EXPECT_EQ(cluster->nodes.front().memory_mib, 262144u);
  Result<std::vector<PodRequest>> pods = read_openb_pod_requests(dir + "openb_pod_list_gpuspec33.csv", *cluster);
  ASSERT_TRUE(pods.is_ok()) << pods.status().to_string();
  EXPECT_EQ(pods->size(), 8152u);
  size_t cpu_pods = 0;
  size_t constrained = 0;
  for (const PodRequest& pod : *pods) {
    cpu_pods += pod.device_count == 0 ? 1 : 0;
    constrained += pod.types.empty() ? 0 : 1;
  }
  EXPECT_EQ(cpu_pods, 1088u);
  EXPECT_EQ(constrained, 2388u);
  // Sampled arrivals (seed 42) up to 110% of capacity, as FGD's artifact inflates the list (see docs/npu-saturation.md).
  const SaturationResult best_fit = run_saturation(*cluster, *pods, "best-fit", 1.1, false, 42);
  const SaturationResult fgd = run_saturation(*cluster, *pods, "fgd", 1.1, false, 42);
  EXPECT_LT(fgd.end.unallocated, best_fit.end.unallocated);
  EXPECT_GT(fgd.end.allocated, best_fit.end.allocated);
  EXPECT_GT(best_fit.end.allocated, 0.8);
}

}  // namespace
}  // namespace bitgoeul::npu
