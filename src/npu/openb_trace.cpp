#include "npu/openb_trace.h"

#include <algorithm>

#include "core/csv_reader.h"

namespace bitgoeul::npu {
namespace {

// A CPU or memory column: absent column = 0 (not modelled); a node's capacity must be positive.
Result<uint64_t> host_resource(const CsvReader& reader, const std::vector<std::string>& row,
                               std::optional<size_t> column, const char* name, bool capacity) {
  if (!column) return uint64_t{0};
  BITGOEUL_ASSIGN_OR_RETURN(int64_t value, parse_csv_int(reader, name, row[*column]));
  if (value < (capacity ? 1 : 0) || static_cast<uint64_t>(value) > kMaxHostResource) {
    return reader.row_error(fmt::format("column '{}' must be between {} and {}", name, capacity ? 1 : 0,
                                        kMaxHostResource));
  }
  return static_cast<uint64_t>(value);
}

// gpu_spec ("V100M16|V100M32"): the models it names, each once; empty for "" or "nan" (any model).
Result<std::vector<DeviceTypeIndex>> parse_gpu_spec(const CsvReader& reader, const std::string& spec,
                                                    const Cluster& cluster) {
  std::vector<DeviceTypeIndex> types;
  if (spec.empty() || spec == "nan") return types;
  size_t start = 0;
  while (start <= spec.size()) {
    const size_t end = std::min(spec.find('|', start), spec.size());
    const std::string model = spec.substr(start, end - start);
    const std::optional<DeviceTypeIndex> type = cluster.find_type(model);
    if (!type) return reader.row_error(fmt::format("gpu_spec names unknown GPU model '{}'", model));
    if (std::find(types.begin(), types.end(), *type) == types.end()) types.push_back(*type);
    start = end + 1;
  }
  return types;
}

}  // namespace

Result<Cluster> read_openb_nodes(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(size_t name_col, reader.column("sn"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t gpu_col, reader.column("gpu"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t model_col, reader.column("model"));
  const std::optional<size_t> cpu_col = reader.find_column("cpu_milli");
  const std::optional<size_t> memory_col = reader.find_column("memory_mib");
  Cluster cluster;
  cluster.name = path;
  std::vector<std::string> row;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool more, reader.next(row));
    if (!more) break;
    BITGOEUL_ASSIGN_OR_RETURN(int64_t gpus, parse_csv_int(reader, "gpu", row[gpu_col]));
    if (gpus < 0 || gpus > 1024) return reader.row_error("column 'gpu' must be between 0 and 1024");
    if (gpus == 0) continue;
    const std::string& model = row[model_col];
    if (model.empty() || model == "nan") return reader.row_error("a node with GPUs needs a 'model'");
    std::optional<DeviceTypeIndex> type = cluster.find_type(model);
    if (!type) {
      DeviceType device_type;
      device_type.name = model;
      device_type.vendor = "NVIDIA";
      device_type.resource_name = "nvidia.com/gpu";
      device_type.sharing = Sharing::kMilli;
      cluster.device_types.push_back(std::move(device_type));
      type = static_cast<DeviceTypeIndex>(cluster.device_types.size() - 1);
    }
    if (row[name_col].empty()) return reader.row_error("column 'sn' is empty");
    for (const Node& node : cluster.nodes) {
      if (node.name == row[name_col]) return reader.row_error(fmt::format("node '{}' listed twice", node.name));
    }
    BITGOEUL_ASSIGN_OR_RETURN(uint64_t cpu, host_resource(reader, row, cpu_col, "cpu_milli", true));
    BITGOEUL_ASSIGN_OR_RETURN(uint64_t memory, host_resource(reader, row, memory_col, "memory_mib", true));
    cluster.add_node(row[name_col], *type, "openb", static_cast<uint32_t>(gpus), cpu, memory);
  }
  BITGOEUL_RETURN_IF_ERROR(validate(cluster));
  return cluster;
}

Result<Workload> read_openb_pods(const std::string& path, const Cluster& cluster, TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(size_t name_col, reader.column("name"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t num_gpu_col, reader.column("num_gpu"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t milli_col, reader.column("gpu_milli"));
  const std::optional<size_t> creation_col = reader.find_column("creation_time");
  const std::optional<size_t> deletion_col = reader.find_column("deletion_time");
  if (!creation_col || !deletion_col) {
    return unsupported("{}: no creation_time/deletion_time columns; order-only pod lists (multigpu50) need "
                       "arrival times that this reader does not invent",
                       path);
  }
  const std::optional<size_t> scheduled_col = reader.find_column("scheduled_time");
  const std::optional<size_t> spec_col = reader.find_column("gpu_spec");
  const std::optional<size_t> qos_col = reader.find_column("qos");
  const std::optional<size_t> cpu_col = reader.find_column("cpu_milli");
  const std::optional<size_t> memory_col = reader.find_column("memory_mib");

  Workload workload;
  std::vector<std::string> row;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool more, reader.next(row));
    if (!more) break;
    BITGOEUL_ASSIGN_OR_RETURN(int64_t num_gpu, parse_csv_int(reader, "num_gpu", row[num_gpu_col]));
    BITGOEUL_ASSIGN_OR_RETURN(int64_t gpu_milli, parse_csv_int(reader, "gpu_milli", row[milli_col]));
    if (num_gpu < 0 || num_gpu > 1024) return reader.row_error("column 'num_gpu' must be between 0 and 1024");
    if (gpu_milli < 0 || gpu_milli > 1000) return reader.row_error("column 'gpu_milli' must be between 0 and 1000");
    if (num_gpu == 0) {
      ++workload.skipped_rows;
      continue;
    }
    if (gpu_milli == 0) return reader.row_error("a pod with num_gpu > 0 needs gpu_milli > 0");
    if (num_gpu > 1 && gpu_milli != 1000) return reader.row_error("multi-GPU pods must use whole GPUs (1000 milli)");
    Job job;
    job.name = row[name_col];
    job.device_count = static_cast<uint32_t>(num_gpu);
    job.share_milli = gpu_milli < 1000 ? static_cast<uint32_t>(gpu_milli) : 0;
    BITGOEUL_ASSIGN_OR_RETURN(job.cpu_milli, host_resource(reader, row, cpu_col, "cpu_milli", false));
    BITGOEUL_ASSIGN_OR_RETURN(job.memory_mib, host_resource(reader, row, memory_col, "memory_mib", false));
    BITGOEUL_ASSIGN_OR_RETURN(job.submit_s, parse_csv_int(reader, "creation_time", row[*creation_col]));
    BITGOEUL_ASSIGN_OR_RETURN(int64_t deletion_s, parse_csv_int(reader, "deletion_time", row[*deletion_col]));
    int64_t start_s = job.submit_s;
    if (scheduled_col && !row[*scheduled_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(start_s, parse_csv_int(reader, "scheduled_time", row[*scheduled_col]));
    }
    if (job.submit_s < 0 || deletion_s < job.submit_s) {
      return reader.row_error("times must satisfy 0 <= creation_time <= deletion_time");
    }
    job.duration_s = std::max<int64_t>(1, deletion_s - std::max(start_s, job.submit_s));
    const std::string tenant_name = qos_col && !row[*qos_col].empty() ? row[*qos_col] : std::string("openb");
    Result<TenantIndex> tenant = tenants.resolve(tenant_name);
    if (!tenant.is_ok()) return reader.row_error(tenant.status().message());
    job.tenant = *tenant;
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<DeviceTypeIndex> types,
                              parse_gpu_spec(reader, spec_col ? row[*spec_col] : std::string(), cluster));
    if (types.empty()) {
      for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) types.push_back(t);
    }
    for (DeviceTypeIndex t : types) job.options.push_back({t, 1.0});
    const Status status = validate_job(job, cluster, tenants.tenants());
    if (!status.is_ok()) return reader.row_error(status.message());
    workload.jobs.push_back(std::move(job));
  }
  sort_by_submission(workload);
  return workload;
}

Result<std::vector<PodRequest>> read_openb_pod_requests(const std::string& path, const Cluster& cluster) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(size_t num_gpu_col, reader.column("num_gpu"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t milli_col, reader.column("gpu_milli"));
  const std::optional<size_t> spec_col = reader.find_column("gpu_spec");
  const std::optional<size_t> cpu_col = reader.find_column("cpu_milli");
  const std::optional<size_t> memory_col = reader.find_column("memory_mib");
  std::vector<PodRequest> pods;
  std::vector<std::string> row;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool more, reader.next(row));
    if (!more) break;
    BITGOEUL_ASSIGN_OR_RETURN(int64_t num_gpu, parse_csv_int(reader, "num_gpu", row[num_gpu_col]));
    BITGOEUL_ASSIGN_OR_RETURN(int64_t gpu_milli, parse_csv_int(reader, "gpu_milli", row[milli_col]));
    if (num_gpu < 0 || num_gpu > 1024) return reader.row_error("column 'num_gpu' must be between 0 and 1024");
    if (gpu_milli < 0 || gpu_milli > 1000) return reader.row_error("column 'gpu_milli' must be between 0 and 1000");
    PodRequest pod;
    BITGOEUL_ASSIGN_OR_RETURN(pod.cpu_milli, host_resource(reader, row, cpu_col, "cpu_milli", false));
    BITGOEUL_ASSIGN_OR_RETURN(pod.memory_mib, host_resource(reader, row, memory_col, "memory_mib", false));
    if (num_gpu == 0) {
      if (gpu_milli != 0) return reader.row_error("a pod with num_gpu = 0 must have gpu_milli = 0");
      pod.device_count = 0;
      pods.push_back(std::move(pod));
      continue;
    }
    if (gpu_milli == 0) return reader.row_error("a pod with num_gpu > 0 needs gpu_milli > 0");
    if (num_gpu > 1 && gpu_milli != 1000) return reader.row_error("multi-GPU pods must use whole GPUs (1000 milli)");
    pod.device_count = static_cast<uint32_t>(num_gpu);
    pod.milli_per_device = static_cast<uint32_t>(gpu_milli);
    BITGOEUL_ASSIGN_OR_RETURN(pod.types, parse_gpu_spec(reader, spec_col ? row[*spec_col] : std::string(), cluster));
    pods.push_back(std::move(pod));
  }
  return pods;
}

}  // namespace bitgoeul::npu
