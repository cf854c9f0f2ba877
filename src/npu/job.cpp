#include "npu/job.h"

#include <algorithm>
#include <cmath>

namespace bitgoeul::npu {

const char* locality_name(Locality locality) {
  switch (locality) {
    case Locality::kAny: return "any";
    case Locality::kRack: return "rack";
    case Locality::kNode: return "node";
  }
  return "?";
}

int64_t scaled_duration_s(int64_t work_s, double speed) {
  const double seconds = std::ceil(static_cast<double>(work_s) / speed - 1e-9);
  return std::max<int64_t>(1, static_cast<int64_t>(seconds));
}

uint32_t max_group_devices(const Cluster& cluster, DeviceTypeIndex type, Locality locality) {
  std::vector<uint32_t> per_group(locality == Locality::kNode   ? cluster.nodes.size()
                                  : locality == Locality::kRack ? cluster.racks.size()
                                                                : 1,
                                  0);
  for (NodeIndex n = 0; n < cluster.nodes.size(); ++n) {
    const Node& node = cluster.nodes[n];
    if (node.type != type) continue;
    const size_t group = locality == Locality::kNode ? n : locality == Locality::kRack ? node.rack : 0;
    per_group[group] += node.device_count;
  }
  return per_group.empty() ? 0 : *std::max_element(per_group.begin(), per_group.end());
}

Status validate_job(const Job& job, const Cluster& cluster, const Tenants& tenants) {
  if (job.tenant >= tenants.size()) return invalid_input("job '{}': unknown tenant", job.name);
  if (job.duration_s <= 0) return invalid_input("job '{}': duration must be positive", job.name);
  if (job.time_limit_s < 0) return invalid_input("job '{}': negative time limit", job.name);
  if (job.submit_s < 0 || job.submit_s > kMaxTimeS || job.duration_s > kMaxTimeS || job.time_limit_s > kMaxTimeS ||
      job.checkpoint_s > kMaxTimeS) {
    return invalid_input("job '{}': submit time, duration, time limit and checkpoint cost must be between 0 and {} s",
                         job.name, kMaxTimeS);
  }
  if (job.device_count == 0) return invalid_input("job '{}': needs at least one device", job.name);
  if (job.share_milli >= kMilliPerDevice) return invalid_input("job '{}': share must be below 1000", job.name);
  if (job.is_fractional() && job.device_count != 1) {
    return invalid_input("job '{}': a fractional share is for one device", job.name);
  }
  if (job.options.empty()) return invalid_input("job '{}': no acceptable device type", job.name);
  if (job.cpu_milli > kMaxHostResource || job.memory_mib > kMaxHostResource) {
    return invalid_input("job '{}': cpu_milli and memory_mib must be at most {}", job.name, kMaxHostResource);
  }
  bool any_fits = false;
  for (const JobOption& option : job.options) {
    if (option.type >= cluster.device_types.size()) return internal_error("job '{}': bad type index", job.name);
    if (!(option.speed >= kMinSpeed && option.speed <= kMaxSpeed)) {
      return invalid_input("job '{}': speed must be between {} and {}", job.name, kMinSpeed, kMaxSpeed);
    }
    bool fits = job.is_fractional()
                    ? granted_milli(cluster.device_types[option.type], job.share_milli).has_value()
                    : job.device_count <= max_group_devices(cluster, option.type, job.locality);
    if (fits && (job.is_fractional() || job.locality == Locality::kNode || job.device_count == 1)) {
      fits = std::any_of(cluster.nodes.begin(), cluster.nodes.end(), [&](const Node& node) {
        return node.type == option.type && node.device_count >= job.device_count &&
               (node.cpu_milli == 0 || node.cpu_milli >= job.cpu_milli) &&
               (node.memory_mib == 0 || node.memory_mib >= job.memory_mib);
      });
    }
    any_fits = any_fits || fits;
  }
  if (!any_fits) {
    return invalid_input(
        "job '{}': no acceptable device type can ever hold it ({} devices, share {} milli, {} milli-CPU, {} MiB)",
        job.name, job.device_count, job.share_milli, job.cpu_milli, job.memory_mib);
  }
  if (job.checkpoint_s < 0) return invalid_input("job '{}': negative checkpoint cost", job.name);
  return Status::ok();
}

void sort_by_submission(Workload& workload) {
  std::stable_sort(workload.jobs.begin(), workload.jobs.end(),
                   [](const Job& a, const Job& b) { return a.submit_s < b.submit_s; });
}

}  // namespace bitgoeul::npu
