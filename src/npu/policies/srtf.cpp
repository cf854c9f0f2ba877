// Shortest expected remaining time first. A job's remaining time is predicted from what the scheduler knows —
// its time limit (the user's estimate; its duration when it has none) minus the work it has done — never from
// its actual duration. Queued jobs start shortest first; a job that does not fit may preempt running
// preemptible jobs with a longer expected remaining time (preemptive SRTF, as in the SRTF baselines of the
// Tiresias and Gandiva papers), which restart later from their checkpoint.

#include <algorithm>

#include "npu/policies/policy.h"
#include "npu/policies/queue_scan.h"

namespace bitgoeul::npu {
namespace {

class Srtf final : public Policy {
 public:
  explicit Srtf(const PolicyOptions& options) : attempts_(options.preemption_attempts) {}
  std::string_view name() const override { return "srtf"; }

  void schedule(SchedulingContext& context) override {
    const std::vector<Job>& jobs = context.jobs();
    keys_.resize(jobs.size());
    const auto remaining = [&](JobIndex j) {
      const JobProgress& p = context.progress(j);
      double done = p.work_done_s;
      if (p.state == JobState::kRunning) {
        done += static_cast<double>(std::max<int64_t>(0, context.now_s() - p.run_from_s)) * jobs[j].options[p.option].speed;
      }
      return std::max(0.0, static_cast<double>(jobs[j].estimate_s()) - done);
    };
    for (JobIndex j : context.running()) keys_[j] = remaining(j);
    order_ = context.waiting();
    for (JobIndex j : order_) keys_[j] = remaining(j);
    std::stable_sort(order_.begin(), order_.end(), [this](JobIndex a, JobIndex b) { return keys_[a] < keys_[b]; });
    policy_detail::start_with_preemption(context, order_, keys_, attempts_);
  }

 private:
  size_t attempts_;
  std::vector<double> keys_;
  std::vector<JobIndex> order_;
};

}  // namespace

std::unique_ptr<Policy> make_srtf_policy(const PolicyOptions& options) { return std::make_unique<Srtf>(options); }

}  // namespace bitgoeul::npu
