#include "npu/tenants.h"

#include <cmath>

#include "core/config_reader.h"

namespace bitgoeul::npu {

const char* tenant_kind_name(TenantKind kind) {
  switch (kind) {
    case TenantKind::kProgramme: return "programme";
    case TenantKind::kOrganisation: return "organisation";
    case TenantKind::kProject: return "project";
  }
  return "?";
}

std::optional<TenantIndex> Tenants::find(std::string_view name) const {
  for (TenantIndex i = 0; i < tenants.size(); ++i) {
    if (tenants[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<TenantIndex> Tenants::chain(TenantIndex tenant) const {
  std::vector<TenantIndex> out;
  for (TenantIndex t = tenant; t != kNoTenant; t = tenants[t].parent) out.push_back(t);
  return out;
}

bool Tenants::is_leaf(TenantIndex tenant) const {
  for (const Tenant& other : tenants) {
    if (other.parent == tenant) return false;
  }
  return true;
}

TenantIndex Tenants::add_unlimited_project(std::string name, size_t device_type_count) {
  Tenant tenant;
  tenant.name = std::move(name);
  tenant.guaranteed_milli.assign(device_type_count, 0);
  tenant.maximum_milli.assign(device_type_count, kUnlimitedMilli);
  tenants.push_back(std::move(tenant));
  return static_cast<TenantIndex>(tenants.size() - 1);
}

double Tenants::normalised_shares(TenantIndex tenant) const {
  double fraction = 1.0;
  for (TenantIndex t : chain(tenant)) {
    double siblings = 0.0;
    for (const Tenant& other : tenants) {
      if (other.parent == tenants[t].parent) siblings += other.shares;
    }
    fraction *= siblings > 0.0 ? tenants[t].shares / siblings : 0.0;
  }
  return fraction;
}

Status validate(const Tenants& tenants, const Cluster& cluster) {
  const std::vector<uint32_t> capacity = cluster.devices_per_type();
  const size_t types = cluster.device_types.size();
  for (TenantIndex t = 0; t < tenants.size(); ++t) {
    const Tenant& tenant = tenants.tenants[t];
    if (tenant.guaranteed_milli.size() != types || tenant.maximum_milli.size() != types) {
      return internal_error("tenant '{}': quota vectors do not match the device types", tenant.name);
    }
    for (size_t k = 0; k < types; ++k) {
      if (tenant.guaranteed_milli[k] > tenant.maximum_milli[k]) {
        return invalid_input("tenant '{}': guaranteed {} exceeds its maximum", tenant.name,
                             cluster.device_types[k].name);
      }
      int64_t children = 0;
      for (const Tenant& child : tenants.tenants) {
        if (child.parent == t) children += child.guaranteed_milli[k];
      }
      if (children > tenant.guaranteed_milli[k] && tenant.guaranteed_milli[k] > 0) {
        return invalid_input("tenant '{}': its children's guaranteed {} ({:.3f} devices) exceed its own ({:.3f})",
                             tenant.name, cluster.device_types[k].name, children / 1000.0,
                             tenant.guaranteed_milli[k] / 1000.0);
      }
    }
  }
  for (size_t k = 0; k < types; ++k) {
    int64_t top = 0;
    for (const Tenant& tenant : tenants.tenants) {
      if (tenant.parent == kNoTenant) top += tenant.guaranteed_milli[k];
    }
    if (top > static_cast<int64_t>(capacity[k]) * kMilliPerDevice) {
      return invalid_input("guaranteed {} quotas ({:.3f} devices) exceed the cluster's {} devices",
                           cluster.device_types[k].name, top / 1000.0, capacity[k]);
    }
  }
  return Status::ok();
}

namespace {

Status parse_quota(ConfigReader& reader, std::string_view key, const Cluster& cluster, std::vector<int64_t>& out) {
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> table, reader.table_or_none(key));
  if (!table) return Status::ok();
  for (const auto& [type_name, value] : table->entries()) {
    const std::optional<DeviceTypeIndex> type = cluster.find_type(type_name);
    if (!type) return table->error(type_name, fmt::format("unknown device type '{}'", type_name));
    double devices = 0.0;
    if (value->kind == ConfigValue::Kind::kInteger) {
      devices = static_cast<double>(value->integer_value);
    } else if (value->kind == ConfigValue::Kind::kFloat) {
      devices = value->float_value;
    } else {
      return table->error(type_name, fmt::format("expected a number of devices, got {}",
                                                  config_kind_name(value->kind)));
    }
    if (!(devices >= 0.0) || devices > 1e9) return table->error(type_name, "must be a non-negative device count");
    out[*type] = std::llround(devices * kMilliPerDevice);
  }
  return Status::ok();
}

Result<TenantKind> parse_kind(ConfigReader& reader) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string kind, reader.string("kind"));
  if (kind == "programme" || kind == "program") return TenantKind::kProgramme;
  if (kind == "organisation" || kind == "organization") return TenantKind::kOrganisation;
  if (kind == "project") return TenantKind::kProject;
  return reader.error("kind", fmt::format("unknown kind '{}' (expected programme, organisation or project)", kind));
}

}  // namespace

Result<Tenants> parse_tenants(std::string_view toml_text, const std::string& source_name, const Cluster& cluster) {
  BITGOEUL_ASSIGN_OR_RETURN(ConfigValue root, parse_toml(toml_text, source_name));
  ConfigReader reader(root, source_name, "");
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<ConfigReader> entries, reader.tables_or_empty("tenants"));
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  if (entries.empty()) return reader.error({}, "missing [[tenants]]");
  const size_t types = cluster.device_types.size();
  Tenants tenants;
  for (ConfigReader& entry : entries) {
    Tenant tenant;
    BITGOEUL_ASSIGN_OR_RETURN(tenant.name, entry.string("name"));
    if (tenants.find(tenant.name)) return entry.error("name", fmt::format("tenant '{}' declared twice", tenant.name));
    BITGOEUL_ASSIGN_OR_RETURN(tenant.kind, parse_kind(entry));
    BITGOEUL_ASSIGN_OR_RETURN(std::string parent, entry.string_or("parent", ""));
    if (parent.empty()) {
      if (tenant.kind != TenantKind::kProgramme) return entry.error("kind", "only a programme may have no parent");
    } else {
      const std::optional<TenantIndex> parent_index = tenants.find(parent);
      if (!parent_index) {
        return entry.error("parent", fmt::format("unknown parent '{}' (parents must be declared first)", parent));
      }
      const TenantKind parent_kind = tenants.tenants[*parent_index].kind;
      const bool ok = (tenant.kind == TenantKind::kOrganisation && parent_kind == TenantKind::kProgramme) ||
                      (tenant.kind == TenantKind::kProject && parent_kind == TenantKind::kOrganisation);
      if (!ok) {
        return entry.error("parent", fmt::format("a {} cannot belong to a {}", tenant_kind_name(tenant.kind),
                                                 tenant_kind_name(parent_kind)));
      }
      tenant.parent = *parent_index;
    }
    BITGOEUL_ASSIGN_OR_RETURN(tenant.priority, entry.integer_or("priority", 0));
    BITGOEUL_ASSIGN_OR_RETURN(tenant.shares, entry.number_or("shares", 1.0));
    if (!(tenant.shares > 0.0)) return entry.error("shares", "must be positive");
    if (entry.has("voucher_device_hours")) {
      BITGOEUL_ASSIGN_OR_RETURN(double hours, entry.number("voucher_device_hours"));
      if (!(hours >= 0.0)) return entry.error("voucher_device_hours", "must not be negative");
      tenant.voucher_device_hours = hours;
    }
    tenant.guaranteed_milli.assign(types, 0);
    tenant.maximum_milli.assign(types, kUnlimitedMilli);
    BITGOEUL_RETURN_IF_ERROR(parse_quota(entry, "guaranteed", cluster, tenant.guaranteed_milli));
    BITGOEUL_RETURN_IF_ERROR(parse_quota(entry, "maximum", cluster, tenant.maximum_milli));
    for (size_t k = 0; k < types; ++k) {
      if (tenant.guaranteed_milli[k] > tenant.maximum_milli[k]) {
        return entry.error("guaranteed", fmt::format("guaranteed {} exceeds the maximum", cluster.device_types[k].name));
      }
    }
    BITGOEUL_RETURN_IF_ERROR(entry.finish());
    tenants.tenants.push_back(std::move(tenant));
  }
  const Status status = validate(tenants, cluster);
  if (!status.is_ok()) return invalid_input("{}: {}", source_name, status.message());
  return tenants;
}

Result<Tenants> load_tenants_file(const std::string& path, const Cluster& cluster) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return parse_tenants(text, path, cluster);
}

}  // namespace bitgoeul::npu
