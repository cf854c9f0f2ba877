#include "npu_slurm/job_request.h"

#include <charconv>
#include <vector>

namespace bitgoeul::npu_slurm {
namespace {

// Quoted for error messages: printable ASCII kept, everything else as \xNN, cut at 80 characters.
std::string shown(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (text.size() > 80) out += "...";
  return out + "'";
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

// A non-negative decimal of at most 9 digits (so sums of a few of them cannot overflow int64).
bool small_number(std::string_view text, int64_t& value) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return true;
}

bool identifier(std::string_view text) {
  if (text.empty() || text.size() > 32) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string GresRequest::to_string() const { return fmt::format("{}:{}:{}", name, type, count); }

Result<GresRequest> parse_gres(std::string_view text) {
  const std::string_view original = text;
  if (text.starts_with("gres:") || text.starts_with("gres/")) text.remove_prefix(5);
  const std::vector<std::string_view> parts = split(text, ':');
  const auto bad = [&](std::string_view why) {
    return invalid_input("--gres {}: {} (expected NAME:TYPE[:COUNT], e.g. npu:rngd:4)", shown(original), why);
  };
  if (original.find(',') != std::string_view::npos) return bad("one generic resource per job");
  if (parts.size() < 2 || parts.size() > 3) return bad("wrong number of ':'-separated fields");
  if (!identifier(parts[0])) return bad("the name must be lower-case letters, digits or '_'");
  // "gres" is Slurm's optional prefix; as a name it would read back as the prefix and change the request.
  if (parts[0] == "gres") return bad("'gres' is the optional prefix, not a resource name");
  GresRequest request;
  request.name = std::string(parts[0]);
  int64_t count = 1;
  if (parts.size() == 2 && small_number(parts[1], count)) {
    return bad("no device type; quotas and vouchers are per type, so name it (npu:rngd:N, npu:atom:N)");
  }
  if (!identifier(parts[1])) return bad("the type must be lower-case letters, digits or '_'");
  request.type = std::string(parts[1]);
  if (parts.size() == 3) {
    if (!small_number(parts[2], count)) return bad("the count must be a whole number");
    if (count < 1 || count > kMaxDevicesPerNode) {
      return bad(fmt::format("the count must be between 1 and {}", kMaxDevicesPerNode));
    }
  }
  request.count = static_cast<uint32_t>(count);
  return request;
}

Result<int64_t> parse_slurm_duration(std::string_view text) {
  if (text == "UNLIMITED" || text == "INFINITE" || text == "Partition_Limit") return int64_t{-1};
  const auto bad = [&] {
    return invalid_input("time {}: expected MINUTES, MINUTES:SECONDS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS",
                         shown(text));
  };
  int64_t days = 0;
  std::string_view rest = text;
  const size_t dash = text.find('-');
  const bool has_days = dash != std::string_view::npos;
  if (has_days) {
    if (!small_number(text.substr(0, dash), days)) return bad();
    rest = text.substr(dash + 1);
  }
  const std::vector<std::string_view> parts = split(rest, ':');
  std::vector<int64_t> values;
  for (std::string_view part : parts) {
    int64_t value = 0;
    if (!small_number(part, value)) return bad();
    values.push_back(value);
  }
  int64_t seconds = 0;
  if (has_days) {
    // D-HH, D-HH:MM, D-HH:MM:SS
    if (values.size() > 3) return bad();
    seconds = days * 86400 + values[0] * 3600 + (values.size() > 1 ? values[1] * 60 : 0) +
              (values.size() > 2 ? values[2] : 0);
  } else if (values.size() == 1) {
    seconds = values[0] * 60;
  } else if (values.size() == 2) {
    seconds = values[0] * 60 + values[1];
  } else if (values.size() == 3) {
    seconds = values[0] * 3600 + values[1] * 60 + values[2];
  } else {
    return bad();
  }
  return seconds;
}

Result<int64_t> parse_time_limit(std::string_view text) {
  if (text == "UNLIMITED" || text == "INFINITE") {
    return invalid_input("--time {}: a time limit is required (vouchers are reserved by it)", shown(text));
  }
  Result<int64_t> seconds = parse_slurm_duration(text);
  if (!seconds.is_ok()) return invalid_input("--time: {}", seconds.status().message());
  if (*seconds <= 0) return invalid_input("--time {}: must be longer than zero", shown(text));
  if (*seconds > kMaxTimeLimitS) {
    return invalid_input("--time {}: longer than the maximum of {} days", shown(text), kMaxTimeLimitS / 86400);
  }
  return (*seconds + 59) / 60 * 60;
}

std::string format_duration(int64_t seconds) {
  if (seconds < 0) return "UNLIMITED";
  const int64_t days = seconds / 86400;
  const int64_t rest = seconds % 86400;
  const std::string clock = fmt::format("{:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
  return days > 0 ? fmt::format("{}-{}", days, clock) : clock;
}

Status validate_job_name(std::string_view name) {
  if (name.empty()) return invalid_input("--job-name: empty");
  if (name.size() > kMaxJobNameBytes) {
    return invalid_input("--job-name {}: longer than {} bytes", shown(name), kMaxJobNameBytes);
  }
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return invalid_input("--job-name {}: only printable ASCII characters", shown(name));
  }
  return Status::ok();
}

Status validate_tenant_name(std::string_view name) {
  const auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  };
  if (name.empty() || name.size() > 64) return invalid_input("tenant name {}: must be 1 to 64 characters", shown(name));
  for (char c : name) {
    if (!ok_char(c)) {
      return invalid_input("tenant name {}: only letters, digits, '_', '.' and '-' are allowed", shown(name));
    }
  }
  if (name[0] == '.' || name[0] == '-' || name[0] == '_') {
    return invalid_input("tenant name {}: must start with a letter or digit", shown(name));
  }
  return Status::ok();
}

Status validate_script(std::string_view script, std::string_view source) {
  if (script.size() > kMaxScriptBytes) {
    return invalid_input("{}: script is {} bytes, over the limit of {}", source, script.size(), kMaxScriptBytes);
  }
  if (!script.starts_with("#!")) {
    return invalid_input("{}: line 1: a batch script must start with an interpreter line such as #!/bin/bash", source);
  }
  if (script.find('\0') != std::string_view::npos) return invalid_input("{}: script contains a NUL byte", source);
  size_t line_number = 0;
  for (std::string_view line : split(script, '\n')) {
    ++line_number;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    std::string_view trimmed = line.substr(first);
    std::string upper;
    for (size_t i = 0; i < trimmed.size() && i < 8; ++i) {
      upper += static_cast<char>(trimmed[i] >= 'a' && trimmed[i] <= 'z' ? trimmed[i] - 32 : trimmed[i]);
    }
    if (upper.starts_with("#SBATCH") || upper.starts_with("#PBS")) {
      return invalid_input(
          "{}: line {}: {} — job options come from the command's flags (--gres, --time, --nodes), not from "
          "directives in the script; remove the line",
          source, line_number, shown(trimmed));
    }
  }
  return Status::ok();
}

}  // namespace bitgoeul::npu_slurm
