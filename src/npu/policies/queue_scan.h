#pragma once
// Building blocks shared by the policies (private to policies/).

#include <cstdint>
#include <optional>
#include <vector>

#include "npu/scheduling_context.h"

namespace bitgoeul::npu::policy_detail {

// Starts jobs of `order` (queued jobs, most important first). A job held by its quota or voucher is skipped.
// The first job that is admitted but does not fit blocks the queue: without backfill the pass ends there (FIFO);
// with backfill (EASY, Lifka 1995) it gets a reservation at the earliest time its devices free up, assuming
// running jobs end at their time limits, and up to `depth` later jobs may start now if they avoid the reserved
// devices or end (by their limit) before the reservation.
void start_in_order(SchedulingContext& context, const std::vector<JobIndex>& order, bool backfill, size_t depth);

// Lower key = more important; ties go to the lower job index.
using PriorityKey = double;

// Preemptive priority scheduling: jobs of `order` (queued, most important first) start when they fit; a job
// that does not may preempt running preemptible jobs whose key is strictly greater, worst first, when that lets
// it start (checked on a copy of the state). At most `attempts` such searches per pass.
void start_with_preemption(SchedulingContext& context, const std::vector<JobIndex>& order,
                           const std::vector<PriorityKey>& key_of_job, size_t attempts);

}  // namespace bitgoeul::npu::policy_detail
