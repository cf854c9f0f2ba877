#include "npu/tenant_lookup.h"

namespace bitgoeul::npu {

Result<TenantIndex> TenantLookup::resolve(std::string_view name) {
  if (name.empty()) return invalid_input("empty tenant name");
  if (const std::optional<TenantIndex> found = tenants_->find(name)) {
    if (!tenants_->is_leaf(*found)) {
      return invalid_input("tenant '{}' is a {}, jobs belong to projects", name,
                           tenant_kind_name(tenants_->tenants[*found].kind));
    }
    return *found;
  }
  if (!create_missing_) return invalid_input("unknown tenant '{}'", name);
  return tenants_->add_unlimited_project(std::string(name), device_type_count_);
}

}  // namespace bitgoeul::npu
