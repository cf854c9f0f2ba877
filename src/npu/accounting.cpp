#include "npu/accounting.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bitgoeul::npu {
namespace {
constexpr double kVoucherSlackHours = 1e-9;  // float tolerance on budgets
}

Accounting::Accounting(const Cluster& cluster, const Tenants& tenants, double half_life_s)
    : cluster_(&cluster),
      tenants_(&tenants),
      type_count_(cluster.device_types.size()),
      half_life_s_(half_life_s),
      children_(tenants.size() + 1),
      chains_(tenants.size()),
      usage_(tenants.size() * type_count_, 0),
      np_usage_(tenants.size() * type_count_, 0),
      burnt_hours_(tenants.size(), 0.0),
      reserved_hours_(tenants.size(), 0.0),
      rate_(tenants.size(), 0.0),
      decayed_usage_(tenants.size(), 0.0) {
  for (uint32_t devices : cluster.devices_per_type()) capacity_milli_.push_back(int64_t{devices} * kMilliPerDevice);
  for (TenantIndex t = 0; t < tenants.size(); ++t) {
    const TenantIndex parent = tenants.tenants[t].parent;
    children_[parent == kNoTenant ? tenants.size() : parent].push_back(t);
    chains_[t] = tenants.chain(t);
  }
}

int64_t Accounting::pool_milli(TenantIndex parent, DeviceTypeIndex type) const {
  if (parent == kNoTenant) return capacity_milli_[type];
  int64_t children = 0;
  for (TenantIndex c : children_[parent]) children += tenants_->tenants[c].guaranteed_milli[type];
  return std::max(tenants_->tenants[parent].guaranteed_milli[type], children);
}

bool Accounting::borrowing_ok(TenantIndex tenant, DeviceTypeIndex type, int64_t extra_milli) const {
  const TenantIndex parent = tenants_->tenants[tenant].parent;
  const std::vector<TenantIndex>& siblings = children_[parent == kNoTenant ? tenants_->size() : parent];
  int64_t guaranteed = 0;
  int64_t borrowed = 0;
  for (TenantIndex s : siblings) {
    const int64_t g = tenants_->tenants[s].guaranteed_milli[type];
    const int64_t np = np_usage_[index(s, type)] + (s == tenant ? extra_milli : 0);
    guaranteed += g;
    borrowed += std::max<int64_t>(0, np - g);
  }
  // Without guarantees among these siblings there is nothing to protect (and capacity is placement's concern).
  return guaranteed == 0 || borrowed <= pool_milli(parent, type) - guaranteed;
}

bool Accounting::quota_allows(TenantIndex project, DeviceTypeIndex type, int64_t milli, bool preemptible) const {
  for (TenantIndex t : chains_[project]) {
    if (usage_[index(t, type)] + milli > tenants_->tenants[t].maximum_milli[type]) return false;
    if (!preemptible && !borrowing_ok(t, type, milli)) return false;
  }
  return true;
}

double Accounting::voucher_available_hours(TenantIndex tenant) const {
  const std::optional<double>& budget = tenants_->tenants[tenant].voucher_device_hours;
  if (!budget) return std::numeric_limits<double>::infinity();
  return *budget - burnt_hours_[tenant] - reserved_hours_[tenant];
}

bool Accounting::voucher_allows(TenantIndex project, double device_hours) const {
  for (TenantIndex t : chains_[project]) {
    if (device_hours > voucher_available_hours(t) + kVoucherSlackHours) return false;
  }
  return true;
}

void Accounting::on_start(TenantIndex project, DeviceTypeIndex type, int64_t milli, bool preemptible,
                          double reserved_hours, double rate) {
  for (TenantIndex t : chains_[project]) {
    usage_[index(t, type)] += milli;
    if (!preemptible) np_usage_[index(t, type)] += milli;
    if (tenants_->tenants[t].voucher_device_hours) reserved_hours_[t] += reserved_hours;
    rate_[t] += rate;
  }
}

void Accounting::on_stop(TenantIndex project, DeviceTypeIndex type, int64_t milli, bool preemptible,
                         double reserved_hours, double rate, double burnt_hours) {
  for (TenantIndex t : chains_[project]) {
    usage_[index(t, type)] -= milli;
    if (!preemptible) np_usage_[index(t, type)] -= milli;
    if (tenants_->tenants[t].voucher_device_hours) {
      reserved_hours_[t] = std::max(0.0, reserved_hours_[t] - reserved_hours);
    }
    burnt_hours_[t] += burnt_hours;
    rate_[t] = std::max(0.0, rate_[t] - rate);
  }
}

void Accounting::advance(int64_t now_s) {
  if (now_s <= last_advance_s_) return;
  const double dt = static_cast<double>(now_s - last_advance_s_);
  const double decay = half_life_s_ > 0.0 ? std::exp2(-dt / half_life_s_) : 1.0;
  const double mid_decay = half_life_s_ > 0.0 ? std::exp2(-dt / (2.0 * half_life_s_)) : 1.0;
  for (TenantIndex t = 0; t < decayed_usage_.size(); ++t) {
    // Usage in billed device-seconds; what ran during the interval is decayed from its midpoint.
    decayed_usage_[t] = decayed_usage_[t] * decay + rate_[t] * dt * mid_decay;
  }
  last_advance_s_ = now_s;
}

void Accounting::add_decayed_usage(TenantIndex project, double billed_device_s) {
  for (TenantIndex t : chains_[project]) decayed_usage_[t] += billed_device_s;
}

double Accounting::total_decayed_usage() const {
  double total = 0.0;
  for (TenantIndex t : children_[tenants_->size()]) total += decayed_usage_[t];
  return total;
}

Status Accounting::check_invariants() const {
  for (TenantIndex t = 0; t < tenants_->size(); ++t) {
    const Tenant& tenant = tenants_->tenants[t];
    for (DeviceTypeIndex k = 0; k < type_count_; ++k) {
      const int64_t used = usage_[index(t, k)];
      if (used < 0 || np_usage_[index(t, k)] < 0 || np_usage_[index(t, k)] > used) {
        return internal_error("tenant '{}': negative usage of {}", tenant.name, cluster_->device_types[k].name);
      }
      if (used > tenant.maximum_milli[k]) {
        return internal_error("tenant '{}' holds {} milli of {}, above its maximum {}", tenant.name, used,
                              cluster_->device_types[k].name, tenant.maximum_milli[k]);
      }
      if (!children_[t].empty()) {
        int64_t sum = 0;
        for (TenantIndex c : children_[t]) sum += usage_[index(c, k)];
        if (sum != used) return internal_error("tenant '{}': usage {} != children's {}", tenant.name, used, sum);
      }
      if (!borrowing_ok(t, k, 0)) {
        return internal_error("guaranteed quota at risk: non-preemptible borrowing of {} among '{}' and its "
                              "siblings exceeds unguaranteed capacity",
                              cluster_->device_types[k].name, tenant.name);
      }
    }
    if (tenant.voucher_device_hours &&
        burnt_hours_[t] + reserved_hours_[t] > *tenant.voucher_device_hours + 1e-6) {
      return internal_error("tenant '{}': voucher overdrawn ({:.6f} burnt + {:.6f} reserved > {:.6f})", tenant.name,
                            burnt_hours_[t], reserved_hours_[t], *tenant.voucher_device_hours);
    }
  }
  return Status::ok();
}

}  // namespace bitgoeul::npu
