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
#include <vector>

#include "core/error.h"
#include "npu/job.h"
#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/scheduling_context.h"

namespace bitgoeul::npu {

struct SimulationOptions {
  bool verify = false;
  double usage_half_life_s = 7 * 86400.0;  // fair-share usage decay (Slurm's PriorityDecayHalfLife)
  // Called now and then with (jobs finished, total jobs); may be empty.
  std::function<void(size_t, size_t)> on_progress;
};

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
};

// REQUIRES: the workload's jobs validate against cluster and tenants and are sorted by submission.
Result<SimulationResult> simulate(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                                  Policy& policy, Placement& placement, const SimulationOptions& options);

}  // namespace bitgoeul::npu
