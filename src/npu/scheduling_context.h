#pragma once
// What a scheduling policy sees and may do at one scheduling point. The simulator implements it; a live backend
// (npu_slurm) can implement the same interface, so policy code runs unchanged in both worlds. Time is passed in
// (now_s); policies never read a clock.

#include <cstdint>
#include <optional>
#include <vector>

#include "npu/accounting.h"
#include "npu/cluster_state.h"
#include "npu/job.h"

namespace bitgoeul::npu {

enum class JobState : uint8_t { kFuture, kWaiting, kRunning, kFinished };
enum class JobOutcome : uint8_t { kNone, kCompleted, kTimedOut, kNeverStarted };
const char* job_outcome_name(JobOutcome outcome);

struct JobProgress {
  JobState state = JobState::kFuture;
  JobOutcome outcome = JobOutcome::kNone;
  int64_t first_start_s = -1;
  int64_t end_s = -1;
  int64_t attempt_start_s = -1;  // start of the current (or last) run
  int64_t run_from_s = -1;       // attempt_start_s plus the checkpoint restore, when work resumes
  int64_t queued_since_s = 0;    // when it last entered the queue
  int64_t waited_s = 0;          // total time queued, over all attempts
  double work_done_s = 0.0;      // reference seconds of work completed before the current run
  double attained_device_s = 0.0;  // devices × seconds run in finished attempts (Tiresias' attained service)
  uint32_t preemptions = 0;
  uint32_t option = 0;           // index into Job::options of the current (or last) run
  Allocation allocation;         // current (or last) devices
  double reserved_hours = 0.0;   // voucher reservation of the current run
  double rate = 0.0;             // billed device-hours per hour of the current run
  uint64_t generation = 0;       // bumps on every start/preemption to invalidate stale finish events
};

// A way to start a job now: which of its options and which devices.
struct Plan {
  uint32_t option = 0;
  Allocation allocation;
};

class SchedulingContext {
 public:
  virtual ~SchedulingContext() = default;

  virtual int64_t now_s() const = 0;
  virtual const Cluster& cluster() const = 0;
  virtual const Tenants& tenants() const = 0;
  virtual const std::vector<Job>& jobs() const = 0;
  virtual const JobProgress& progress(JobIndex job) const = 0;
  // Queued jobs in submission order. Jobs started during this pass stay listed until it ends: check
  // progress(job).state == JobState::kWaiting.
  virtual const std::vector<JobIndex>& waiting() const = 0;
  virtual const std::vector<JobIndex>& running() const = 0;
  virtual const ClusterState& state() const = 0;
  virtual const Accounting& accounting() const = 0;

  // Whether quotas and vouchers let `job` start now on some option (ignoring free devices).
  virtual bool admissible(JobIndex job) const = 0;
  // The first of the job's options (fastest first) on which it is admitted and fits in `state`, avoiding
  // `blocked` devices. With check_admission false, quotas and vouchers are ignored (for what-if planning).
  virtual std::optional<Plan> plan(JobIndex job, const ClusterState& state, const std::vector<uint8_t>* blocked,
                                   bool check_admission) const = 0;
  // REQUIRES: job waiting, plan from plan() on the current state in this pass.
  virtual void start(JobIndex job, const Plan& plan) = 0;
  // REQUIRES: job running and preemptible. It returns to the queue after this pass and pays its checkpoint cost
  // when restarted.
  virtual void preempt(JobIndex job) = 0;

  // Seconds from now until the running job ends at the latest (its time limit, or duration without one).
  virtual int64_t remaining_limit_s(JobIndex job) const = 0;
  // Wall seconds the job would hold `option` if started now, bounded by its time limit (duration without one).
  virtual int64_t limit_wall_s(JobIndex job, uint32_t option) const = 0;
  // Attained service up to now, in device-seconds (devices × seconds run, fractions counted by their share).
  virtual double attained_device_s(JobIndex job) const = 0;
};

}  // namespace bitgoeul::npu
