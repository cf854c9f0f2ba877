#pragma once
// Per-tenant bookkeeping of the center: what each tenant (and, summed up the hierarchy, each organisation and
// programme) holds per device type, quota admission, voucher reservations and burn, and fair-share usage decayed
// with a half-life (Slurm's PriorityDecayHalfLife).
//
// Quota rule. A start is admitted when, for the project and every ancestor, usage + demand ≤ maximum, and —
// unless the job is preemptible — when non-preemptible borrowing stays within unguaranteed capacity: among the
// children of every parent (the top-level tenants under the cluster), Σ max(0, non-preemptible usage − guaranteed)
// ≤ pool − Σ guaranteed, with pool = the parent's guarantee (at least its children's) or the cluster's capacity.
// So idle guarantee is lent only to work that can be preempted to give it back, and every guarantee can always be
// restored by reclaiming preemptible borrowers.
//
// Vouchers. Starting a job reserves, at every voucher-funded tenant of its chain, the device-hours its time limit
// (or, without one, its duration) would burn; stopping it burns what it used and frees the reservation. A start
// whose reservation does not fit the remaining budget is refused, so vouchers never go negative.

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/tenants.h"

namespace bitgoeul::npu {

class Accounting {
 public:
  // REQUIRES: cluster and tenants outlive the accounting and tenants validate against cluster.
  Accounting(const Cluster& cluster, const Tenants& tenants, double half_life_s);

  bool quota_allows(TenantIndex project, DeviceTypeIndex type, int64_t milli, bool preemptible) const;
  bool voucher_allows(TenantIndex project, double device_hours) const;

  // `rate` is billed device-hours per hour (billing weight × devices).
  void on_start(TenantIndex project, DeviceTypeIndex type, int64_t milli, bool preemptible, double reserved_hours,
                double rate);
  void on_stop(TenantIndex project, DeviceTypeIndex type, int64_t milli, bool preemptible, double reserved_hours,
               double rate, double burnt_hours);

  // Decays fair-share usage to `now_s` and adds what running jobs used since the last call.
  void advance(int64_t now_s);
  double decayed_usage(TenantIndex tenant) const { return decayed_usage_[tenant]; }
  // Adds fair-share usage (billed device-seconds, already decayed to the last advance) to `project` and its
  // ancestors: usage recorded before this accounting began (the live center's charged history).
  void add_decayed_usage(TenantIndex project, double billed_device_s);
  double total_decayed_usage() const;

  int64_t usage_milli(TenantIndex tenant, DeviceTypeIndex type) const { return usage_[index(tenant, type)]; }
  double voucher_burnt_hours(TenantIndex tenant) const { return burnt_hours_[tenant]; }
  double voucher_reserved_hours(TenantIndex tenant) const { return reserved_hours_[tenant]; }
  // Budget minus burnt and reserved; +inf when the tenant has no voucher.
  double voucher_available_hours(TenantIndex tenant) const;

  // Maximum quotas, non-preemptible borrowing within unguaranteed capacity, vouchers never negative, and usage
  // equal to the sum of the children's.
  Status check_invariants() const;

 private:
  size_t index(TenantIndex tenant, DeviceTypeIndex type) const { return tenant * type_count_ + type; }
  int64_t pool_milli(TenantIndex parent, DeviceTypeIndex type) const;
  bool borrowing_ok(TenantIndex tenant, DeviceTypeIndex type, int64_t extra_milli) const;

  const Cluster* cluster_;
  const Tenants* tenants_;
  size_t type_count_;
  double half_life_s_;
  std::vector<int64_t> capacity_milli_;
  std::vector<std::vector<TenantIndex>> children_;  // index tenants.size() = the top level
  std::vector<std::vector<TenantIndex>> chains_;
  std::vector<int64_t> usage_;
  std::vector<int64_t> np_usage_;  // non-preemptible part
  std::vector<double> burnt_hours_;
  std::vector<double> reserved_hours_;
  std::vector<double> rate_;  // billed device-hours per hour, per tenant (summed up the chain)
  std::vector<double> decayed_usage_;
  int64_t last_advance_s_ = 0;
};

}  // namespace bitgoeul::npu
