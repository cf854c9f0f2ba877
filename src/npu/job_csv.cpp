#include "npu/job_csv.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <tuple>

#include "core/csv_reader.h"
#include "npu/cluster_state.h"

namespace bitgoeul::npu {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

Result<std::vector<JobOption>> parse_types(const CsvReader& reader, std::string_view text, const Cluster& cluster) {
  std::vector<JobOption> options;
  if (text.empty()) {
    for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) options.push_back({t, 1.0});
    return options;
  }
  for (std::string_view part : split(text, '|')) {
    const size_t colon = part.find(':');
    const std::string_view type_name = part.substr(0, colon);
    const std::optional<DeviceTypeIndex> type = cluster.find_type(type_name);
    if (!type) return reader.row_error(fmt::format("column 'types': unknown device type '{}'", type_name));
    double speed = 1.0;
    if (colon != std::string_view::npos) {
      BITGOEUL_ASSIGN_OR_RETURN(speed, parse_csv_double(reader, "types", std::string(part.substr(colon + 1))));
      if (!(speed > 0.0)) return reader.row_error("column 'types': speed must be positive");
    }
    for (const JobOption& existing : options) {
      if (existing.type == *type) return reader.row_error(fmt::format("column 'types': '{}' twice", type_name));
    }
    options.push_back({*type, speed});
  }
  std::stable_sort(options.begin(), options.end(),
                   [](const JobOption& a, const JobOption& b) { return a.speed > b.speed; });
  return options;
}

Result<Locality> parse_locality(const CsvReader& reader, std::string_view text) {
  if (text.empty() || text == "any") return Locality::kAny;
  if (text == "rack") return Locality::kRack;
  if (text == "node") return Locality::kNode;
  return reader.row_error(fmt::format("column 'locality': '{}' (expected any, rack or node)", text));
}

Result<Workload> read_jobs(CsvReader& reader, const Cluster& cluster, TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(size_t name_col, reader.column("name"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t tenant_col, reader.column("tenant"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t submit_col, reader.column("submit_s"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t duration_col, reader.column("duration_s"));
  const std::optional<size_t> limit_col = reader.find_column("time_limit_s");
  const std::optional<size_t> devices_col = reader.find_column("devices");
  const std::optional<size_t> share_col = reader.find_column("share_milli");
  const std::optional<size_t> types_col = reader.find_column("types");
  const std::optional<size_t> locality_col = reader.find_column("locality");
  const std::optional<size_t> gang_col = reader.find_column("gang");
  const std::optional<size_t> preemptible_col = reader.find_column("preemptible");
  const std::optional<size_t> checkpoint_col = reader.find_column("checkpoint_s");
  const std::optional<size_t> cpu_col = reader.find_column("cpu_milli");
  const std::optional<size_t> memory_col = reader.find_column("memory_mib");
  static const char* const kKnown[] = {"name",     "tenant", "submit_s", "duration_s",  "time_limit_s",
                                       "devices",  "share_milli", "types", "locality", "gang",
                                       "preemptible", "checkpoint_s", "cpu_milli", "memory_mib"};
  for (const std::string& column : reader.header()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), column) == std::end(kKnown)) {
      return invalid_input("{}:1: unknown column '{}'", reader.path(), column);
    }
  }

  Workload workload;
  std::vector<std::string> row;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool more, reader.next(row));
    if (!more) break;
    Job job;
    job.name = row[name_col];
    if (job.name.empty()) return reader.row_error("column 'name' is empty");
    Result<TenantIndex> tenant = tenants.resolve(row[tenant_col]);
    if (!tenant.is_ok()) return reader.row_error(fmt::format("column 'tenant': {}", tenant.status().message()));
    job.tenant = *tenant;
    BITGOEUL_ASSIGN_OR_RETURN(job.submit_s, parse_csv_int(reader, "submit_s", row[submit_col]));
    if (job.submit_s < 0) return reader.row_error("column 'submit_s' is negative");
    BITGOEUL_ASSIGN_OR_RETURN(job.duration_s, parse_csv_int(reader, "duration_s", row[duration_col]));
    if (job.duration_s <= 0) return reader.row_error("column 'duration_s' must be positive");
    if (limit_col && !row[*limit_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(job.time_limit_s, parse_csv_int(reader, "time_limit_s", row[*limit_col]));
      if (job.time_limit_s < 0) return reader.row_error("column 'time_limit_s' is negative");
    }
    int64_t devices = 1;
    if (devices_col && !row[*devices_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(devices, parse_csv_int(reader, "devices", row[*devices_col]));
    }
    if (devices < 1 || devices > 100000) return reader.row_error("column 'devices' must be between 1 and 100000");
    job.device_count = static_cast<uint32_t>(devices);
    if (share_col && !row[*share_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(int64_t share, parse_csv_int(reader, "share_milli", row[*share_col]));
      if (share < 0 || share > 1000) return reader.row_error("column 'share_milli' must be between 0 and 1000");
      if (share > 0 && share < 1000) {
        if (devices != 1) return reader.row_error("a fractional share_milli needs devices = 1");
        job.share_milli = static_cast<uint32_t>(share);
      }
    }
    BITGOEUL_ASSIGN_OR_RETURN(job.options, parse_types(reader, types_col ? row[*types_col] : "", cluster));
    BITGOEUL_ASSIGN_OR_RETURN(job.locality, parse_locality(reader, locality_col ? row[*locality_col] : ""));
    bool gang = true;
    if (gang_col && !row[*gang_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(gang, parse_csv_bool(reader, "gang", row[*gang_col]));
    }
    if (preemptible_col) {
      BITGOEUL_ASSIGN_OR_RETURN(job.preemptible, parse_csv_bool(reader, "preemptible", row[*preemptible_col]));
    }
    if (checkpoint_col && !row[*checkpoint_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(job.checkpoint_s, parse_csv_int(reader, "checkpoint_s", row[*checkpoint_col]));
      if (job.checkpoint_s < 0) return reader.row_error("column 'checkpoint_s' is negative");
    }
    for (const auto& [column, name, value] : {std::tuple(cpu_col, "cpu_milli", &job.cpu_milli),
                                              std::tuple(memory_col, "memory_mib", &job.memory_mib)}) {
      if (!column || row[*column].empty()) continue;
      BITGOEUL_ASSIGN_OR_RETURN(int64_t amount, parse_csv_int(reader, name, row[*column]));
      if (amount < 0 || static_cast<uint64_t>(amount) > kMaxHostResource) {
        return reader.row_error(fmt::format("column '{}' must be between 0 and {}", name, kMaxHostResource));
      }
      *value = static_cast<uint64_t>(amount);
    }
    if (!gang && job.device_count > 1) {
      // The job's CPU and memory are split evenly over its tasks (rounded up).
      job.cpu_milli = share_bound(job.cpu_milli, 1, job.device_count);
      job.memory_mib = share_bound(job.memory_mib, 1, job.device_count);
      // Not a gang: independent one-device tasks that may start at different times.
      const uint32_t count = job.device_count;
      job.device_count = 1;
      job.locality = Locality::kAny;
      for (uint32_t i = 0; i < count; ++i) {
        Job task = job;
        task.name = fmt::format("{}/{}", job.name, i);
        const Status status = validate_job(task, cluster, tenants.tenants());
        if (!status.is_ok()) return reader.row_error(status.message());
        workload.jobs.push_back(std::move(task));
      }
      continue;
    }
    const Status status = validate_job(job, cluster, tenants.tenants());
    if (!status.is_ok()) return reader.row_error(status.message());
    workload.jobs.push_back(std::move(job));
  }
  sort_by_submission(workload);
  return workload;
}

}  // namespace

Result<Workload> parse_job_csv(std::string text, const std::string& source_name, const Cluster& cluster,
                               TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::from_string(std::move(text), source_name));
  return read_jobs(reader, cluster, tenants);
}

Result<Workload> read_job_csv(const std::string& path, const Cluster& cluster, TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  return read_jobs(reader, cluster, tenants);
}

Status write_job_csv(const Workload& workload, const Cluster& cluster, const Tenants& tenants,
                     const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) return io_error("{}: cannot create file", path);
  fmt::print(file.get(),
             "name,tenant,submit_s,duration_s,time_limit_s,devices,share_milli,types,locality,gang,preemptible,"
             "checkpoint_s,cpu_milli,memory_mib\n");
  for (const Job& job : workload.jobs) {
    std::string types;
    for (const JobOption& option : job.options) {
      if (!types.empty()) types += '|';
      types += fmt::format("{}:{}", cluster.device_types[option.type].name, option.speed);
    }
    fmt::print(file.get(), "{},{},{},{},{},{},{},{},{},true,{},{},{},{}\n", job.name, tenants.tenants[job.tenant].name,
               job.submit_s, job.duration_s, job.time_limit_s, job.device_count, job.share_milli, types,
               locality_name(job.locality), job.preemptible ? "true" : "false", job.checkpoint_s, job.cpu_milli,
               job.memory_mib);
  }
  if (std::ferror(file.get()) != 0) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::npu
