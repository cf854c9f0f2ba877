#include "npu_slurm/cluster_backend.h"

#include <array>
#include <charconv>
#include <utility>

namespace bitgoeul::npu_slurm {
namespace {

constexpr std::array<std::pair<JobState, const char*>, 12> kStateNames = {{
    {JobState::kPending, "PENDING"},
    {JobState::kRunning, "RUNNING"},
    {JobState::kSuspended, "SUSPENDED"},
    {JobState::kCompleting, "COMPLETING"},
    {JobState::kCompleted, "COMPLETED"},
    {JobState::kCancelled, "CANCELLED"},
    {JobState::kFailed, "FAILED"},
    {JobState::kTimeout, "TIMEOUT"},
    {JobState::kNodeFail, "NODE_FAIL"},
    {JobState::kPreempted, "PREEMPTED"},
    {JobState::kOutOfMemory, "OUT_OF_MEMORY"},
    {JobState::kOther, "OTHER"},
}};

}  // namespace

const char* job_state_name(JobState state) {
  for (const auto& [value, name] : kStateNames) {
    if (value == state) return name;
  }
  return "OTHER";
}

JobState parse_job_state(std::string_view text) {
  const size_t space = text.find(' ');
  if (space != std::string_view::npos) text = text.substr(0, space);  // "CANCELLED by 0"
  for (const auto& [value, name] : kStateNames) {
    if (text == name) return value;
  }
  // States that still hold or wait for resources.
  if (text == "CONFIGURING" || text == "RESIZING" || text == "REQUEUED" || text == "REQUEUE_HOLD" ||
      text == "REQUEUE_FED" || text == "SIGNALING" || text == "STAGE_OUT" || text == "STOPPED") {
    return text == "REQUEUED" || text == "REQUEUE_HOLD" || text == "REQUEUE_FED" ? JobState::kPending
                                                                                : JobState::kRunning;
  }
  return JobState::kOther;
}

bool is_active(JobState state) {
  return state == JobState::kPending || state == JobState::kRunning || state == JobState::kSuspended ||
         state == JobState::kCompleting;
}

Result<std::vector<std::string>> expand_node_list(std::string_view list) {
  constexpr size_t kMaxNames = 100'000;
  std::vector<std::string> names;
  const auto bad = [&](std::string_view why) {
    return invalid_input("node list '{}': {}", list.substr(0, 120), why);
  };
  size_t at = 0;
  while (at < list.size()) {
    // One element: PREFIX or PREFIX[RANGES]SUFFIX?; elements are separated by commas outside brackets.
    const size_t open = list.find_first_of("[,", at);
    if (open == std::string_view::npos || list[open] == ',') {
      const size_t end = open == std::string_view::npos ? list.size() : open;
      if (end == at) return bad("empty name");
      names.emplace_back(list.substr(at, end - at));
      at = end + 1;
      if (end == list.size()) break;
      if (at == list.size()) return bad("ends with a comma");
      continue;
    }
    const std::string_view prefix = list.substr(at, open - at);
    const size_t close = list.find(']', open);
    if (close == std::string_view::npos) return bad("unclosed '['");
    const std::string_view ranges = list.substr(open + 1, close - open - 1);
    if (ranges.empty() || ranges.find('[') != std::string_view::npos) return bad("empty or nested range");
    size_t r = 0;
    while (r <= ranges.size()) {
      size_t comma = ranges.find(',', r);
      if (comma == std::string_view::npos) comma = ranges.size();
      const std::string_view range = ranges.substr(r, comma - r);
      const size_t dash = range.find('-');
      const std::string_view low_text = range.substr(0, dash);
      const std::string_view high_text = dash == std::string_view::npos ? low_text : range.substr(dash + 1);
      uint64_t low = 0, high = 0;
      const auto number = [](std::string_view text, uint64_t& value) {
        if (text.empty() || text.size() > 9) return false;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        return error == std::errc() && end == text.data() + text.size();
      };
      if (!number(low_text, low) || !number(high_text, high) || high < low) {
        return bad(fmt::format("unreadable range '{}'", range.substr(0, 40)));
      }
      if (names.size() + (high - low + 1) > kMaxNames) return bad("more than 100,000 names");
      for (uint64_t n = low; n <= high; ++n) {
        std::string digits = std::to_string(n);
        // Zero padding as written: "n[01-03]" gives n01, n02, n03.
        if (digits.size() < low_text.size()) digits.insert(0, low_text.size() - digits.size(), '0');
        names.push_back(std::string(prefix) + digits);
      }
      r = comma + 1;
      if (comma == ranges.size()) break;
    }
    at = close + 1;
    if (at < list.size()) {
      if (list[at] != ',') return bad("text after ']' (only a comma may follow)");
      ++at;
      if (at == list.size()) return bad("ends with a comma");
    }
  }
  return names;
}

}  // namespace bitgoeul::npu_slurm
