// Slurm's multifactor priority (priority/multifactor plugin) with EASY backfill:
//   priority = PriorityWeightAge × age + PriorityWeightFairshare × fairshare + PriorityWeightQOS × qos
// age = queued time / PriorityMaxAge (capped at 1); fairshare = 2^(−U/S), Slurm's classic formula, with U the
// project's share of all fair-share usage (billed device-seconds decayed with PriorityDecayHalfLife, kept by
// Accounting) and S its normalised shares down the tenant tree; qos = the project's priority (or its nearest
// ancestor's non-zero one) scaled to [0, 1] among tenants. Jobs are ordered by priority (ties: submission) and
// started by the same EASY backfill as `easy`.

#include <algorithm>
#include <cmath>

#include "npu/policies/policy.h"
#include "npu/policies/queue_scan.h"

namespace bitgoeul::npu {
namespace {

class Multifactor final : public Policy {
 public:
  explicit Multifactor(const PolicyOptions& options) : options_(options) {}
  std::string_view name() const override { return "multifactor"; }

  void schedule(SchedulingContext& context) override {
    const Tenants& tenants = context.tenants();
    if (shares_.size() != tenants.size()) prepare(tenants);
    const double total_usage = context.accounting().total_decayed_usage();
    std::vector<std::pair<double, JobIndex>> ranked;
    ranked.reserve(context.waiting().size());
    for (JobIndex job : context.waiting()) {
      const Job& spec = context.jobs()[job];
      const double queued_s = static_cast<double>(context.now_s() - spec.submit_s);
      const double age = std::min(1.0, queued_s / static_cast<double>(std::max<int64_t>(1, options_.max_age_s)));
      const double usage = total_usage > 0.0 ? context.accounting().decayed_usage(spec.tenant) / total_usage : 0.0;
      const double fairshare = shares_[spec.tenant] > 0.0 ? std::exp2(-usage / shares_[spec.tenant]) : 0.0;
      const double priority = options_.weight_age * age + options_.weight_fairshare * fairshare +
                              options_.weight_qos * qos_[spec.tenant];
      ranked.emplace_back(-priority, job);
    }
    std::sort(ranked.begin(), ranked.end());
    order_.clear();
    for (const auto& entry : ranked) order_.push_back(entry.second);
    policy_detail::start_in_order(context, order_, /*backfill=*/true, options_.backfill_depth);
  }

 private:
  void prepare(const Tenants& tenants) {
    shares_.assign(tenants.size(), 0.0);
    qos_.assign(tenants.size(), 0.0);
    std::vector<int64_t> priority(tenants.size(), 0);
    int64_t low = 0;
    int64_t high = 0;
    for (TenantIndex t = 0; t < tenants.size(); ++t) {
      shares_[t] = tenants.normalised_shares(t);
      for (TenantIndex a : tenants.chain(t)) {
        if (tenants.tenants[a].priority != 0) {
          priority[t] = tenants.tenants[a].priority;
          break;
        }
      }
      low = t == 0 ? priority[t] : std::min(low, priority[t]);
      high = t == 0 ? priority[t] : std::max(high, priority[t]);
    }
    for (TenantIndex t = 0; t < tenants.size(); ++t) {
      qos_[t] = high > low ? static_cast<double>(priority[t] - low) / static_cast<double>(high - low) : 0.0;
    }
  }

  PolicyOptions options_;
  std::vector<double> shares_;
  std::vector<double> qos_;
  std::vector<JobIndex> order_;
};

}  // namespace

std::unique_ptr<Policy> make_multifactor_policy(const PolicyOptions& options) {
  return std::make_unique<Multifactor>(options);
}

}  // namespace bitgoeul::npu
