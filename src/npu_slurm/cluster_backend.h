#pragma once
// The cluster engine the center drives: submit, cancel, hold/release, priorities, the live job list and the
// accounting records of finished jobs. SlurmBackend (slurm_backend.h) carries this out with the Slurm commands;
// FakeBackend (fake_backend.h) is an in-memory cluster for tests. The center never talks to Slurm otherwise.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "npu_slurm/job_request.h"

namespace bitgoeul::npu_slurm {

// Slurm's job id; a distinct type so it never mixes with the center's own job ids.
enum class SlurmJobId : uint64_t {};
inline uint64_t raw(SlurmJobId id) { return static_cast<uint64_t>(id); }

enum class JobState {
  kPending,
  kRunning,
  kSuspended,
  kCompleting,  // ended, nodes still cleaning up
  kCompleted,
  kCancelled,
  kFailed,
  kTimeout,
  kNodeFail,
  kPreempted,
  kOutOfMemory,
  kOther,  // a terminal state this version does not name (BOOT_FAIL, DEADLINE, ...)
};

const char* job_state_name(JobState state);  // Slurm's spelling: "PENDING", "COMPLETED", ...
// Reads Slurm's state ("CANCELLED by 0" counts as CANCELLED); unknown words map to kOther.
JobState parse_job_state(std::string_view text);
// The job holds or waits for resources (pending, running, suspended, completing).
bool is_active(JobState state);

struct SubmitSpec {
  std::string name;     // Slurm job name, chosen by the center ([A-Za-z0-9_-]); never the tenant's text
  std::string account;  // Slurm account: the tenant
  GresRequest gres;     // per node
  uint32_t nodes = 1;
  int64_t time_limit_s = 60;   // whole minutes
  std::string script;          // the batch script's text, given to sbatch on its standard input
  std::string work_dir;        // absolute
  std::string output_path;     // absolute; Slurm's %j patterns allowed
  std::optional<uint32_t> priority;
  bool hold = false;
};

// A job as the controller sees it now.
struct BackendJob {
  SlurmJobId id{};
  std::string name;
  std::string account;
  JobState state = JobState::kPending;
  std::string reason;     // why it waits ("Resources", "Priority", "JobHeldUser", ...) or "None"
  std::string node_list;  // Slurm's compressed form, e.g. "rngd[1-2]"; empty while pending
  std::optional<int64_t> submit_s;
  std::optional<int64_t> start_s;  // actual, or Slurm's expected start while pending
  std::optional<int64_t> end_s;
  int64_t time_limit_s = -1;  // -1: unlimited
  uint32_t priority = 0;
  uint32_t node_count = 0;
};

// What Slurm's accounting (sacct / jobcomp) recorded for a job that ended.
struct AccountingRecord {
  SlurmJobId id{};
  std::string name;
  std::string account;
  JobState state = JobState::kOther;
  std::optional<int64_t> start_s;
  std::optional<int64_t> end_s;
  int64_t elapsed_s = 0;
  uint32_t node_count = 0;
  std::string node_list;
  std::string exit_code;  // "0:0"
};

// One generic resource of a node, as the controller counts it now.
struct NodeGres {
  std::string name;   // "npu"
  std::string type;   // "rngd"
  uint32_t count = 0;  // configured
  uint32_t used = 0;   // allocated to jobs now
};

// A node as the controller sees it now.
struct BackendNode {
  std::string name;
  std::vector<NodeGres> gres;
  std::string state;    // Slurm's, lower-case: "idle", "mixed", "down*", "idle+drain", ...
  bool usable = true;   // accepts new jobs: not down, drained, draining, failing or unresponding
};

// Expands Slurm's compressed node list ("rngd[1-2],atom1", "n[01-03,7]") into names, in order; an error names the
// unreadable part. At most 100,000 names.
Result<std::vector<std::string>> expand_node_list(std::string_view list);

class ClusterBackend {
 public:
  virtual ~ClusterBackend() = default;

  virtual Result<SlurmJobId> submit(const SubmitSpec& spec) = 0;
  // Ending a job that already ended is not an error.
  virtual Status cancel(SlurmJobId id) = 0;
  virtual Status hold(SlurmJobId id) = 0;
  virtual Status release(SlurmJobId id) = 0;
  virtual Status set_priority(SlurmJobId id, uint32_t priority) = 0;
  // The nodes a pending job must run on (Slurm's ReqNodeList); empty clears the requirement.
  virtual Status set_node_list(SlurmJobId id, const std::string& node_list) = 0;
  // Every node with its generic resources, configured and in use, and whether it takes new jobs.
  virtual Result<std::vector<BackendNode>> nodes() = 0;
  // Every job the controller still knows (waiting, running, and recently ended).
  virtual Result<std::vector<BackendJob>> list_jobs() = 0;
  // Accounting records of those of `ids` that have ended; jobs still active or unknown are left out.
  virtual Result<std::vector<AccountingRecord>> accounting(const std::vector<SlurmJobId>& ids) = 0;
};

}  // namespace bitgoeul::npu_slurm
