#pragma once
// How trace readers turn tenant names into tenants: either strictly against a tenants file, or creating an
// unlimited project for every new name (when no tenants file is given).

#include <string>
#include <string_view>

#include "core/error.h"
#include "npu/tenants.h"

namespace bitgoeul::npu {

class TenantLookup {
 public:
  // REQUIRES: `tenants` outlives the lookup.
  TenantLookup(Tenants& tenants, size_t device_type_count, bool create_missing)
      : tenants_(&tenants), device_type_count_(device_type_count), create_missing_(create_missing) {}

  // The project named `name`; an error message (without position) when unknown or not a project.
  Result<TenantIndex> resolve(std::string_view name);
  const Tenants& tenants() const { return *tenants_; }

 private:
  Tenants* tenants_;
  size_t device_type_count_;
  bool create_missing_;
};

}  // namespace bitgoeul::npu
