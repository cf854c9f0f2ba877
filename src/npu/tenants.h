#pragma once
// Who may use the center, and how much: a hierarchy programme → organisation → project (jobs belong to projects),
// with per-device-type guaranteed quotas (always obtainable: idle guarantee is lent out only to work that can be
// preempted to give it back) and maximum quotas (a hard cap including borrowing), voucher budgets in device-hours
// that use burns, fair-share weights and a priority.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"

namespace bitgoeul::npu {

using TenantIndex = uint32_t;
inline constexpr TenantIndex kNoTenant = std::numeric_limits<TenantIndex>::max();
inline constexpr int64_t kUnlimitedMilli = std::numeric_limits<int64_t>::max();

enum class TenantKind { kProgramme, kOrganisation, kProject };
const char* tenant_kind_name(TenantKind kind);

struct Tenant {
  std::string name;
  TenantKind kind = TenantKind::kProject;
  TenantIndex parent = kNoTenant;
  int64_t priority = 0;  // larger is more important (Slurm's QOS priority)
  double shares = 1.0;   // fair-share weight among siblings (Slurm's RawShares)
  std::vector<int64_t> guaranteed_milli;  // per device type; 0 when none
  std::vector<int64_t> maximum_milli;     // per device type; kUnlimitedMilli when none
  std::optional<double> voucher_device_hours;  // nullopt: not voucher-funded
};

struct Tenants {
  std::vector<Tenant> tenants;  // a parent precedes its children

  std::optional<TenantIndex> find(std::string_view name) const;
  size_t size() const { return tenants.size(); }
  // The tenant and its ancestors, innermost first.
  std::vector<TenantIndex> chain(TenantIndex tenant) const;
  bool is_leaf(TenantIndex tenant) const;
  // Appends a project at the root with no quota limits (used when jobs name tenants no file declared).
  TenantIndex add_unlimited_project(std::string name, size_t device_type_count);
  // This tenant's fraction of the whole center by shares: the product over its chain of shares / siblings' shares.
  double normalised_shares(TenantIndex tenant) const;
};

// Guaranteed ≤ maximum; children's guarantees fit in their parent's; top-level guarantees fit in the cluster.
Status validate(const Tenants& tenants, const Cluster& cluster);

Result<Tenants> parse_tenants(std::string_view toml_text, const std::string& source_name, const Cluster& cluster);
Result<Tenants> load_tenants_file(const std::string& path, const Cluster& cluster);

}  // namespace bitgoeul::npu
