#include "npu/quota_reclaim.h"

#include <algorithm>
#include <tuple>

namespace bitgoeul::npu {
namespace {

bool any_guarantee(const Tenants& tenants) {
  for (const Tenant& tenant : tenants.tenants) {
    for (const int64_t g : tenant.guaranteed_milli) {
      if (g > 0) return true;
    }
  }
  return false;
}

bool contains(const std::vector<TenantIndex>& chain, TenantIndex tenant) {
  return std::find(chain.begin(), chain.end(), tenant) != chain.end();
}

// R's side of the divergence from A: the tenant of R's chain (innermost first) whose parent is the lowest common
// ancestor of A and R, or the cluster. REQUIRES: A is not in R's chain.
TenantIndex divergence(const Tenants& tenants, const std::vector<TenantIndex>& chain_r,
                       const std::vector<TenantIndex>& chain_a) {
  for (const TenantIndex t : chain_r) {
    const TenantIndex parent = tenants.tenants[t].parent;
    if (parent == kNoTenant || contains(chain_a, parent)) return t;
  }
  return chain_r.back();
}

// Tries to start `job` by reclaiming option `option`'s type; true when it started.
bool reclaim_for(SchedulingContext& context, JobIndex job, uint32_t option, size_t& preempted) {
  const Job& spec = context.jobs()[job];
  const Tenants& tenants = context.tenants();
  const Accounting& accounting = context.accounting();
  const DeviceTypeIndex type = spec.options[option].type;
  const std::optional<uint32_t> milli =
      spec.is_fractional() ? granted_milli(context.cluster().device_types[type], spec.share_milli)
                           : std::optional<uint32_t>(kMilliPerDevice);
  if (!milli) return false;
  const int64_t demand = int64_t{*milli} * spec.device_count;
  const std::vector<TenantIndex> chain_p = tenants.chain(spec.tenant);
  TenantIndex holder = kNoTenant;
  for (const TenantIndex t : chain_p) {
    const int64_t guaranteed = tenants.tenants[t].guaranteed_milli[type];
    if (guaranteed > 0 && accounting.usage_milli(t, type) + demand <= guaranteed) {
      holder = t;
      break;
    }
  }
  if (holder == kNoTenant) return false;
  const std::vector<TenantIndex> chain_a = tenants.chain(holder);

  struct Candidate {
    JobIndex job;
    TenantIndex side;  // C: R's side of the divergence
  };
  std::vector<Candidate> candidates;
  for (const JobIndex r : context.running()) {
    const JobProgress& p = context.progress(r);
    const Job& running = context.jobs()[r];
    if (p.state != JobState::kRunning || !running.preemptible || p.allocation.type != type) continue;
    const std::vector<TenantIndex> chain_r = tenants.chain(running.tenant);
    if (contains(chain_r, holder)) continue;  // inside A's subtree: A's own use, not borrowing from it
    const TenantIndex side = divergence(tenants, chain_r, chain_a);
    if (accounting.usage_milli(side, type) > tenants.tenants[side].guaranteed_milli[type]) {
      candidates.push_back({r, side});
    }
  }
  if (candidates.empty()) return false;
  std::sort(candidates.begin(), candidates.end(), [&context](const Candidate& a, const Candidate& b) {
    return std::make_tuple(context.progress(a.job).attempt_start_s, a.job) >
           std::make_tuple(context.progress(b.job).attempt_start_s, b.job);
  });

  ClusterState future = context.state();
  std::vector<std::pair<TenantIndex, int64_t>> released;  // per side: thousandths taken back so far
  std::vector<JobIndex> victims;
  bool fits = false;
  for (const Candidate& candidate : candidates) {
    auto entry = std::find_if(released.begin(), released.end(),
                              [&candidate](const auto& e) { return e.first == candidate.side; });
    if (entry == released.end()) {
      released.emplace_back(candidate.side, 0);
      entry = released.end() - 1;
    }
    const int64_t over = accounting.usage_milli(candidate.side, type) - entry->second -
                         tenants.tenants[candidate.side].guaranteed_milli[type];
    if (over <= 0) continue;  // C is back within its guarantee: the rest of its jobs are not borrowing
    const Allocation& allocation = context.progress(candidate.job).allocation;
    future.release(allocation);
    entry->second += allocation.total_milli();
    victims.push_back(candidate.job);
    const std::optional<Plan> plan = context.plan(job, future, nullptr, /*check_admission=*/false);
    if (plan && plan->allocation.type == type) {
      fits = true;
      break;
    }
  }
  if (!fits) return false;
  for (const JobIndex victim : victims) context.preempt(victim);
  preempted += victims.size();
  if (const std::optional<Plan> plan = context.plan(job, context.state(), nullptr, /*check_admission=*/true)) {
    context.start(job, *plan);
    return true;
  }
  return false;
}

}  // namespace

size_t reclaim_guarantees(SchedulingContext& context, size_t max_jobs) {
  if (context.waiting().empty() || !any_guarantee(context.tenants())) return 0;
  size_t preempted = 0;
  size_t tried = 0;
  // A copy: starting jobs does not change the list during the pass, but be safe against implementations.
  const std::vector<JobIndex> waiting = context.waiting();
  for (const JobIndex job : waiting) {
    if (tried >= max_jobs) break;
    if (context.progress(job).state != JobState::kWaiting) continue;
    if (!context.admissible(job)) continue;
    if (context.plan(job, context.state(), nullptr, /*check_admission=*/true)) continue;  // fits in free devices
    ++tried;
    for (uint32_t option = 0; option < context.jobs()[job].options.size(); ++option) {
      if (reclaim_for(context, job, option, preempted)) break;
    }
  }
  return preempted;
}

}  // namespace bitgoeul::npu
