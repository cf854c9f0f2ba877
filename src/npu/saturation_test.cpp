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

SaturationResult run_saturation(const Cluster& cluster, const std::vector<PodRequest>& pods, const char* placement,
                                double target) {
  Result<std::unique_ptr<Placement>> p = make_placement(placement);
  EXPECT_TRUE(p.is_ok());
  SaturationOptions options;
  options.target_arrived = target;
  options.step = 0.1;
  Result<SaturationResult> result = saturate(cluster, pods, **p, options);
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  return result.is_ok() ? *result : SaturationResult{};
}

TEST(Saturation, FillsInOrderRepeatsTheListAndMeasuresWhatFoundNoRoom) {
  // Two GPUs; pods 0.6, 0.6, 1.0 repeated until 1.1 × capacity (2.2 GPUs) has arrived: the two shares take one
  // GPU each (best-fit: the first GPU is left with 0.4, too little for the second), the whole-GPU pod fails.
  const std::vector<PodRequest> pods = {{1, 600}, {1, 600}, {1, 1000}};
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
  EXPECT_FALSE(saturate(two_gpu_node(), {{1, 500}}, **placement, options).is_ok());
}

TEST(Saturation, FgdLeavesLessUnallocatedThanBestFitOnOpenbGpuSharing) {
  const std::string dir = BITGOEUL_SHARED_DATA_DIR "/traces/alibaba-openb-2023/";
  if (!std::filesystem::exists(dir + "openb_pod_list_gpushare100.csv")) GTEST_SKIP() << "trace data not present";
  Result<Cluster> cluster = read_openb_nodes(dir + "openb_node_list_gpu_node.csv");
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  size_t cpu_only = 0;
  // The pod list where every GPU pod shares a GPU, in list order, up to 100% of capacity (see docs/npu-saturation.md).
  Result<std::vector<PodRequest>> pods = read_openb_pod_requests(dir + "openb_pod_list_gpushare100.csv", &cpu_only);
  ASSERT_TRUE(pods.is_ok()) << pods.status().to_string();
  EXPECT_EQ(pods->size(), 7064u);
  EXPECT_EQ(cpu_only, 1088u);
  const SaturationResult best_fit = run_saturation(*cluster, *pods, "best-fit", 1.0);
  const SaturationResult fgd = run_saturation(*cluster, *pods, "fgd", 1.0);
  EXPECT_EQ(best_fit.capacity_gpus, 6212.0);
  EXPECT_LT(fgd.end.unallocated, best_fit.end.unallocated);
  EXPECT_LT(fgd.end.fragmented, best_fit.end.fragmented);
  EXPECT_GT(best_fit.end.allocated, 0.8);
}

}  // namespace
}  // namespace bitgoeul::npu
