#include "npu_slurm/cluster_backend.h"

#include <array>
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

}  // namespace bitgoeul::npu_slurm
