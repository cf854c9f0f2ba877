#include "npu/synthetic_workload.h"

#include <algorithm>
#include <cmath>

#include "core/csv_reader.h"
#include "npu/random.h"

namespace bitgoeul::npu {

Result<std::vector<int64_t>> read_philly_runtimes(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(size_t column, reader.column("runtime"));
  std::vector<int64_t> runtimes;
  std::vector<std::string> row;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool more, reader.next(row));
    if (!more) break;
    BITGOEUL_ASSIGN_OR_RETURN(double seconds, parse_csv_double(reader, "runtime", row[column]));
    if (seconds < 0.0 || seconds > 1e9) return reader.row_error("column 'runtime' must be between 0 and 1e9");
    runtimes.push_back(std::max<int64_t>(1, std::llround(seconds)));
  }
  if (runtimes.empty()) return invalid_input("{}: no run times", path);
  return runtimes;
}

Result<Workload> generate_synthetic(const SyntheticOptions& options, const Cluster& cluster, const Tenants& tenants) {
  if (options.runtimes_s.empty()) return invalid_input("synthetic workload: no run-time distribution given");
  if (!(options.mean_interarrival_s > 0.0)) return invalid_input("synthetic workload: interarrival must be > 0");
  if (options.max_limit_factor < 1.0) return invalid_input("synthetic workload: max_limit_factor must be >= 1");
  std::vector<TenantIndex> projects;
  for (TenantIndex t = 0; t < tenants.size(); ++t) {
    if (tenants.is_leaf(t)) projects.push_back(t);
  }
  if (projects.empty()) return invalid_input("synthetic workload: no projects to submit jobs");
  const size_t type_count = cluster.device_types.size();
  std::vector<double> speeds = options.type_speeds;
  if (speeds.empty()) speeds.assign(type_count, 1.0);
  if (speeds.size() != type_count) return invalid_input("synthetic workload: one speed per device type needed");
  const std::vector<uint32_t> capacity = cluster.devices_per_type();

  const double weights[] = {options.p_fractional, options.p_one, options.p_two, options.p_four, options.p_eight};
  double weight_sum = 0.0;
  for (double w : weights) {
    if (w < 0.0) return invalid_input("synthetic workload: negative size probability");
    weight_sum += w;
  }
  if (!(weight_sum > 0.0)) return invalid_input("synthetic workload: size probabilities sum to zero");

  Random random(options.seed);
  Workload workload;
  workload.jobs.reserve(options.job_count);
  double clock_s = 0.0;
  for (size_t i = 0; i < options.job_count; ++i) {
    clock_s += random.exponential(options.mean_interarrival_s);
    Job job;
    job.name = fmt::format("syn-{:06}", i);
    job.tenant = projects[random.below(projects.size())];
    job.submit_s = static_cast<int64_t>(clock_s);
    job.duration_s = options.runtimes_s[random.below(options.runtimes_s.size())];
    job.time_limit_s = static_cast<int64_t>(
        std::ceil(static_cast<double>(job.duration_s) * (1.0 + random.uniform() * (options.max_limit_factor - 1.0))));
    double pick = random.uniform() * weight_sum;
    size_t size_class = 0;
    while (size_class + 1 < std::size(weights) && pick >= weights[size_class]) pick -= weights[size_class++];
    static const uint32_t kDevices[] = {1, 1, 2, 4, 8};
    job.device_count = kDevices[size_class];
    if (size_class == 0) job.share_milli = static_cast<uint32_t>(100 * (1 + random.below(9)));
    job.preemptible = random.uniform() < options.p_preemptible;
    job.checkpoint_s = job.preemptible ? options.checkpoint_s : 0;
    // Device types that can hold this job at all.
    std::vector<DeviceTypeIndex> fitting;
    for (DeviceTypeIndex t = 0; t < type_count; ++t) {
      const bool fits = job.is_fractional() ? granted_milli(cluster.device_types[t], job.share_milli).has_value()
                                            : job.device_count <= capacity[t];
      if (fits) fitting.push_back(t);
    }
    if (fitting.empty()) {
      // e.g. a fraction on a cluster of whole-card types: ask for one whole device instead.
      job.share_milli = 0;
      for (DeviceTypeIndex t = 0; t < type_count; ++t) {
        if (job.device_count <= capacity[t]) fitting.push_back(t);
      }
    }
    if (fitting.empty()) return invalid_input("synthetic workload: cluster too small for a {}-device job", job.device_count);
    if (random.uniform() < options.p_single_type) {
      const DeviceTypeIndex only = fitting[random.below(fitting.size())];
      job.options.push_back({only, speeds[only]});
    } else {
      for (DeviceTypeIndex t : fitting) job.options.push_back({t, speeds[t]});
      std::stable_sort(job.options.begin(), job.options.end(),
                       [](const JobOption& a, const JobOption& b) { return a.speed > b.speed; });
    }
    workload.jobs.push_back(std::move(job));
  }
  return workload;
}

}  // namespace bitgoeul::npu
