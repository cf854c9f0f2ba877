// Dominant resource fairness (Ghodsi et al., "Dominant Resource Fairness: Fair Allocation of Multiple Resource
// Types", NSDI 2011), with device types as the resources: a project's dominant share is its largest fraction of
// any device type's capacity, divided by its normalised shares (weighted DRF). Progressive filling: repeatedly
// start the next job (in submission order, skipping jobs that do not fit) of the project with the lowest
// dominant share, until no project can start anything.

#include <algorithm>

#include "npu/policies/policy.h"

namespace bitgoeul::npu {
namespace {

class Drf final : public Policy {
 public:
  explicit Drf(const PolicyOptions& options) : depth_(options.backfill_depth) {}
  std::string_view name() const override { return "drf"; }

  void schedule(SchedulingContext& context) override {
    const Tenants& tenants = context.tenants();
    const Cluster& cluster = context.cluster();
    if (capacity_.empty()) {
      for (uint32_t devices : cluster.devices_per_type()) capacity_.push_back(double(devices) * kMilliPerDevice);
      for (TenantIndex t = 0; t < tenants.size(); ++t) weight_.push_back(tenants.normalised_shares(t));
    }
    std::vector<std::vector<JobIndex>> queues(tenants.size());
    for (JobIndex job : context.waiting()) queues[context.jobs()[job].tenant].push_back(job);
    std::vector<TenantIndex> active;
    for (TenantIndex t = 0; t < tenants.size(); ++t) {
      if (!queues[t].empty()) active.push_back(t);
    }
    while (!active.empty()) {
      std::vector<std::pair<double, TenantIndex>> by_share;
      for (TenantIndex t : active) by_share.emplace_back(dominant_share(context, t), t);
      std::sort(by_share.begin(), by_share.end());
      bool started = false;
      for (const auto& [share, tenant] : by_share) {
        size_t tested = 0;
        for (JobIndex job : queues[tenant]) {
          if (context.progress(job).state != JobState::kWaiting) continue;
          if (++tested > depth_) break;
          if (std::optional<Plan> plan = context.plan(job, context.state(), nullptr, true)) {
            context.start(job, *plan);
            started = true;
            break;
          }
        }
        if (started) break;
        std::erase(active, tenant);  // nothing of this project fits now
      }
      if (!started) break;
    }
  }

 private:
  double dominant_share(const SchedulingContext& context, TenantIndex tenant) const {
    double share = 0.0;
    for (DeviceTypeIndex k = 0; k < capacity_.size(); ++k) {
      share = std::max(share, static_cast<double>(context.accounting().usage_milli(tenant, k)) / capacity_[k]);
    }
    return weight_[tenant] > 0.0 ? share / weight_[tenant] : share;
  }

  size_t depth_;
  std::vector<double> capacity_;
  std::vector<double> weight_;
};

}  // namespace

std::unique_ptr<Policy> make_drf_policy(const PolicyOptions& options) { return std::make_unique<Drf>(options); }

}  // namespace bitgoeul::npu
