#include "npu/saturation.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>
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
  for (NodeIndex n = 0; n < cluster.nodes.size(); ++n) {
    const Node& node = cluster.nodes[n];
    free.resize(node.device_count);
    for (uint32_t i = 0; i < node.device_count; ++i) free[i] = state.free_milli(node.first_device + i);
    const NodeFree view{free.data(), node.device_count, node.type, state.free_cpu_milli(n), state.free_memory_mib(n)};
    total += expected_fragmentation_milli(view, demand);
  }
  return total;
}

// The GPU-only model: pods without CPU, memory and gpu_spec; CPU pods dropped.
std::vector<PodRequest> gpu_only_pods(const std::vector<PodRequest>& pods) {
  std::vector<PodRequest> kept;
  for (const PodRequest& pod : pods) {
    if (pod.device_count > 0) kept.push_back({pod.device_count, pod.milli_per_device, 0, 0, {}});
  }
  return kept;
}

}  // namespace

Result<SaturationResult> saturate(const Cluster& input_cluster, const std::vector<PodRequest>& input_pods,
                                  Placement& placement, const SaturationOptions& options) {
  if (!(options.target_arrived > 0.0) || options.target_arrived > 100.0) {
    return invalid_input("saturation: target must be in (0, 100] times the capacity");
  }
  if (!(options.step > 0.0)) return invalid_input("saturation: step must be positive");
  const Cluster cluster = options.gpu_only ? single_type_cluster(input_cluster) : input_cluster;
  const std::vector<PodRequest> pods = options.gpu_only ? gpu_only_pods(input_pods) : input_pods;
  BITGOEUL_RETURN_IF_ERROR(validate(cluster));
  std::vector<DeviceTypeIndex> all_types;
  for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) all_types.push_back(t);

  std::map<std::tuple<uint32_t, uint32_t, uint64_t, uint64_t, uint64_t>, double> counts;
  for (const PodRequest& pod : pods) {
    if (pod.device_count == 0) continue;
    uint64_t mask = 0;
    for (DeviceTypeIndex t : pod.types) {
      if (t >= cluster.device_types.size()) return invalid_input("saturation: a pod names an unknown device type");
      mask = t < 64 && mask != ~uint64_t{0} ? mask | (uint64_t{1} << t) : ~uint64_t{0};
    }
    if (mask == ~uint64_t{0}) mask = 0;  // a type beyond the mask's reach: treated as any
    counts[{pod.device_count, pod.milli_per_device, pod.cpu_milli, pod.memory_mib, mask}] += 1.0;
  }
  if (counts.empty()) return invalid_input("saturation: no GPU pods");
  std::vector<DemandClass> demand;
  for (const auto& [key, count] : counts) {
    const auto& [devices, milli, cpu, memory, mask] = key;
    demand.push_back({devices, milli, count, cpu, memory, mask});
  }
  placement.set_demand(demand);
  demand = normalised(std::move(demand));

  const double capacity_milli = static_cast<double>(cluster.device_count()) * kMilliPerDevice;
  SaturationResult result;
  result.placement = std::string(placement.name());
  result.capacity_gpus = static_cast<double>(cluster.device_count());
  ClusterState state(cluster);
  double arrived_milli = 0.0;
  double allocated_milli = 0.0;
  SaturationPoint counters;
  const auto point = [&] {
    SaturationPoint p = counters;
    p.arrived = arrived_milli / capacity_milli;
    p.allocated = allocated_milli / capacity_milli;
    p.unallocated = (arrived_milli - allocated_milli) / capacity_milli;
    p.fragmented = fragmented_milli(state, demand) / capacity_milli;
    return p;
  };
  size_t next_step = 1;
  const double target_milli = options.target_arrived * capacity_milli;
  Random random(options.sample_seed);
  for (size_t i = 0; arrived_milli < target_milli; ++i) {
    const PodRequest& pod = pods[options.sample_seed == 0 ? i % pods.size() : random.below(pods.size())];
    const double milli = static_cast<double>(pod.device_count) * pod.milli_per_device;
    PlacementRequest request;
    request.device_count = pod.device_count;
    request.milli_per_device = pod.milli_per_device;
    request.locality = Locality::kNode;
    request.cpu_milli = pod.cpu_milli;
    request.memory_mib = pod.memory_mib;
    request.any_of = pod.types.empty() ? &all_types : &pod.types;
    std::optional<Allocation> allocation = placement.place(state, request, nullptr);
    if (allocation && !state.fits(*allocation)) {
      return internal_error("saturation: placement {} returned an allocation that does not fit", placement.name());
    }
    if (pod.device_count == 0) {
      ++counters.cpu_pods_arrived;
      if (allocation) {
        state.allocate(*allocation);
      } else {
        ++counters.cpu_pods_failed;
      }
      continue;
    }
    if (allocation) {
      state.allocate(*allocation);
      allocated_milli += milli;
    } else {
      if (!result.first_failure) result.first_failure = point();
      ++counters.pods_failed;
    }
    arrived_milli += milli;
    ++counters.pods_arrived;
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
  fmt::print(file.get(),
             "placement,arrived,allocated,unallocated,fragmented,pods_arrived,pods_failed,cpu_pods_arrived,"
             "cpu_pods_failed\n");
  for (const SaturationResult& result : results) {
    for (const SaturationPoint& p : result.curve) {
      fmt::print(file.get(), "{},{:.6f},{:.6f},{:.6f},{:.6f},{},{},{},{}\n", result.placement, p.arrived, p.allocated,
                 p.unallocated, p.fragmented, p.pods_arrived, p.pods_failed, p.cpu_pods_arrived, p.cpu_pods_failed);
    }
  }
  if (std::ferror(file.get()) != 0) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::npu
