#include "npu_slurm/center_store.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "npu_slurm/job_request.h"

namespace bitgoeul::npu_slurm {
namespace {

// Migration N (1-based) brings the schema from version N-1 to N. Append; never edit a released one.
constexpr const char* kMigrations[] = {
    // 1: registry, tokens, jobs, usage.
    R"sql(
CREATE TABLE device_types (
  name TEXT PRIMARY KEY,
  gres_name TEXT NOT NULL,
  gres_type TEXT NOT NULL,
  billing_weight REAL NOT NULL CHECK (billing_weight >= 0),
  devices INTEGER NOT NULL CHECK (devices >= 0),
  UNIQUE (gres_name, gres_type)
);
CREATE TABLE tenants (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('programme', 'organisation', 'project')),
  parent_id INTEGER REFERENCES tenants(id),
  priority INTEGER NOT NULL,
  shares REAL NOT NULL
);
CREATE TABLE quotas (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  device_type TEXT NOT NULL REFERENCES device_types(name),
  guaranteed_milli INTEGER NOT NULL CHECK (guaranteed_milli >= 0),
  maximum_milli INTEGER CHECK (maximum_milli >= 0),  -- NULL: unlimited
  PRIMARY KEY (tenant_id, device_type)
);
CREATE TABLE vouchers (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id),
  granted_device_hours REAL NOT NULL CHECK (granted_device_hours >= 0),
  burnt_device_hours REAL NOT NULL DEFAULT 0
);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  tenant_id INTEGER REFERENCES tenants(id),  -- NULL: operator
  label TEXT NOT NULL,
  created_s INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  device_type TEXT NOT NULL REFERENCES device_types(name),
  gres_name TEXT NOT NULL,
  gres_type TEXT NOT NULL,
  devices_per_node INTEGER NOT NULL CHECK (devices_per_node > 0),
  nodes INTEGER NOT NULL CHECK (nodes > 0),
  time_limit_s INTEGER NOT NULL CHECK (time_limit_s > 0),
  reserved_device_hours REAL NOT NULL,
  script TEXT NOT NULL,
  submitted_s INTEGER NOT NULL,
  slurm_id INTEGER,  -- not unique: a controller that loses its state reuses ids
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  node_list TEXT NOT NULL DEFAULT '',
  start_s INTEGER,
  end_s INTEGER
);
CREATE INDEX jobs_active ON jobs(state);
CREATE INDEX jobs_slurm_id ON jobs(slurm_id);
CREATE TABLE usage (
  job_id INTEGER PRIMARY KEY REFERENCES jobs(id),
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  device_type TEXT NOT NULL,
  devices INTEGER NOT NULL,
  elapsed_s INTEGER NOT NULL,
  device_hours REAL NOT NULL,
  billed_device_hours REAL NOT NULL,
  start_s INTEGER,
  end_s INTEGER,
  final_state TEXT NOT NULL,
  recorded_s INTEGER NOT NULL
);
)sql",
    // 2: the center's own scheduling: jobs wait held in Slurm until the policy releases them; predicted starts;
    // settings (policy, fair-share half-life).
    R"sql(
ALTER TABLE jobs ADD COLUMN released_s INTEGER;
ALTER TABLE jobs ADD COLUMN planned_nodes TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN eta_submit_s INTEGER;
ALTER TABLE jobs ADD COLUMN eta_s INTEGER;
ALTER TABLE jobs ADD COLUMN queue_position INTEGER;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql",
};
constexpr int kMigrationCount = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
static_assert(kMigrationCount == kSchemaVersion);

// States that no longer hold devices, as stored.
constexpr const char* kActiveStatesSql =
    "('SUBMITTING', 'PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETING')";

Result<npu::TenantKind> parse_kind(const std::string& text) {
  for (npu::TenantKind kind :
       {npu::TenantKind::kProgramme, npu::TenantKind::kOrganisation, npu::TenantKind::kProject}) {
    if (text == npu::tenant_kind_name(kind)) return kind;
  }
  return corrupt("unknown tenant kind '{}' in the store", text);
}

}  // namespace

bool JobRow::active() const {
  return state == kStateSubmitting || (state != kStateRejected && is_active(parse_job_state(state)));
}

std::pair<std::string, std::string> gres_of(const npu::DeviceType& type) {
  std::string lower;
  for (char c : type.name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool gpu = type.vendor == "NVIDIA" || type.resource_name.starts_with("nvidia.com/");
  return {gpu ? "gpu" : "npu", lower};
}

Result<CenterStore> CenterStore::open(const std::string& path, bool create) {
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::open(path, create));
  CenterStore store(std::move(db));
  BITGOEUL_RETURN_IF_ERROR(store.migrate());
  return store;
}

Status CenterStore::migrate() {
  BITGOEUL_RETURN_IF_ERROR(db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, begin());
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement select, db_->prepare("SELECT MAX(version) FROM schema_version"));
  BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
  const int64_t version = row ? select.optional_integer(0).value_or(0) : 0;
  if (version > kSchemaVersion) {
    return unsupported("{}: schema version {} is newer than this bitgoeul's {}; use a newer bitgoeul", path(),
                       version, kSchemaVersion);
  }
  for (int64_t next = version + 1; next <= kSchemaVersion; ++next) {
    Status status = db_->exec(kMigrations[next - 1]);
    if (!status.is_ok()) return io_error("{}: migration to schema {} failed: {}", path(), next, status.message());
    BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement insert, db_->prepare("INSERT INTO schema_version VALUES (?1)"));
    BITGOEUL_RETURN_IF_ERROR(insert.bind(1, next).run());
  }
  BITGOEUL_RETURN_IF_ERROR(transaction.commit());
  schema_version_ = kSchemaVersion;
  return Status::ok();
}

Result<SqliteTransaction> CenterStore::begin() { return SqliteTransaction::begin(*db_); }

Status CenterStore::import_registry(const npu::Cluster& cluster, const npu::Tenants& tenants) {
  for (const npu::Tenant& tenant : tenants.tenants) {
    Status valid = validate_tenant_name(tenant.name);
    if (!valid.is_ok()) return invalid_input("tenants: {}", valid.message());
  }
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, begin());
  const std::vector<uint32_t> devices = cluster.devices_per_type();
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t k = 0; k < cluster.device_types.size(); ++k) {
    const npu::DeviceType& type = cluster.device_types[k];
    const auto gres = gres_of(type);
    if (!seen.insert(gres).second) {
      return invalid_input("cluster: device types map to the same gres {}:{}", gres.first, gres.second);
    }
    BITGOEUL_ASSIGN_OR_RETURN(
        SqliteStatement upsert,
        db_->prepare("INSERT INTO device_types (name, gres_name, gres_type, billing_weight, devices) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET gres_name = ?2, gres_type = ?3, "
                     "billing_weight = ?4, devices = ?5"));
    BITGOEUL_RETURN_IF_ERROR(upsert.bind(1, type.name)
                                 .bind(2, gres.first)
                                 .bind(3, gres.second)
                                 .bind(4, type.billing_weight)
                                 .bind(5, int64_t{devices[k]})
                                 .run());
  }
  std::vector<TenantId> ids(tenants.size(), 0);
  for (size_t t = 0; t < tenants.size(); ++t) {
    const npu::Tenant& tenant = tenants.tenants[t];
    std::optional<TenantId> parent;
    if (tenant.parent != npu::kNoTenant) parent = ids[tenant.parent];
    BITGOEUL_ASSIGN_OR_RETURN(
        SqliteStatement upsert,
        db_->prepare("INSERT INTO tenants (name, kind, parent_id, priority, shares) VALUES (?1, ?2, ?3, ?4, ?5) "
                     "ON CONFLICT (name) DO UPDATE SET kind = ?2, parent_id = ?3, priority = ?4, shares = ?5"));
    BITGOEUL_RETURN_IF_ERROR(upsert.bind(1, tenant.name)
                                 .bind(2, std::string_view(npu::tenant_kind_name(tenant.kind)))
                                 .bind(3, parent)
                                 .bind(4, tenant.priority)
                                 .bind(5, tenant.shares)
                                 .run());
    BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement id, db_->prepare("SELECT id FROM tenants WHERE name = ?1"));
    BITGOEUL_ASSIGN_OR_RETURN(bool found, id.bind(1, tenant.name).step());
    if (!found) return internal_error("tenant '{}' vanished during import", tenant.name);
    ids[t] = id.integer(0);
    BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement clear, db_->prepare("DELETE FROM quotas WHERE tenant_id = ?1"));
    BITGOEUL_RETURN_IF_ERROR(clear.bind(1, ids[t]).run());
    for (size_t k = 0; k < cluster.device_types.size(); ++k) {
      const int64_t guaranteed = tenant.guaranteed_milli[k];
      const int64_t maximum = tenant.maximum_milli[k];
      if (guaranteed == 0 && maximum == npu::kUnlimitedMilli) continue;
      BITGOEUL_ASSIGN_OR_RETURN(
          SqliteStatement quota,
          db_->prepare("INSERT INTO quotas (tenant_id, device_type, guaranteed_milli, maximum_milli) "
                       "VALUES (?1, ?2, ?3, ?4)"));
      std::optional<int64_t> max;
      if (maximum != npu::kUnlimitedMilli) max = maximum;
      BITGOEUL_RETURN_IF_ERROR(
          quota.bind(1, ids[t]).bind(2, cluster.device_types[k].name).bind(3, guaranteed).bind(4, max).run());
    }
    if (tenant.voucher_device_hours) {
      BITGOEUL_ASSIGN_OR_RETURN(
          SqliteStatement voucher,
          db_->prepare("INSERT INTO vouchers (tenant_id, granted_device_hours) VALUES (?1, ?2) "
                       "ON CONFLICT (tenant_id) DO UPDATE SET granted_device_hours = ?2"));
      BITGOEUL_RETURN_IF_ERROR(voucher.bind(1, ids[t]).bind(2, *tenant.voucher_device_hours).run());
    } else {
      BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement drop, db_->prepare("DELETE FROM vouchers WHERE tenant_id = ?1"));
      BITGOEUL_RETURN_IF_ERROR(drop.bind(1, ids[t]).run());
    }
  }
  return transaction.commit();
}

Result<std::vector<DeviceTypeRow>> CenterStore::device_types() {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement select,
      db_->prepare("SELECT name, gres_name, gres_type, billing_weight, devices FROM device_types ORDER BY name"));
  std::vector<DeviceTypeRow> rows;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
    if (!row) break;
    rows.push_back({select.text(0), select.text(1), select.text(2), select.real(3),
                    static_cast<uint32_t>(select.integer(4))});
  }
  return rows;
}

Result<std::vector<TenantRow>> CenterStore::tenants() {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement select,
      db_->prepare("SELECT t.id, t.name, t.kind, t.parent_id, t.priority, t.shares, v.granted_device_hours, "
                   "v.burnt_device_hours FROM tenants t LEFT JOIN vouchers v ON v.tenant_id = t.id ORDER BY t.id"));
  std::vector<TenantRow> rows;
  std::map<TenantId, size_t> index;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
    if (!row) break;
    TenantRow tenant;
    tenant.id = select.integer(0);
    tenant.name = select.text(1);
    BITGOEUL_ASSIGN_OR_RETURN(tenant.kind, parse_kind(select.text(2)));
    tenant.parent = select.optional_integer(3);
    tenant.priority = select.integer(4);
    tenant.shares = select.real(5);
    tenant.voucher_granted_hours = select.optional_real(6);
    tenant.voucher_burnt_hours = select.optional_real(7).value_or(0.0);
    index[tenant.id] = rows.size();
    rows.push_back(std::move(tenant));
  }
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement quotas,
      db_->prepare("SELECT tenant_id, device_type, guaranteed_milli, maximum_milli FROM quotas"));
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool row, quotas.step());
    if (!row) break;
    const auto it = index.find(quotas.integer(0));
    if (it == index.end()) return corrupt("{}: a quota names tenant id {} that does not exist", path(), quotas.integer(0));
    TenantRow& tenant = rows[it->second];
    tenant.guaranteed_milli[quotas.text(1)] = quotas.integer(2);
    if (!quotas.is_null(3)) tenant.maximum_milli[quotas.text(1)] = quotas.integer(3);
  }
  // Parents first: a depth-first order from the roots (ids alone need not give it after re-parenting).
  std::vector<TenantRow> ordered;
  std::vector<bool> placed(rows.size(), false);
  std::function<void(std::optional<TenantId>, int)> visit = [&](std::optional<TenantId> parent, int depth) {
    if (depth > 64) return;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!placed[i] && rows[i].parent == parent) {
        placed[i] = true;
        ordered.push_back(rows[i]);
        visit(rows[i].id, depth + 1);
      }
    }
  };
  visit(std::nullopt, 0);
  if (ordered.size() != rows.size()) return corrupt("{}: the tenant hierarchy has a cycle or a missing parent", path());
  return ordered;
}

Status CenterStore::add_token(const std::string& sha256, std::optional<TenantId> tenant, const std::string& label,
                              int64_t now_s) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db_->prepare("INSERT INTO tokens (sha256, tenant_id, label, created_s) VALUES (?1, ?2, ?3, ?4)"));
  return insert.bind(1, sha256).bind(2, tenant).bind(3, label).bind(4, now_s).run();
}

Result<std::optional<TokenRow>> CenterStore::find_token(const std::string& sha256) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement select,
      db_->prepare("SELECT id, tenant_id, label, revoked, created_s FROM tokens WHERE sha256 = ?1"));
  BITGOEUL_ASSIGN_OR_RETURN(bool row, select.bind(1, sha256).step());
  if (!row) return std::optional<TokenRow>();
  return std::optional<TokenRow>(TokenRow{select.integer(0), select.optional_integer(1), select.text(2),
                                          select.integer(3) != 0, select.integer(4)});
}

Result<int64_t> CenterStore::token_count() {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement select, db_->prepare("SELECT COUNT(*) FROM tokens"));
  BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
  return row ? select.integer(0) : int64_t{0};
}

Result<std::vector<TokenRow>> CenterStore::tokens() {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement select,
                            db_->prepare("SELECT id, tenant_id, label, revoked, created_s FROM tokens ORDER BY id"));
  std::vector<TokenRow> rows;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
    if (!row) break;
    rows.push_back(TokenRow{select.integer(0), select.optional_integer(1), select.text(2), select.integer(3) != 0,
                            select.integer(4)});
  }
  return rows;
}

Status CenterStore::revoke_token(int64_t id) {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement update, db_->prepare("UPDATE tokens SET revoked = 1 WHERE id = ?1"));
  BITGOEUL_RETURN_IF_ERROR(update.bind(1, id).run());
  if (db_->changes() == 0) return not_found("token {}: no such token", id);
  return Status::ok();
}

Result<CenterJobId> CenterStore::insert_job(const NewJob& job) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db_->prepare("INSERT INTO jobs (tenant_id, name, device_type, gres_name, gres_type, devices_per_node, nodes, "
                   "time_limit_s, reserved_device_hours, script, submitted_s, state) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  BITGOEUL_RETURN_IF_ERROR(insert.bind(1, job.tenant)
                               .bind(2, job.name)
                               .bind(3, job.device_type)
                               .bind(4, job.gres.name)
                               .bind(5, job.gres.type)
                               .bind(6, int64_t{job.gres.count})
                               .bind(7, int64_t{job.nodes})
                               .bind(8, job.time_limit_s)
                               .bind(9, job.reserved_device_hours)
                               .bind(10, job.script)
                               .bind(11, job.submitted_s)
                               .bind(12, kStateSubmitting)
                               .run());
  return CenterJobId{db_->last_insert_id()};
}

Result<bool> CenterStore::set_submitted(CenterJobId id, SlurmJobId slurm_id) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db_->prepare("UPDATE jobs SET slurm_id = ?2, state = 'PENDING' "
                   "WHERE id = ?1 AND state = 'SUBMITTING' AND slurm_id IS NULL"));
  BITGOEUL_RETURN_IF_ERROR(update.bind(1, raw(id)).bind(2, static_cast<int64_t>(raw(slurm_id))).run());
  return db_->changes() > 0;
}

Result<bool> CenterStore::set_rejected(CenterJobId id, const std::string& reason) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db_->prepare("UPDATE jobs SET state = 'REJECTED', reason = ?2 "
                   "WHERE id = ?1 AND state = 'SUBMITTING' AND slurm_id IS NULL"));
  BITGOEUL_RETURN_IF_ERROR(update.bind(1, raw(id)).bind(2, reason).run());
  return db_->changes() > 0;
}

Result<bool> CenterStore::update_job(CenterJobId id, const std::string& state, const std::string& reason,
                                     const std::string& node_list, std::optional<int64_t> start_s,
                                     std::optional<int64_t> end_s) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db_->prepare("UPDATE jobs SET state = ?2, reason = ?3, node_list = ?4, start_s = ?5, end_s = ?6 "
                   "WHERE id = ?1 AND state != 'REJECTED' AND NOT EXISTS (SELECT 1 FROM usage WHERE job_id = ?1)"));
  BITGOEUL_RETURN_IF_ERROR(
      update.bind(1, raw(id)).bind(2, state).bind(3, reason).bind(4, node_list).bind(5, start_s).bind(6, end_s).run());
  return db_->changes() > 0;
}

Result<std::vector<JobRow>> CenterStore::select_jobs(const std::string& where, std::optional<int64_t> parameter) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement select,
      db_->prepare("SELECT j.id, j.tenant_id, t.name, j.name, j.device_type, j.gres_name, j.gres_type, "
                   "j.devices_per_node, j.nodes, j.time_limit_s, j.reserved_device_hours, j.submitted_s, j.slurm_id, "
                   "j.state, j.reason, j.node_list, j.start_s, j.end_s, u.job_id IS NOT NULL, j.released_s, "
                   "j.planned_nodes, j.eta_submit_s, j.eta_s, j.queue_position "
                   "FROM jobs j JOIN tenants t ON t.id = j.tenant_id LEFT JOIN usage u ON u.job_id = j.id " +
                   where + " ORDER BY j.id"));
  if (parameter) select.bind(1, *parameter);
  std::vector<JobRow> rows;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
    if (!row) break;
    JobRow job;
    job.id = CenterJobId{select.integer(0)};
    job.tenant = select.integer(1);
    job.tenant_name = select.text(2);
    job.name = select.text(3);
    job.device_type = select.text(4);
    job.gres.name = select.text(5);
    job.gres.type = select.text(6);
    job.gres.count = static_cast<uint32_t>(select.integer(7));
    job.nodes = static_cast<uint32_t>(select.integer(8));
    job.time_limit_s = select.integer(9);
    job.reserved_device_hours = select.real(10);
    job.submitted_s = select.integer(11);
    if (!select.is_null(12)) job.slurm_id = SlurmJobId{static_cast<uint64_t>(select.integer(12))};
    job.state = select.text(13);
    job.reason = select.text(14);
    job.node_list = select.text(15);
    job.start_s = select.optional_integer(16);
    job.end_s = select.optional_integer(17);
    job.charged = select.integer(18) != 0;
    job.released_s = select.optional_integer(19);
    job.planned_nodes = select.text(20);
    job.eta_submit_s = select.optional_integer(21);
    job.eta_s = select.optional_integer(22);
    job.queue_position = select.optional_integer(23);
    rows.push_back(std::move(job));
  }
  return rows;
}

Result<std::vector<JobRow>> CenterStore::jobs(bool active_only) {
  return select_jobs(active_only ? std::string("WHERE j.state IN ") + kActiveStatesSql : std::string(), std::nullopt);
}

Result<std::vector<JobRow>> CenterStore::open_jobs() {
  return select_jobs("WHERE j.state != 'REJECTED' AND u.job_id IS NULL", std::nullopt);
}

Result<std::optional<JobRow>> CenterStore::job(CenterJobId id) {
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<JobRow> rows, select_jobs("WHERE j.id = ?1", raw(id)));
  if (rows.empty()) return std::optional<JobRow>();
  return std::optional<JobRow>(std::move(rows[0]));
}

Result<std::optional<JobRow>> CenterStore::job_by_slurm_id(SlurmJobId id) {
  if (raw(id) > static_cast<uint64_t>(INT64_MAX)) return std::optional<JobRow>();
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<JobRow> rows,
                            select_jobs("WHERE j.slurm_id = ?1", static_cast<int64_t>(raw(id))));
  if (rows.empty()) return std::optional<JobRow>();
  return std::optional<JobRow>(std::move(rows.back()));  // the latest, when a restarted controller reused the id
}

Result<bool> CenterStore::charge(const JobRow& job, const UsageRow& usage,
                                 const std::vector<TenantId>& voucher_tenants) {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, begin());
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db_->prepare("INSERT INTO usage (job_id, tenant_id, device_type, devices, elapsed_s, device_hours, "
                   "billed_device_hours, start_s, end_s, final_state, recorded_s) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (job_id) DO NOTHING"));
  BITGOEUL_RETURN_IF_ERROR(insert.bind(1, raw(job.id))
                               .bind(2, job.tenant)
                               .bind(3, usage.device_type)
                               .bind(4, int64_t{usage.devices})
                               .bind(5, usage.elapsed_s)
                               .bind(6, usage.device_hours)
                               .bind(7, usage.billed_device_hours)
                               .bind(8, usage.start_s)
                               .bind(9, usage.end_s)
                               .bind(10, usage.final_state)
                               .bind(11, usage.recorded_s)
                               .run());
  if (db_->changes() == 0) return false;  // charged before: the transaction rolls back, nothing changes
  for (TenantId tenant : voucher_tenants) {
    BITGOEUL_ASSIGN_OR_RETURN(
        SqliteStatement burn,
        db_->prepare("UPDATE vouchers SET burnt_device_hours = burnt_device_hours + ?2 WHERE tenant_id = ?1"));
    BITGOEUL_RETURN_IF_ERROR(burn.bind(1, tenant).bind(2, usage.billed_device_hours).run());
  }
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db_->prepare("UPDATE jobs SET state = ?2, start_s = ?3, end_s = ?4, reason = '' WHERE id = ?1"));
  BITGOEUL_RETURN_IF_ERROR(
      update.bind(1, raw(job.id)).bind(2, usage.final_state).bind(3, usage.start_s).bind(4, usage.end_s).run());
  BITGOEUL_RETURN_IF_ERROR(transaction.commit());
  return true;
}

// A job still waiting on the center: the condition set_released and set_prediction re-check.
constexpr const char* kWaitingOnCenterSql =
    "state = 'PENDING' AND released_s IS NULL AND NOT EXISTS (SELECT 1 FROM usage WHERE job_id = ?1)";

Result<bool> CenterStore::set_released(CenterJobId id, int64_t now_s, const std::string& nodes) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db_->prepare(std::string("UPDATE jobs SET released_s = ?2, planned_nodes = ?3, queue_position = NULL, "
                               "eta_s = ?2, eta_submit_s = COALESCE(eta_submit_s, ?2) WHERE id = ?1 AND ") +
                   kWaitingOnCenterSql));
  BITGOEUL_RETURN_IF_ERROR(update.bind(1, raw(id)).bind(2, now_s).bind(3, nodes).run());
  return db_->changes() > 0;
}

Result<bool> CenterStore::set_prediction(CenterJobId id, std::optional<int64_t> eta_s,
                                         std::optional<int64_t> position) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db_->prepare(std::string("UPDATE jobs SET eta_s = ?2, queue_position = ?3, "
                               "eta_submit_s = COALESCE(eta_submit_s, ?2) WHERE id = ?1 AND ") +
                   kWaitingOnCenterSql));
  BITGOEUL_RETURN_IF_ERROR(update.bind(1, raw(id)).bind(2, eta_s).bind(3, position).run());
  return db_->changes() > 0;
}

Status CenterStore::set_setting(const std::string& key, const std::string& value) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement upsert,
      db_->prepare("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2"));
  return upsert.bind(1, key).bind(2, value).run();
}

Result<std::optional<std::string>> CenterStore::setting(const std::string& key) {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement select, db_->prepare("SELECT value FROM settings WHERE key = ?1"));
  BITGOEUL_ASSIGN_OR_RETURN(bool row, select.bind(1, key).step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(select.text(0));
}

Result<std::vector<UsageRow>> CenterStore::usage() {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement select,
      db_->prepare("SELECT u.job_id, u.tenant_id, t.name, u.device_type, u.devices, u.elapsed_s, u.device_hours, "
                   "u.billed_device_hours, u.start_s, u.end_s, u.final_state, u.recorded_s "
                   "FROM usage u JOIN tenants t ON t.id = u.tenant_id ORDER BY u.job_id"));
  std::vector<UsageRow> rows;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool row, select.step());
    if (!row) break;
    UsageRow usage;
    usage.job = CenterJobId{select.integer(0)};
    usage.tenant = select.integer(1);
    usage.tenant_name = select.text(2);
    usage.device_type = select.text(3);
    usage.devices = static_cast<uint32_t>(select.integer(4));
    usage.elapsed_s = select.integer(5);
    usage.device_hours = select.real(6);
    usage.billed_device_hours = select.real(7);
    usage.start_s = select.optional_integer(8);
    usage.end_s = select.optional_integer(9);
    usage.final_state = select.text(10);
    usage.recorded_s = select.integer(11);
    rows.push_back(std::move(usage));
  }
  return rows;
}

}  // namespace bitgoeul::npu_slurm
