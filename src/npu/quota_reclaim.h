#pragma once
// Quota reclaim: a queued job that its tenant's guaranteed quota covers gets its devices back from preemptible
// borrowers. Runs before the policy at every scheduling point (the simulator calls it; a live backend calls the
// same function on its own SchedulingContext), so every policy honours guarantees the same way.
//
// Rule. Job J of project P waits for device type T (one of its options, fastest first), needing d thousandths;
// quotas and vouchers admit it but free devices do not hold it. Let A be the innermost tenant of P's chain with
// usage(A, T) + d ≤ guaranteed(A, T): J is within A's guarantee. A running job R on T is a borrower from A when
// R is preemptible, its project lies outside A's subtree, and at the point where the two chains diverge — the
// siblings X (A's side) and C (R's side) under their lowest common ancestor, or under the cluster — C holds more
// of T than it is guaranteed. Borrowers are preempted most recently started first (least work lost; ties: higher
// job index), only while C stays above its guarantee, and only when enough of them free room for J; then J starts
// at once. A preempted job keeps the work it has done and pays its checkpoint cost (restore time) when it
// restarts, as with any preemption.
//
// At most `max_jobs` queued jobs are tried per call (bounds the victim searches on long queues).

#include <cstddef>

#include "npu/scheduling_context.h"

namespace bitgoeul::npu {

// Returns how many jobs it preempted.
size_t reclaim_guarantees(SchedulingContext& context, size_t max_jobs = 16);

}  // namespace bitgoeul::npu
