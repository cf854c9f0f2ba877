#include "npu/saturation.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "npu/random.h"

namespace bitgoeul::npu {

Cluster single_type_cluster(const Cluster& cluster) {
  Cluster merged;
  merged.name = cluster.name;
  DeviceType gpu;
  gpu.name = "GPU";
  gpu.vendor = "any";
  gpu.resource_name = "nvidia.com/gpu";
  gpu.sharing = Sharing::kMilli;
  merged.device_types.push_back(std::move(gpu));
  for (const Node& node : cluster.nodes) {
    merged.add_node(node.name, 0, cluster.racks.empty() ? "all" : cluster.racks[node.rack], node.device_count);
  }
  return merged;
}

namespace {

double fragmented_milli(const ClusterState& state, const std::vector<DemandClass>& demand) {
  const Cluster& cluster = state.cluster();
  std::vector<uint32_t> free;
  double total = 0.0;
  for (const Node& node : cluster.nodes) {
    free.resize(node.device_count);
    for (uint32_t i = 0; i < node.device_count; ++i) free[i] = state.free_milli(node.first_device + i);
    total += expected_fragmentation_milli(free.data(), node.device_count, demand);
  }
  return total;
}

}  // namespace

Result<SaturationResult> saturate(const Cluster& cluster, const std::vector<PodRequest>& pods, Placement& placement,
                                  const SaturationOptions& options) {
  if (pods.empty()) return invalid_input("saturation: no GPU pods");
  if (!(options.target_arrived > 0.0) || options.target_arrived > 100.0) {
    return invalid_input("saturation: target must be in (0, 100] times the capacity");
  }
  if (!(options.step > 0.0)) return invalid_input("saturation: step must be positive");
  const Cluster merged = single_type_cluster(cluster);
  BITGOEUL_RETURN_IF_ERROR(validate(merged));
  std::map<std::pair<uint32_t, uint32_t>, double> counts;
  for (const PodRequest& pod : pods) counts[{pod.device_count, pod.milli_per_device}] += 1.0;
  std::vector<DemandClass> demand;
  for (const auto& [key, count] : counts) demand.push_back({key.first, key.second, count});
  placement.set_demand(demand);
  demand = normalised(std::move(demand));

  const double capacity_milli = static_cast<double>(merged.device_count()) * kMilliPerDevice;
  SaturationResult result;
  result.placement = std::string(placement.name());
  result.capacity_gpus = static_cast<double>(merged.device_count());
  ClusterState state(merged);
  double arrived_milli = 0.0;
  double allocated_milli = 0.0;
  size_t arrived_pods = 0;
  size_t failed_pods = 0;
  const auto point = [&] {
    SaturationPoint p;
    p.arrived = arrived_milli / capacity_milli;
    p.allocated = allocated_milli / capacity_milli;
    p.unallocated = (arrived_milli - allocated_milli) / capacity_milli;
    p.fragmented = fragmented_milli(state, demand) / capacity_milli;
    p.pods_arrived = arrived_pods;
    p.pods_failed = failed_pods;
    return p;
  };
  size_t next_step = 1;
  const double target_milli = options.target_arrived * capacity_milli;
  Random random(options.sample_seed);
  for (size_t i = 0; arrived_milli < target_milli; ++i) {
    const PodRequest& pod = pods[options.sample_seed == 0 ? i % pods.size() : random.below(pods.size())];
    const double milli = static_cast<double>(pod.device_count) * pod.milli_per_device;
    const PlacementRequest request{0, pod.device_count, pod.milli_per_device, Locality::kNode};
    std::optional<Allocation> allocation = placement.place(state, request, nullptr);
    if (allocation) {
      state.allocate(*allocation);
      allocated_milli += milli;
    } else {
      if (!result.first_failure) result.first_failure = point();
      ++failed_pods;
    }
    arrived_milli += milli;
    ++arrived_pods;
    while (arrived_milli >= static_cast<double>(next_step) * options.step * capacity_milli &&
           static_cast<double>(next_step) * options.step <= options.target_arrived + 1e-12) {
      result.curve.push_back(point());
      ++next_step;
    }
  }
  result.end = point();
  return result;
}

Status write_saturation_csv(const std::vector<SaturationResult>& results, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) return io_error("{}: cannot create file", path);
  fmt::print(file.get(), "placement,arrived,allocated,unallocated,fragmented,pods_arrived,pods_failed\n");
  for (const SaturationResult& result : results) {
    for (const SaturationPoint& p : result.curve) {
      fmt::print(file.get(), "{},{:.6f},{:.6f},{:.6f},{:.6f},{},{}\n", result.placement, p.arrived, p.allocated,
                 p.unallocated, p.fragmented, p.pods_arrived, p.pods_failed);
    }
  }
  if (std::ferror(file.get()) != 0) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::npu
