#pragma once
// The event-driven simulator of the center: jobs arrive and end, and after every batch of simultaneous events the
// policy runs. Deterministic: the same inputs give the same schedule (events at equal times are ordered by kind
// — ends, then arrivals, then timers — and by job index). Time is simulated seconds; no clock is read.
//
// With verify on (tests; `--verify`), every invariant is checked after every event batch: no device or partition
// over-allocated, gangs all-or-nothing (a running job holds exactly its devices, a queued one none), quotas and
// guaranteed-quota borrowing rules kept, vouchers never negative. The first violation stops the run with an
// internal error naming it.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/error.h"
#include "npu/job.h"
#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/scheduling_context.h"

namespace bitgoeul::npu {

struct SimulationOptions {
  bool verify = false;
  // Before each policy pass, queued jobs within their guaranteed quota reclaim devices from preemptible
  // borrowers (npu/quota_reclaim.h).
  bool reclaim_quota = true;
  // Sample the state every this many simulated seconds (0: no time series). When a run would exceed
  // kMaxTimeSeriesSamples, the interval doubles and every other sample is dropped, so long runs stay bounded.
  int64_t sample_interval_s = 0;
  double usage_half_life_s = 7 * 86400.0;  // fair-share usage decay (Slurm's PriorityDecayHalfLife)
  // Called now and then with (jobs finished, total jobs); may be empty.
  std::function<void(size_t, size_t)> on_progress;

  // Live mode (npu_slurm runs the policy forward from a cluster's present state). With start_s set, the run begins
  // at start_s: jobs submitted earlier are queued at start_s (keeping their submit_s for age), the `running` jobs
  // hold their allocations from their started_s (their duration_s is the total run expected), and
  // `initial_usage_device_s` (per tenant, billed device-seconds already decayed to start_s; empty: none) seeds
  // fair share. REQUIRES: start_s ≥ every running job's started_s; allocations fit the cluster together.
  struct Running {
    JobIndex job = 0;
    Allocation allocation;
    int64_t started_s = 0;
  };
  std::optional<int64_t> start_s;
  std::vector<Running> running;
  std::vector<double> initial_usage_device_s;
};

inline constexpr size_t kMaxTimeSeriesSamples = 2000;

// The state sampled at start_s + k × interval_s (k = 0, 1, ...) from the first submission until the last job ends:
// sample k is the state holding from that instant until the next event, after the scheduling pass of any events
// at that instant. Deterministic, since it depends on simulated time only.
struct TimeSeries {
  int64_t start_s = 0;
  int64_t interval_s = 0;  // 0: not sampled
  std::vector<uint32_t> queued_jobs;
  std::vector<uint32_t> running_jobs;
  std::vector<std::vector<int64_t>> used_milli;  // [device type][sample]: allocated thousandths

  size_t size() const { return queued_jobs.size(); }
  int64_t time_s(size_t sample) const { return start_s + static_cast<int64_t>(sample) * interval_s; }
};

// An interval giving about `target_samples` samples over the workload's submission span plus its longest job
// estimate: a 1, 2 or 5 × 10^k number of seconds, at least 1.
int64_t suggest_sample_interval_s(const Workload& workload, size_t target_samples = 500);

// Time integrals gathered during the run, for the metrics.
struct SimulationTotals {
  int64_t first_submit_s = 0;
  int64_t last_end_s = 0;
  std::vector<double> used_milli_s;        // per device type: ∫ allocated thousandths dt
  std::vector<double> fragmented_milli_s;  // per device type: ∫ free thousandths no queued job can use dt
  std::vector<double> free_milli_s;        // per device type: ∫ free thousandths dt
  double queue_length_s = 0.0;             // ∫ queued jobs dt
  uint64_t events = 0;
  uint64_t scheduling_passes = 0;
};

struct SimulationResult {
  std::vector<JobProgress> jobs;  // parallel to Workload::jobs
  SimulationTotals totals;
  TimeSeries series;  // empty unless SimulationOptions::sample_interval_s > 0
};

// REQUIRES: the workload's jobs validate against cluster and tenants and are sorted by submission.
Result<SimulationResult> simulate(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                                  Policy& policy, Placement& placement, const SimulationOptions& options);

}  // namespace bitgoeul::npu
