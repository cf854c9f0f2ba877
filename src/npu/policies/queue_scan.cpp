#include "npu/policies/queue_scan.h"

#include <algorithm>
#include <tuple>

namespace bitgoeul::npu::policy_detail {
namespace {

struct Reservation {
  int64_t shadow_s = 0;
  std::vector<uint8_t> blocked;  // per device: reserved for the blocked head
};

std::optional<Reservation> reserve(const SchedulingContext& context, JobIndex job) {
  ClusterState future = context.state();
  std::vector<std::pair<int64_t, JobIndex>> ends;
  for (JobIndex r : context.running()) {
    if (context.progress(r).state != JobState::kRunning) continue;
    ends.emplace_back(context.now_s() + context.remaining_limit_s(r), r);
  }
  std::sort(ends.begin(), ends.end());
  for (size_t i = 0; i < ends.size(); ++i) {
    future.release(context.progress(ends[i].second).allocation);
    if (i + 1 < ends.size() && ends[i + 1].first == ends[i].first) continue;
    if (std::optional<Plan> plan = context.plan(job, future, nullptr, /*check_admission=*/false)) {
      Reservation reservation;
      reservation.shadow_s = ends[i].first;
      reservation.blocked.assign(context.cluster().device_count(), 0);
      for (DeviceIndex d : plan->allocation.devices) reservation.blocked[d] = 1;
      return reservation;
    }
  }
  return std::nullopt;
}

}  // namespace

void start_in_order(SchedulingContext& context, const std::vector<JobIndex>& order, bool backfill, size_t depth) {
  bool blocked_head = false;
  std::optional<Reservation> reservation;
  size_t tested = 0;
  for (JobIndex job : order) {
    if (context.progress(job).state != JobState::kWaiting) continue;
    if (!blocked_head) {
      if (std::optional<Plan> plan = context.plan(job, context.state(), nullptr, true)) {
        context.start(job, *plan);
        continue;
      }
      if (!context.admissible(job)) continue;  // held by quota or voucher: does not block others
      if (!backfill) return;
      blocked_head = true;
      reservation = reserve(context, job);
      continue;
    }
    if (++tested > depth) return;
    if (!reservation) {
      // The head cannot start even when everything running has ended (its own quota frees up later): nothing
      // to protect.
      if (std::optional<Plan> plan = context.plan(job, context.state(), nullptr, true)) context.start(job, *plan);
      continue;
    }
    if (std::optional<Plan> plan = context.plan(job, context.state(), &reservation->blocked, true)) {
      context.start(job, *plan);
      continue;
    }
    if (std::optional<Plan> plan = context.plan(job, context.state(), nullptr, true)) {
      if (context.now_s() + context.limit_wall_s(job, plan->option) <= reservation->shadow_s) {
        context.start(job, *plan);
      }
    }
  }
}

void start_with_preemption(SchedulingContext& context, const std::vector<JobIndex>& order,
                           const std::vector<PriorityKey>& key_of_job, size_t attempts) {
  const auto worse = [&key_of_job](JobIndex a, JobIndex b) {  // a less important than b
    return std::tie(key_of_job[a], a) > std::tie(key_of_job[b], b);
  };
  for (JobIndex job : order) {
    if (context.progress(job).state != JobState::kWaiting) continue;
    if (std::optional<Plan> plan = context.plan(job, context.state(), nullptr, true)) {
      context.start(job, *plan);
      continue;
    }
    if (attempts == 0 || !context.admissible(job)) continue;
    --attempts;
    const Job& spec = context.jobs()[job];
    std::vector<JobIndex> victims;
    for (JobIndex r : context.running()) {
      const JobProgress& p = context.progress(r);
      if (p.state != JobState::kRunning || !context.jobs()[r].preemptible || p.attempt_start_s == context.now_s()) {
        continue;
      }
      if (!worse(r, job)) continue;
      const bool useful = std::any_of(spec.options.begin(), spec.options.end(),
                                      [&p](const JobOption& o) { return o.type == p.allocation.type; });
      if (useful) victims.push_back(r);
    }
    std::sort(victims.begin(), victims.end(), [&worse](JobIndex a, JobIndex b) { return worse(a, b); });
    ClusterState future = context.state();
    size_t needed = 0;
    bool fits = false;
    for (; needed < victims.size() && !fits; ++needed) {
      future.release(context.progress(victims[needed]).allocation);
      fits = context.plan(job, future, nullptr, /*check_admission=*/false).has_value();
    }
    if (!fits) continue;
    for (size_t i = 0; i < needed; ++i) context.preempt(victims[i]);
    if (std::optional<Plan> plan = context.plan(job, context.state(), nullptr, true)) context.start(job, *plan);
  }
}

}  // namespace bitgoeul::npu::policy_detail
