// Tiresias' discretised two-dimensional least-attained-service (Gu et al., "Tiresias: A GPU Cluster Manager for
// Distributed Deep Learning", NSDI 2019). A job's attained service is devices × time run (its "2D" age), which
// needs no knowledge of durations. Thresholds split jobs into queues: a job is in queue i when its attained
// service has passed i thresholds. Lower queues go first, FIFO by submission within a queue; a queued job may
// preempt running preemptible jobs of later queues (or later in its own queue). The policy wakes up when a
// running job crosses its next threshold. Not modelled: the paper's starvation guard (PROMOTE knob) and its
// placement profiling.

#include <algorithm>
#include <cmath>
#include <limits>

#include "npu/policies/policy.h"
#include "npu/policies/queue_scan.h"

namespace bitgoeul::npu {
namespace {

class Tiresias final : public Policy {
 public:
  explicit Tiresias(const PolicyOptions& options)
      : thresholds_(options.tiresias_thresholds_device_s), attempts_(options.preemption_attempts) {
    std::sort(thresholds_.begin(), thresholds_.end());
  }
  std::string_view name() const override { return "tiresias"; }

  void schedule(SchedulingContext& context) override {
    const size_t count = context.jobs().size();
    keys_.resize(count);
    // Key = queue index × count + job index: queue first, then submission order.
    const auto key = [&](JobIndex j) {
      return static_cast<double>(queue_of(context.attained_device_s(j))) * static_cast<double>(count) +
             static_cast<double>(j);
    };
    for (JobIndex j : context.running()) keys_[j] = key(j);
    order_ = context.waiting();
    for (JobIndex j : order_) keys_[j] = key(j);
    std::stable_sort(order_.begin(), order_.end(), [this](JobIndex a, JobIndex b) { return keys_[a] < keys_[b]; });
    policy_detail::start_with_preemption(context, order_, keys_, attempts_);
  }

  std::optional<int64_t> next_wakeup_s(const SchedulingContext& context) const override {
    if (context.waiting().empty()) return std::nullopt;  // demotions matter only when someone waits
    std::optional<int64_t> earliest;
    for (JobIndex j : context.running()) {
      const JobProgress& p = context.progress(j);
      if (p.state != JobState::kRunning) continue;
      const double attained = context.attained_device_s(j);
      const size_t queue = queue_of(attained);
      if (queue >= thresholds_.size()) continue;
      const Job& job = context.jobs()[j];
      const double fraction = static_cast<double>(p.allocation.total_milli()) / kMilliPerDevice;
      (void)job;
      const auto dt = static_cast<int64_t>(std::ceil((thresholds_[queue] - attained) / fraction));
      const int64_t at = context.now_s() + std::max<int64_t>(1, dt);
      if (!earliest || at < *earliest) earliest = at;
    }
    return earliest;
  }

 private:
  size_t queue_of(double attained_device_s) const {
    return static_cast<size_t>(std::upper_bound(thresholds_.begin(), thresholds_.end(), attained_device_s) -
                               thresholds_.begin());
  }

  std::vector<double> thresholds_;
  size_t attempts_;
  std::vector<double> keys_;
  std::vector<JobIndex> order_;
};

}  // namespace

std::unique_ptr<Policy> make_tiresias_policy(const PolicyOptions& options) {
  return std::make_unique<Tiresias>(options);
}

}  // namespace bitgoeul::npu
