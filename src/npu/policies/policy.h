#pragma once
// Scheduling policies: which queued jobs start (and which running ones are preempted) at each scheduling point.
// Each is documented with its source in its own file:
//   fifo        strict submission order, head-of-line blocking
//   easy        FIFO with EASY backfill against time-limit reservations (Lifka 1995; Slurm's sched/backfill)
//   multifactor Slurm's multifactor priority (age, fair share with decayed usage, QOS) with EASY backfill
//   drf         dominant resource fairness across tenants (Ghodsi et al., NSDI 2011)
//   srtf        shortest expected remaining time first, remaining predicted from time limits, preemptive
//   tiresias    discretised two-dimensional least-attained-service (Gu et al., NSDI 2019), preemptive
//   gavel       heterogeneity-aware, round-based: least normalised attained service first, fastest acceptable
//               type, same-shape swaps towards total effective throughput (after Narayanan et al., OSDI 2020;
//               greedy, no LP — see gavel.cpp)
//   gavel-lp    Gavel's max-min fairness LP over normalised throughput (COIN-OR CLP) realised round by round
//               with Gavel's priority X / share received (gavel.cpp, max_min_lp.h)

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "npu/scheduling_context.h"

namespace bitgoeul::npu {

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  // Starts and preempts jobs through `context`. Called after every batch of simultaneous events.
  virtual void schedule(SchedulingContext& context) = 0;
  // A time at which the policy wants to be called although no job arrives or ends (e.g. a running job crossing a
  // priority threshold); nullopt for none. Must be later than now.
  virtual std::optional<int64_t> next_wakeup_s(const SchedulingContext& /*context*/) const { return std::nullopt; }
};

struct PolicyOptions {
  // Backfill: how many queued jobs behind the blocked head are tested per pass (Slurm's bf_max_job_test).
  size_t backfill_depth = 500;
  // Multifactor (Slurm's PriorityWeight* and PriorityMaxAge); usage decay is set on the Accounting.
  double weight_age = 1000.0;
  double weight_fairshare = 10000.0;
  double weight_qos = 1000.0;
  int64_t max_age_s = 7 * 86400;
  // Tiresias: queue thresholds on attained service in device-seconds (ascending).
  std::vector<double> tiresias_thresholds_device_s = {3600.0, 36000.0};
  // Gavel: round length; running preemptible jobs are displaced only at round boundaries (Gavel uses 6 min).
  int64_t gavel_round_s = 360;
  // Preemptive policies try at most this many blocked jobs per pass (bounds the victim searches).
  size_t preemption_attempts = 16;
};

std::vector<std::string> policy_names();
Result<std::unique_ptr<Policy>> make_policy(std::string_view name, const PolicyOptions& options);

}  // namespace bitgoeul::npu
