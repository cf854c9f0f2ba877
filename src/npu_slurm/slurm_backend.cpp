#include "npu_slurm/slurm_backend.h"

#include <cctype>
#include <charconv>
#include <ctime>
#include <utility>

namespace bitgoeul::npu_slurm {
namespace {

std::vector<std::string_view> split_fields(std::string_view line, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = line.find(separator, start);
    parts.push_back(line.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

template <typename Int>
bool parse_int(std::string_view text, Int& value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// Calls `row(fields, line_number)` for each non-empty line, which must have `width` '|'-separated fields.
template <typename Row>
Status for_each_row(std::string_view output, size_t width, std::string_view command, Row&& row) {
  size_t line_number = 0;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::vector<std::string_view> fields = split_fields(line, '|');
    if (fields.size() != width) {
      return corrupt("{} output line {}: {} fields, expected {}: '{}'", command, line_number, fields.size(), width,
                     line.substr(0, 200));
    }
    BITGOEUL_RETURN_IF_ERROR(row(fields, line_number));
  }
  return Status::ok();
}

std::string join_ids(const std::vector<SlurmJobId>& ids, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (!out.empty()) out += ',';
    out += std::to_string(raw(ids[i]));
  }
  return out;
}

}  // namespace

Result<std::optional<int64_t>> parse_slurm_time(std::string_view text) {
  if (text.empty() || text == "N/A" || text == "Unknown" || text == "None" || text == "NONE") {
    return std::optional<int64_t>();
  }
  // YYYY-MM-DDTHH:MM:SS
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const auto field = [&](size_t at, size_t length, int& value) {
    return at + length <= text.size() && parse_int(text.substr(at, length), value);
  };
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || !field(0, 4, year) || !field(5, 2, month) || !field(8, 2, day) || !field(11, 2, hour) ||
      !field(14, 2, minute) || !field(17, 2, second) || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 60) {
    return corrupt("unreadable Slurm time '{}' (expected YYYY-MM-DDTHH:MM:SS)", text.substr(0, 40));
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return std::optional<int64_t>(static_cast<int64_t>(::timegm(&tm)));
}

Result<std::vector<BackendJob>> parse_squeue(std::string_view output) {
  std::vector<BackendJob> jobs;
  Status status = for_each_row(output, 12, "squeue", [&](const std::vector<std::string_view>& f, size_t line) {
    BackendJob job;
    uint64_t id = 0;
    // Array and heterogeneous jobs ("12_3", "12+1") are never submitted by the center; they are not ours.
    if (!parse_int(f[0], id)) return Status::ok();
    job.id = SlurmJobId{id};
    job.name = std::string(f[1]);
    job.account = std::string(f[2]);
    job.state = parse_job_state(f[3]);
    job.reason = std::string(f[4]);
    job.node_list = std::string(f[5]);
    const auto bad = [&](std::string_view what, std::string_view text) {
      return corrupt("squeue output line {}: unreadable {} '{}'", line, what, text.substr(0, 40));
    };
    for (auto [text, target] : {std::pair{f[6], &job.submit_s}, std::pair{f[7], &job.start_s},
                                std::pair{f[8], &job.end_s}}) {
      Result<std::optional<int64_t>> time = parse_slurm_time(text);
      if (!time.is_ok()) return bad("time", text);
      *target = *time;
    }
    Result<int64_t> limit = parse_slurm_duration(f[9]);
    if (!limit.is_ok()) return bad("time limit", f[9]);
    job.time_limit_s = *limit;
    if (!parse_int(f[10], job.priority)) return bad("priority", f[10]);
    if (!parse_int(f[11], job.node_count)) return bad("node count", f[11]);
    jobs.push_back(std::move(job));
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return jobs;
}

namespace {

// "npu:rngd:8(S:0-1),gpu:2" → entries; `used` reads the counts into NodeGres::used instead of count.
Status parse_gres_list(std::string_view text, size_t line, std::vector<NodeGres>& gres, bool used) {
  if (text.empty() || text == "(null)") return Status::ok();
  std::vector<std::string_view> entries;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      entries.push_back(text.substr(start, i - start));
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  for (std::string_view entry : entries) {
    const size_t paren = entry.find('(');
    if (paren != std::string_view::npos) entry = entry.substr(0, paren);
    const std::vector<std::string_view> parts = split_fields(entry, ':');
    uint32_t count = 0;
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || !parse_int(parts.back(), count)) {
      return corrupt("sinfo output line {}: unreadable GRES '{}'", line, entry.substr(0, 60));
    }
    const std::string name(parts[0]);
    const std::string type(parts.size() == 3 ? parts[1] : std::string_view());
    NodeGres* target = nullptr;
    for (NodeGres& g : gres) {
      if (g.name == name && g.type == type) target = &g;
    }
    if (target == nullptr) {
      gres.push_back({name, type, 0, 0});
      target = &gres.back();
    }
    (used ? target->used : target->count) = count;
  }
  return Status::ok();
}

}  // namespace

Result<std::vector<BackendNode>> parse_sinfo_nodes(std::string_view output) {
  std::vector<BackendNode> nodes;
  Status status = for_each_row(output, 5, "sinfo", [&](const std::vector<std::string_view>& f, size_t line) {
    if (f[0].empty()) return corrupt("sinfo output line {}: no node name", line);
    for (const BackendNode& node : nodes) {
      if (node.name == f[0]) return Status::ok();  // the same node in another partition
    }
    BackendNode node;
    node.name = std::string(f[0]);
    BITGOEUL_RETURN_IF_ERROR(parse_gres_list(f[1], line, node.gres, false));
    BITGOEUL_RETURN_IF_ERROR(parse_gres_list(f[2], line, node.gres, true));
    for (char c : f[3]) node.state += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view bad : {"down", "drain", "fail", "maint", "unknown", "not_responding", "*"}) {
      if (node.state.find(bad) != std::string::npos) node.usable = false;
    }
    nodes.push_back(std::move(node));
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return nodes;
}

Result<std::vector<AccountingRecord>> parse_sacct(std::string_view output) {
  std::vector<AccountingRecord> records;
  Status status = for_each_row(output, 10, "sacct", [&](const std::vector<std::string_view>& f, size_t line) {
    AccountingRecord record;
    uint64_t id = 0;
    if (!parse_int(f[0], id)) return Status::ok();  // job steps ("12.batch") and arrays are not center jobs
    record.id = SlurmJobId{id};
    record.name = std::string(f[1]);
    record.account = std::string(f[2]);
    record.state = parse_job_state(f[3]);
    const auto bad = [&](std::string_view what, std::string_view text) {
      return corrupt("sacct output line {}: unreadable {} '{}'", line, what, text.substr(0, 40));
    };
    Result<std::optional<int64_t>> start = parse_slurm_time(f[4]);
    if (!start.is_ok()) return bad("start time", f[4]);
    Result<std::optional<int64_t>> end = parse_slurm_time(f[5]);
    if (!end.is_ok()) return bad("end time", f[5]);
    record.start_s = *start;
    record.end_s = *end;
    if (!parse_int(f[6], record.elapsed_s) || record.elapsed_s < 0) return bad("elapsed seconds", f[6]);
    if (!parse_int(f[7], record.node_count)) return bad("node count", f[7]);
    record.node_list = std::string(f[8]);
    record.exit_code = std::string(f[9]);
    records.push_back(std::move(record));
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return records;
}

Result<SlurmBackend> SlurmBackend::create(SlurmOptions options) {
  SlurmBackend backend;
  for (auto [name, target] : {std::pair{"sbatch", &backend.sbatch_}, std::pair{"scancel", &backend.scancel_},
                              std::pair{"scontrol", &backend.scontrol_}, std::pair{"squeue", &backend.squeue_},
                              std::pair{"sacct", &backend.sacct_}, std::pair{"sinfo", &backend.sinfo_}}) {
    Result<std::string> path = find_program(name, options.bin_dir);
    if (!path.is_ok()) {
      return not_found("Slurm command {} (install slurm-client, or give --slurm-bin): {}", name,
                       path.status().message());
    }
    *target = *path;
  }
  backend.environment_ = {"PATH=/usr/local/bin:/usr/bin:/bin", "TZ=UTC", "LANG=C", "SLURM_TIME_FORMAT=standard"};
  if (!options.slurm_conf.empty()) backend.environment_.push_back("SLURM_CONF=" + options.slurm_conf);
  backend.options_ = std::move(options);
  return backend;
}

Result<ProcessOutput> SlurmBackend::run(const std::string& program, std::vector<std::string> args, std::string input) {
  args.insert(args.begin(), program);
  ProcessOptions process;
  process.environment = environment_;
  process.input = std::move(input);
  process.timeout_s = options_.command_timeout_s;
  BITGOEUL_ASSIGN_OR_RETURN(ProcessOutput output, run_process(args, process));
  if (output.exit_code != 0) {
    std::string message = output.err.empty() ? output.out : output.err;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (message.size() > 500) message = message.substr(0, 500) + "...";
    const size_t slash = program.rfind('/');
    return io_error("{} failed (exit {}): {}", program.substr(slash + 1), output.exit_code, message);
  }
  return output;
}

Result<SlurmJobId> SlurmBackend::submit(const SubmitSpec& spec) {
  std::vector<std::string> args = {
      "--parsable",
      "--ignore-pbs",
      "--job-name=" + spec.name,
      "--account=" + spec.account,
      "--gres=" + spec.gres.to_string(),
      "--nodes=" + std::to_string(spec.nodes),
      "--ntasks-per-node=1",
      "--time=" + std::to_string((spec.time_limit_s + 59) / 60),
      "--chdir=" + spec.work_dir,
      "--output=" + spec.output_path,
  };
  if (!options_.partition.empty()) args.push_back("--partition=" + options_.partition);
  if (spec.priority) args.push_back("--priority=" + std::to_string(*spec.priority));
  if (spec.hold) args.push_back("--hold");
  BITGOEUL_ASSIGN_OR_RETURN(ProcessOutput output, run(sbatch_, std::move(args), spec.script));
  // --parsable prints "ID" or "ID;CLUSTER".
  std::string_view text = output.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const size_t semicolon = text.find(';');
  if (semicolon != std::string_view::npos) text = text.substr(0, semicolon);
  uint64_t id = 0;
  if (!parse_int(text, id)) return corrupt("sbatch printed no job id: '{}'", output.out.substr(0, 200));
  return SlurmJobId{id};
}

Status SlurmBackend::cancel(SlurmJobId id) {
  return run(scancel_, {std::to_string(raw(id))}).status();
}

Status SlurmBackend::hold(SlurmJobId id) { return run(scontrol_, {"hold", std::to_string(raw(id))}).status(); }

Status SlurmBackend::release(SlurmJobId id) {
  return run(scontrol_, {"release", std::to_string(raw(id))}).status();
}

Status SlurmBackend::set_priority(SlurmJobId id, uint32_t priority) {
  return run(scontrol_, {"update", "JobId=" + std::to_string(raw(id)), "Priority=" + std::to_string(priority)})
      .status();
}

Status SlurmBackend::set_node_list(SlurmJobId id, const std::string& node_list) {
  if (node_list.find_first_of(" \t\n=") != std::string::npos) {
    return invalid_input("node list '{}': spaces and '=' are not allowed", node_list.substr(0, 80));
  }
  return run(scontrol_, {"update", "JobId=" + std::to_string(raw(id)), "ReqNodeList=" + node_list}).status();
}

Result<std::vector<BackendNode>> SlurmBackend::nodes() {
  std::vector<std::string> args = {"--Node", "--noheader", "--Format=" + std::string(kSinfoFormat)};
  if (!options_.partition.empty()) args.push_back("--partition=" + options_.partition);
  BITGOEUL_ASSIGN_OR_RETURN(ProcessOutput output, run(sinfo_, std::move(args)));
  return parse_sinfo_nodes(output.out);
}

Result<std::vector<BackendJob>> SlurmBackend::list_jobs() {
  BITGOEUL_ASSIGN_OR_RETURN(ProcessOutput output,
                            run(squeue_, {"--noheader", "--states=all", "--format=" + std::string(kSqueueFormat)}));
  return parse_squeue(output.out);
}

Result<std::vector<AccountingRecord>> SlurmBackend::accounting(const std::vector<SlurmJobId>& ids) {
  std::vector<AccountingRecord> records;
  constexpr size_t kBatch = 200;  // ids per sacct call, to keep the argument short
  for (size_t begin = 0; begin < ids.size(); begin += kBatch) {
    const size_t end = std::min(ids.size(), begin + kBatch);
    std::vector<std::string> args = {"--noheader", "--parsable2", "--allocations", "--starttime=2000-01-01",
                                     "--format=" + std::string(kSacctFields), "--jobs=" + join_ids(ids, begin, end)};
    if (options_.use_completion_log) args.insert(args.begin(), "--completion");
    BITGOEUL_ASSIGN_OR_RETURN(ProcessOutput output, run(sacct_, std::move(args)));
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<AccountingRecord> batch, parse_sacct(output.out));
    for (AccountingRecord& record : batch) {
      if (!is_active(record.state)) records.push_back(std::move(record));
    }
  }
  return records;
}

}  // namespace bitgoeul::npu_slurm
