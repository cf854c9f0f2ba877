#include "npu/job_logs.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/csv_reader.h"
#include "core/config_value.h"

namespace bitgoeul::npu {
namespace {

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = y / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Every device type at speed 1.
std::vector<JobOption> all_types(const Cluster& cluster) {
  std::vector<JobOption> options;
  for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) options.push_back({t, 1.0});
  return options;
}

// Submission times relative to the earliest; then sorted.
void rebase(Workload& workload) {
  int64_t earliest = std::numeric_limits<int64_t>::max();
  for (const Job& job : workload.jobs) earliest = std::min(earliest, job.submit_s);
  for (Job& job : workload.jobs) job.submit_s -= earliest;
  sort_by_submission(workload);
}

// The top-level elements of a JSON array, as (offset, length) of their text, found by tracking strings and
// nesting; nullopt with an error when the text is not one array.
struct Span {
  size_t offset = 0;
  size_t length = 0;
};

size_t line_of(const std::string& text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

Result<std::vector<Span>> array_elements(const std::string& text, const std::string& source_name) {
  std::vector<Span> elements;
  size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  };
  skip_space();
  if (i >= text.size() || text[i] != '[') {
    return invalid_input("{}:{}: expected a JSON array of jobs", source_name, line_of(text, std::min(i, text.size())));
  }
  ++i;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  bool after_comma = false;
  size_t start = std::string::npos;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      if (start == std::string::npos) start = i;
    } else if (c == '{' || c == '[') {
      if (start == std::string::npos) start = i;
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) {
        if (c != ']') return invalid_input("{}:{}: unbalanced '}}'", source_name, line_of(text, i));
        if (start == std::string::npos && after_comma) {
          return invalid_input("{}:{}: empty array element", source_name, line_of(text, i));
        }
        if (start != std::string::npos) elements.push_back({start, i - start});
        ++i;
        skip_space();
        if (i != text.size()) return invalid_input("{}:{}: text after the array", source_name, line_of(text, i));
        return elements;
      }
      --depth;
    } else if (c == ',' && depth == 0) {
      if (start == std::string::npos) return invalid_input("{}:{}: empty array element", source_name, line_of(text, i));
      elements.push_back({start, i - start});
      start = std::string::npos;
      after_comma = true;
    } else if (start == std::string::npos && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      start = i;
    }
  }
  return invalid_input("{}:{}: the array is not closed", source_name, line_of(text, text.size()));
}

// A Philly time field: nullopt for null or "None"; an error message for anything else that is not a time.
Result<std::optional<int64_t>> philly_time(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return invalid_input("missing '{}'", key);
  if (it->is_null()) return std::optional<int64_t>();
  if (!it->is_string()) return invalid_input("'{}' must be a string", key);
  const std::string& text = it->get_ref<const std::string&>();
  if (text == "None" || text.empty()) return std::optional<int64_t>();
  const std::optional<int64_t> seconds = parse_log_time(text);
  if (!seconds) return invalid_input("'{}': '{}' is not a time (YYYY-MM-DD HH:MM:SS)", key, text);
  return seconds;
}

Result<std::string> philly_string(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return invalid_input("missing '{}'", key);
  if (!it->is_string()) return invalid_input("'{}' must be a string", key);
  if (it->get_ref<const std::string&>().empty()) return invalid_input("'{}' is empty", key);
  return it->get<std::string>();
}

// One Philly job object: a job, or nullopt when it never ran.
Result<std::optional<Job>> philly_job(const nlohmann::json& object, const Cluster& cluster, TenantLookup& tenants) {
  if (!object.is_object()) return invalid_input("a job must be a JSON object");
  Job job;
  BITGOEUL_ASSIGN_OR_RETURN(job.name, philly_string(object, "jobid"));
  BITGOEUL_ASSIGN_OR_RETURN(std::string vc, philly_string(object, "vc"));
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<int64_t> submitted, philly_time(object, "submitted_time"));
  if (!submitted) return invalid_input("job '{}': 'submitted_time' is missing", job.name);
  job.submit_s = *submitted;
  const auto attempts = object.find("attempts");
  if (attempts == object.end() || !attempts->is_array()) {
    return invalid_input("job '{}': 'attempts' must be an array", job.name);
  }
  int64_t ran_s = 0;
  uint32_t gpus = 0;
  size_t machines = 0;
  for (const nlohmann::json& attempt : *attempts) {
    if (!attempt.is_object()) return invalid_input("job '{}': an attempt must be an object", job.name);
    BITGOEUL_ASSIGN_OR_RETURN(std::optional<int64_t> start, philly_time(attempt, "start_time"));
    BITGOEUL_ASSIGN_OR_RETURN(std::optional<int64_t> end, philly_time(attempt, "end_time"));
    if (start && end) {
      if (*end < *start) return invalid_input("job '{}': an attempt ends before it starts", job.name);
      ran_s += *end - *start;
    }
    const auto detail = attempt.find("detail");
    if (detail == attempt.end() || !detail->is_array()) {
      return invalid_input("job '{}': an attempt's 'detail' must be an array", job.name);
    }
    uint32_t attempt_gpus = 0;
    for (const nlohmann::json& machine : *detail) {
      if (!machine.is_object()) return invalid_input("job '{}': a 'detail' entry must be an object", job.name);
      BITGOEUL_ASSIGN_OR_RETURN(std::string ip, philly_string(machine, "ip"));
      const auto list = machine.find("gpus");
      if (list == machine.end() || !list->is_array()) {
        return invalid_input("job '{}': machine '{}': 'gpus' must be an array", job.name, ip);
      }
      if (list->size() > 1024) return invalid_input("job '{}': machine '{}': more than 1024 GPUs", job.name, ip);
      attempt_gpus += static_cast<uint32_t>(list->size());
    }
    if (attempt_gpus > 0) {
      gpus = attempt_gpus;
      machines = detail->size();
    }
  }
  if (gpus == 0 || ran_s <= 0) return std::optional<Job>();
  Result<TenantIndex> tenant = tenants.resolve(vc);
  if (!tenant.is_ok()) return invalid_input("job '{}': 'vc': {}", job.name, tenant.status().message());
  job.tenant = *tenant;
  job.duration_s = ran_s;
  job.device_count = gpus;
  job.locality = machines == 1 ? Locality::kNode : Locality::kAny;
  job.options = all_types(cluster);
  return std::optional<Job>(std::move(job));
}

}  // namespace

std::optional<int64_t> parse_log_time(std::string_view text) {
  // YYYY-MM-DD HH:MM:SS
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto number = [&text](size_t at, size_t length) -> int64_t {
    int64_t value = 0;
    for (size_t i = at; i < at + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int64_t year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int64_t hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) return std::nullopt;
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

Result<Workload> parse_philly_job_log(const std::string& text, const std::string& source_name, const Cluster& cluster,
                                      TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<Span> elements, array_elements(text, source_name));
  Workload workload;
  for (const Span& span : elements) {
    const size_t line = line_of(text, span.offset);
    nlohmann::json object = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(span.offset),
                                                  text.begin() + static_cast<std::ptrdiff_t>(span.offset + span.length),
                                                  nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) return invalid_input("{}:{}: a job is not valid JSON", source_name, line);
    Result<std::optional<Job>> job = philly_job(object, cluster, tenants);
    if (!job.is_ok()) return invalid_input("{}:{}: {}", source_name, line, job.status().message());
    if (!job->has_value()) {
      ++workload.skipped_rows;
      continue;
    }
    const Status status = validate_job(**job, cluster, tenants.tenants());
    if (!status.is_ok()) return invalid_input("{}:{}: {}", source_name, line, status.message());
    workload.jobs.push_back(std::move(**job));
  }
  rebase(workload);
  return workload;
}

Result<Workload> read_philly_job_log(const std::string& path, const Cluster& cluster, TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return parse_philly_job_log(text, path, cluster, tenants);
}

namespace {

Result<Workload> read_helios(CsvReader& reader, const Cluster& cluster, TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(size_t id_col, reader.column("job_id"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t vc_col, reader.column("vc"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t gpu_col, reader.column("gpu_num"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t node_col, reader.column("node_num"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t submit_col, reader.column("submit_time"));
  BITGOEUL_ASSIGN_OR_RETURN(size_t duration_col, reader.column("duration"));
  const std::optional<size_t> cpu_col = reader.find_column("cpu_num");
  Workload workload;
  std::vector<std::string> row;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool more, reader.next(row));
    if (!more) break;
    BITGOEUL_ASSIGN_OR_RETURN(int64_t gpus, parse_csv_int(reader, "gpu_num", row[gpu_col]));
    if (gpus < 0 || gpus > 100000) return reader.row_error("column 'gpu_num' must be between 0 and 100000");
    BITGOEUL_ASSIGN_OR_RETURN(int64_t nodes, parse_csv_int(reader, "node_num", row[node_col]));
    if (nodes < 0 || nodes > 100000) return reader.row_error("column 'node_num' must be between 0 and 100000");
    const std::optional<int64_t> submit = parse_log_time(row[submit_col]);
    if (!submit) {
      return reader.row_error(
          fmt::format("column 'submit_time': '{}' is not a time (YYYY-MM-DD HH:MM:SS)", row[submit_col]));
    }
    int64_t duration = 0;
    if (!row[duration_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(duration, parse_csv_int(reader, "duration", row[duration_col]));
    }
    if (duration < 0) return reader.row_error("column 'duration' is negative");
    int64_t cpus = 0;
    if (cpu_col && !row[*cpu_col].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(cpus, parse_csv_int(reader, "cpu_num", row[*cpu_col]));
      if (cpus < 0 || cpus > 1'000'000) return reader.row_error("column 'cpu_num' must be between 0 and 1000000");
    }
    if (gpus == 0 || duration == 0) {
      ++workload.skipped_rows;
      continue;
    }
    Job job;
    job.name = row[id_col];
    if (job.name.empty()) return reader.row_error("column 'job_id' is empty");
    Result<TenantIndex> tenant = tenants.resolve(row[vc_col]);
    if (!tenant.is_ok()) return reader.row_error(fmt::format("column 'vc': {}", tenant.status().message()));
    job.tenant = *tenant;
    job.submit_s = *submit;
    job.duration_s = duration;
    job.device_count = static_cast<uint32_t>(gpus);
    job.cpu_milli = static_cast<uint64_t>(cpus) * 1000;
    job.locality = nodes <= 1 ? Locality::kNode : Locality::kAny;
    job.options = all_types(cluster);
    const Status status = validate_job(job, cluster, tenants.tenants());
    if (!status.is_ok()) return reader.row_error(status.message());
    workload.jobs.push_back(std::move(job));
  }
  rebase(workload);
  return workload;
}

}  // namespace

Result<Workload> read_helios_log(const std::string& path, const Cluster& cluster, TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  return read_helios(reader, cluster, tenants);
}

Result<Workload> parse_helios_log(std::string text, const std::string& source_name, const Cluster& cluster,
                                  TenantLookup& tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::from_string(std::move(text), source_name));
  return read_helios(reader, cluster, tenants);
}

}  // namespace bitgoeul::npu
