#include "npu_slurm/center.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "npu/accounting.h"
#include "npu/cluster.h"
#include "npu/tenants.h"
#include "npu_slurm/job_request.h"
#include "core/token.h"

namespace bitgoeul::npu_slurm {
namespace {

constexpr double kHourS = 3600.0;

std::string device_count_text(int64_t milli) {
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  return fmt::format("{:.3f}", static_cast<double>(milli) / 1000.0);
}

// The registry and the jobs that hold devices or voucher-hours, replayed into npu::Accounting: the simulator's
// quota and voucher rules decide admission here too.
class Ledger {
 public:
  static Result<std::unique_ptr<Ledger>> build(std::vector<DeviceTypeRow> types, std::vector<TenantRow> rows,
                                               const std::vector<JobRow>& jobs) {
    auto ledger = std::unique_ptr<Ledger>(new Ledger());
    ledger->types_ = std::move(types);
    ledger->rows_ = std::move(rows);
    npu::Cluster& cluster = ledger->cluster_;
    cluster.name = "center";
    for (size_t k = 0; k < ledger->types_.size(); ++k) {
      npu::DeviceType type;
      type.name = ledger->types_[k].name;
      type.billing_weight = ledger->types_[k].billing_weight;
      cluster.device_types.push_back(type);
    }
    for (size_t k = 0; k < ledger->types_.size(); ++k) {
      if (ledger->types_[k].devices > 0) {
        cluster.add_node(ledger->types_[k].name, static_cast<npu::DeviceTypeIndex>(k), "center",
                         ledger->types_[k].devices);
      }
    }
    for (size_t t = 0; t < ledger->rows_.size(); ++t) {
      const TenantRow& row = ledger->rows_[t];
      ledger->index_[row.id] = static_cast<npu::TenantIndex>(t);
      npu::Tenant tenant;
      tenant.name = row.name;
      tenant.kind = row.kind;
      tenant.parent = row.parent ? ledger->index_.at(*row.parent) : npu::kNoTenant;
      tenant.priority = row.priority;
      tenant.shares = row.shares;
      tenant.guaranteed_milli.assign(ledger->types_.size(), 0);
      tenant.maximum_milli.assign(ledger->types_.size(), npu::kUnlimitedMilli);
      for (size_t k = 0; k < ledger->types_.size(); ++k) {
        const auto g = row.guaranteed_milli.find(ledger->types_[k].name);
        if (g != row.guaranteed_milli.end()) tenant.guaranteed_milli[k] = g->second;
        const auto m = row.maximum_milli.find(ledger->types_[k].name);
        if (m != row.maximum_milli.end()) tenant.maximum_milli[k] = m->second;
      }
      // The budget left after what is already burnt; reservations of live jobs are replayed below.
      if (row.voucher_granted_hours) tenant.voucher_device_hours = *row.voucher_granted_hours - row.voucher_burnt_hours;
      ledger->tenants_.tenants.push_back(std::move(tenant));
    }
    ledger->accounting_ = std::make_unique<npu::Accounting>(ledger->cluster_, ledger->tenants_, 0.0);
    for (const JobRow& job : jobs) {
      if (job.state == kStateRejected || job.charged) continue;
      const auto tenant = ledger->index_.find(job.tenant);
      const std::optional<size_t> type = ledger->type_index(job.device_type);
      if (tenant == ledger->index_.end() || !type) {
        return corrupt("job {} names tenant id {} or device type '{}' missing from the registry", raw(job.id),
                       job.tenant, job.device_type);
      }
      // Active jobs hold devices; ended jobs not charged yet still hold their voucher reservation.
      const int64_t milli = job.active() ? int64_t{job.devices()} * npu::kMilliPerDevice : 0;
      ledger->accounting_->on_start(tenant->second, static_cast<npu::DeviceTypeIndex>(*type), milli, true,
                                    job.reserved_device_hours, 0.0);
    }
    return ledger;
  }

  std::optional<size_t> type_index(std::string_view name) const {
    for (size_t k = 0; k < types_.size(); ++k) {
      if (types_[k].name == name) return k;
    }
    return std::nullopt;
  }
  npu::TenantIndex index(TenantId id) const { return index_.at(id); }
  const TenantRow& row(npu::TenantIndex t) const { return rows_[t]; }
  const npu::Tenants& tenants() const { return tenants_; }
  const npu::Accounting& accounting() const { return *accounting_; }
  const std::vector<DeviceTypeRow>& types() const { return types_; }

  // Ok, or why `milli` more of `type` for `project` breaks a maximum quota on its chain.
  Status check_quota(npu::TenantIndex project, size_t type, int64_t milli) const {
    if (accounting_->quota_allows(project, static_cast<npu::DeviceTypeIndex>(type), milli, true)) return Status::ok();
    for (npu::TenantIndex t : tenants_.chain(project)) {
      const int64_t used = accounting_->usage_milli(t, static_cast<npu::DeviceTypeIndex>(type));
      const int64_t maximum = tenants_.tenants[t].maximum_milli[type];
      if (used + milli > maximum) {
        const std::string where =
            t == project ? std::string() : fmt::format(" (the quota of {} '{}')",
                                                       npu::tenant_kind_name(tenants_.tenants[t].kind),
                                                       tenants_.tenants[t].name);
        return invalid_input(
            "rejected: quota exceeded for tenant '{}'{}: {} {} in use or queued + {} requested > maximum {}",
            tenants_.tenants[project].name, where, device_count_text(used), types_[type].name,
            device_count_text(milli), device_count_text(maximum));
      }
    }
    return internal_error("quota refused without a tenant over its maximum");
  }

  Status check_voucher(npu::TenantIndex project, double hours, const std::string& how) const {
    if (accounting_->voucher_allows(project, hours)) return Status::ok();
    for (npu::TenantIndex t : tenants_.chain(project)) {
      const double left = accounting_->voucher_available_hours(t);
      if (hours > left + 1e-9) {
        const TenantRow& r = rows_[t];
        return invalid_input(
            "rejected: voucher of '{}' has {:.3f} device-hours left ({:.3f} granted, {:.3f} burnt, {:.3f} reserved "
            "by queued, running and uncharged jobs); this job may burn {:.3f} ({})",
            r.name, std::max(0.0, left), r.voucher_granted_hours.value_or(0.0), r.voucher_burnt_hours,
            accounting_->voucher_reserved_hours(t), hours, how);
      }
    }
    return internal_error("voucher refused without a tenant short of hours");
  }

 private:
  Ledger() = default;
  std::vector<DeviceTypeRow> types_;
  std::vector<TenantRow> rows_;
  std::map<TenantId, npu::TenantIndex> index_;
  npu::Cluster cluster_;
  npu::Tenants tenants_;
  std::unique_ptr<npu::Accounting> accounting_;
};

// The tenant and its ancestors, innermost first.
std::vector<TenantId> chain_of(TenantId tenant, const std::vector<TenantRow>& rows) {
  std::vector<TenantId> chain;
  std::optional<TenantId> at = tenant;
  while (at && chain.size() <= rows.size()) {
    chain.push_back(*at);
    std::optional<TenantId> next;
    for (const TenantRow& row : rows) {
      if (row.id == *at) next = row.parent;
    }
    at = next;
  }
  return chain;
}

Status ensure_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return io_error("{}: cannot create directory: {}", dir, error.message());
  return Status::ok();
}

}  // namespace

Center::Center(CenterStore& store, ClusterBackend& backend, const Clock& clock, CenterOptions options)
    : store_(&store), backend_(&backend), clock_(&clock), options_(std::move(options)) {}

bool Center::in_scope(const Principal& caller, TenantId tenant, const std::vector<TenantRow>& all) {
  if (caller.is_operator()) return true;
  for (TenantId t : chain_of(tenant, all)) {
    if (t == *caller.tenant) return true;
  }
  return false;
}

Result<Principal> authenticate(CenterStore& store, std::string_view token) {
  if (token.empty()) {
    return invalid_input("no token: give --token or set BITGOEUL_TOKEN (the operator's comes from `npu init`)");
  }
  if (token.size() > 256) return invalid_input("token: longer than any token this center issues");
  BITGOEUL_ASSIGN_OR_RETURN(std::string hash, token_hash(token));
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<TokenRow> row, store.find_token(hash));
  if (!row) return invalid_input("token: unknown to this center");
  if (row->revoked) return invalid_input("token: revoked ('{}')", row->label);
  Principal principal;
  principal.tenant = row->tenant;
  principal.name = "operator";
  if (row->tenant) {
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> all, store.tenants());
    for (const TenantRow& tenant : all) {
      if (tenant.id == *row->tenant) principal.name = tenant.name;
    }
  }
  return principal;
}

Result<std::string> issue_token(CenterStore& store, const Clock& clock, const Principal& caller,
                                const std::string& tenant, const std::string& label) {
  if (!caller.is_operator()) return invalid_input("only the operator issues tokens");
  if (label.size() > 200) return invalid_input("--label: longer than 200 bytes");
  std::optional<TenantId> id;
  if (!tenant.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> all, store.tenants());
    for (const TenantRow& row : all) {
      if (row.name == tenant) id = row.id;
    }
    if (!id) return not_found("--tenant: unknown tenant '{}'", tenant.substr(0, 80));
  }
  BITGOEUL_ASSIGN_OR_RETURN(std::string token, generate_token());
  BITGOEUL_ASSIGN_OR_RETURN(std::string hash, token_hash(token));
  BITGOEUL_RETURN_IF_ERROR(store.add_token(hash, id, label, clock.now_s()));
  return token;
}

Result<std::vector<TokenRow>> list_tokens(CenterStore& store, const Principal& caller) {
  if (!caller.is_operator()) return invalid_input("only the operator lists tokens");
  return store.tokens();
}

Status revoke_token(CenterStore& store, const Principal& caller, int64_t id) {
  if (!caller.is_operator()) return invalid_input("only the operator revokes tokens");
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, store.begin());
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<TokenRow> tokens, store.tokens());
  const TokenRow* target = nullptr;
  size_t live_operators = 0;
  for (const TokenRow& token : tokens) {
    if (token.id == id) target = &token;
    if (!token.tenant && !token.revoked) ++live_operators;
  }
  if (target == nullptr) return not_found("token {}: no such token", id);
  if (target->revoked) return invalid_input("token {}: already revoked", id);
  if (!target->tenant && live_operators <= 1) {
    return invalid_input("token {}: the last operator token; issue another operator token first", id);
  }
  BITGOEUL_RETURN_IF_ERROR(store.revoke_token(id));
  return transaction.commit();
}

Result<std::string> issue_first_operator_token(CenterStore& store, const Clock& clock) {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, store.begin());
  BITGOEUL_ASSIGN_OR_RETURN(int64_t count, store.token_count());
  if (count > 0) return invalid_input("{}: already has tokens; the operator issues more with `npu token`", store.path());
  BITGOEUL_ASSIGN_OR_RETURN(std::string token, generate_token());
  BITGOEUL_ASSIGN_OR_RETURN(std::string hash, token_hash(token));
  BITGOEUL_RETURN_IF_ERROR(store.add_token(hash, std::nullopt, "operator (init)", clock.now_s()));
  BITGOEUL_RETURN_IF_ERROR(transaction.commit());
  return token;
}

Result<Principal> Center::authenticate(std::string_view token) {
  std::lock_guard lock(store_mutex_);
  return npu_slurm::authenticate(*store_, token);
}

Result<std::string> Center::issue_token(const Principal& caller, const std::string& tenant, const std::string& label) {
  std::lock_guard lock(store_mutex_);
  return npu_slurm::issue_token(*store_, *clock_, caller, tenant, label);
}

Result<std::vector<TokenRow>> Center::list_tokens(const Principal& caller) {
  std::lock_guard lock(store_mutex_);
  return npu_slurm::list_tokens(*store_, caller);
}

Status Center::revoke_token(const Principal& caller, int64_t id) {
  std::lock_guard lock(store_mutex_);
  return npu_slurm::revoke_token(*store_, caller, id);
}

namespace {

// How many nodes of `nodes` carry at least the per-node count of the request's type, and the most one carries.
struct ShapeFit {
  uint32_t fitting_nodes = 0;
  uint32_t most_per_node = 0;
};
ShapeFit shape_fit(const std::vector<BackendNode>& nodes, const GresRequest& gres) {
  ShapeFit fit;
  for (const BackendNode& node : nodes) {
    for (const NodeGres& g : node.gres) {
      if (g.name != gres.name || g.type != gres.type) continue;
      fit.most_per_node = std::max(fit.most_per_node, g.count);
      if (g.count >= gres.count) ++fit.fitting_nodes;
    }
  }
  return fit;
}

Result<DeviceTypeRow> device_type_of(const std::vector<DeviceTypeRow>& types, const GresRequest& gres) {
  std::string known;
  for (const DeviceTypeRow& t : types) {
    if (t.gres_name == gres.name && t.gres_type == gres.type) return t;
    known += (known.empty() ? "" : ", ") + t.gres_name + ":" + t.gres_type;
  }
  return invalid_input("--gres {}: no such device type in this center (it has {})", gres.to_string(), known);
}

}  // namespace

Result<JobRow> Center::submit(const Principal& caller, const SubmitRequest& request) {
  // Fields first: nothing touches the store or Slurm until every one is valid.
  BITGOEUL_ASSIGN_OR_RETURN(GresRequest gres, parse_gres(request.gres));
  BITGOEUL_ASSIGN_OR_RETURN(int64_t limit_s, parse_time_limit(request.time_limit));
  if (request.nodes < 1 || request.nodes > kMaxNodes) {
    return invalid_input("--nodes {}: must be between 1 and {}", request.nodes, kMaxNodes);
  }
  const auto nodes = static_cast<uint32_t>(request.nodes);
  // Without a name, the script's file name, as sbatch does.
  std::string job_name = request.job_name;
  if (job_name.empty()) {
    job_name = std::filesystem::path(request.script_source).filename().string();
    if (!validate_job_name(job_name).is_ok()) job_name = "batch";
  }
  BITGOEUL_RETURN_IF_ERROR(validate_job_name(job_name));
  BITGOEUL_RETURN_IF_ERROR(validate_script(request.script, request.script_source));
  std::string tenant_name = request.tenant;
  if (tenant_name.empty()) {
    if (caller.is_operator()) return invalid_input("--tenant: required with the operator's token");
    tenant_name = caller.name;
  }
  const uint32_t devices = gres.count * nodes;
  // The project the job is for: known, the caller's, a project.
  const auto project_of = [&](const std::vector<TenantRow>& all) -> Result<TenantRow> {
    const TenantRow* tenant = nullptr;
    for (const TenantRow& row : all) {
      if (row.name == tenant_name) tenant = &row;
    }
    if (tenant == nullptr) {
      Status valid = validate_tenant_name(tenant_name);
      return not_found("--tenant: {}",
                       valid.is_ok() ? fmt::format("unknown tenant '{}'", tenant_name) : valid.message());
    }
    if (!in_scope(caller, tenant->id, all)) {
      return invalid_input("--tenant '{}': the token of '{}' may not submit for it", tenant->name, caller.name);
    }
    if (tenant->kind != npu::TenantKind::kProject) {
      return invalid_input("--tenant '{}': jobs belong to projects, and '{}' is a {}", tenant->name, tenant->name,
                           npu::tenant_kind_name(tenant->kind));
    }
    return *tenant;
  };
  // What the store alone can refuse is refused before the Slurm lock: a bad request does not wait for Slurm.
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<DeviceTypeRow> types, store_->device_types());
    BITGOEUL_ASSIGN_OR_RETURN(DeviceTypeRow device_type, device_type_of(types, gres));
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> all, store_->tenants());
    BITGOEUL_RETURN_IF_ERROR(project_of(all).status());
    if (devices > device_type.devices) {
      return invalid_input("rejected: {} {} requested, but the center has {}", devices, device_type.name,
                           device_type.devices);
    }
  }

  const SlurmTurn turn = slurm_turn();
  // Jobs that ended since the last look give their devices back before admission counts them.
  BITGOEUL_RETURN_IF_ERROR(refresh(turn).status());
  // A shape no node set of the cluster can hold (more nodes than carry the type, more cards than a node has) is
  // refused at admission rather than by sbatch after the job was recorded. The inventory is the last pass's (at
  // most a tick old), so a submission normally asks no sinfo of its own.
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<BackendNode> cluster_nodes, inventory(turn));
  const ShapeFit fit = shape_fit(cluster_nodes, gres);

  CenterJobId id{};
  {
    // Admission and the job row in one write transaction (BEGIN IMMEDIATE), on the registry and jobs as they are
    // now: submitters in other processes cannot both take the last devices either.
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, store_->begin());
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<DeviceTypeRow> types, store_->device_types());
    BITGOEUL_ASSIGN_OR_RETURN(DeviceTypeRow device_type, device_type_of(types, gres));
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> all, store_->tenants());
    BITGOEUL_ASSIGN_OR_RETURN(TenantRow tenant, project_of(all));
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<JobRow> jobs, store_->open_jobs());
    BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, Ledger::build(types, all, jobs));
    const npu::TenantIndex project = ledger->index(tenant.id);
    const size_t k = *ledger->type_index(device_type.name);
    if (devices > device_type.devices) {
      return invalid_input("rejected: {} {} requested, but the center has {}", devices, device_type.name,
                           device_type.devices);
    }
    if (fit.fitting_nodes < nodes) {
      return invalid_input(
          "rejected: --nodes {} with --gres {}, but the cluster has {} node(s) with {} or more {}:{} cards (at most "
          "{} per node)",
          nodes, gres.to_string(), fit.fitting_nodes, gres.count, gres.name, gres.type, fit.most_per_node);
    }
    BITGOEUL_RETURN_IF_ERROR(ledger->check_quota(project, k, int64_t{devices} * npu::kMilliPerDevice));
    const double hours = device_type.billing_weight * devices * static_cast<double>(limit_s) / kHourS;
    BITGOEUL_RETURN_IF_ERROR(ledger->check_voucher(
        project, hours,
        fmt::format("{} {} × {} time limit × billing weight {}", devices, device_type.name, format_duration(limit_s),
                    device_type.billing_weight)));

    NewJob job;
    job.tenant = tenant.id;
    job.name = job_name;
    job.device_type = device_type.name;
    job.gres = gres;
    job.nodes = nodes;
    job.time_limit_s = limit_s;
    job.reserved_device_hours = hours;
    job.script = request.script;
    job.submitted_s = clock_->now_s();
    BITGOEUL_ASSIGN_OR_RETURN(id, store_->insert_job(job));
    BITGOEUL_RETURN_IF_ERROR(transaction.commit());
  }

  // To Slurm, under the center's own job name (so a restart can find it) and the tenant as account; the store lock
  // is not held, so reads go on while sbatch runs.
  SubmitSpec spec;
  spec.name = fmt::format("bg-{}", raw(id));
  std::string account;
  for (char c : tenant_name) account += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  spec.account = account;
  spec.gres = gres;
  spec.nodes = nodes;
  spec.time_limit_s = limit_s;
  spec.script = request.script;
  spec.work_dir = options_.job_dir + "/" + tenant_name;
  spec.output_path = spec.work_dir + "/" + spec.name + ".out";
  spec.hold = true;  // the center's policy pass releases it
  Status dir = ensure_dir(spec.work_dir);
  Result<SlurmJobId> slurm_id = dir.is_ok() ? backend_->submit(spec) : Result<SlurmJobId>(dir);
  if (!slurm_id.is_ok()) {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_RETURN_IF_ERROR(store_->set_rejected(id, slurm_id.status().message()).status());
    return Status(slurm_id.status().code(), "the cluster refused the job: " + slurm_id.status().message());
  }
  bool recorded = false;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(recorded, store_->set_submitted(id, *slurm_id));
    if (!recorded) {
      // Another process on the store got there first: its sync found the job in Slurm by name (the same id), or
      // gave it up as lost while sbatch ran (past lost_submission_s).
      BITGOEUL_ASSIGN_OR_RETURN(std::optional<JobRow> row, store_->job(id));
      recorded = row && row->slurm_id == *slurm_id;
    }
  }
  if (!recorded) {
    // The store says REJECTED: Slurm must not run it.
    (void)backend_->cancel(*slurm_id);
    return io_error("job {}: given up as lost while sbatch ran; Slurm job {} cancelled, submit again", raw(id),
                    raw(*slurm_id));
  }
  // The policy decides now whether it starts; the job is accepted whatever this pass meets (the next one retries).
  if (options_.schedule_on_submit) (void)sync(turn);
  std::lock_guard lock(store_mutex_);
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<JobRow> row, store_->job(id));
  if (!row) return internal_error("job {} vanished after submission", raw(id));
  return *row;
}

Result<SyncReport> Center::sync() {
  const SlurmTurn turn = slurm_turn();
  return sync(turn);
}

Result<SyncReport> Center::sync(const SlurmTurn& turn) {
  BITGOEUL_ASSIGN_OR_RETURN(SyncReport report, refresh(turn));
  BITGOEUL_ASSIGN_OR_RETURN(report.released, policy_pass(turn));
  if (report.released > 0) {
    // Show the released jobs as Slurm has them now (the fake starts them at once; Slurm within its next pass).
    BITGOEUL_ASSIGN_OR_RETURN(SyncReport again, refresh(turn));
    report.updated += again.updated;
    report.charged += again.charged;
  }
  return report;
}

Result<std::vector<BackendNode>> Center::inventory(const SlurmTurn& turn) {
  const int64_t now = clock_->now_s();
  if (inventory_ && now >= inventory_taken_s_ && now - inventory_taken_s_ <= options_.inventory_max_age_s) {
    return *inventory_;
  }
  return take_inventory(turn);
}

Result<std::vector<BackendNode>> Center::take_inventory(const SlurmTurn&) {
  const int64_t now = clock_->now_s();
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<BackendNode> nodes, backend_->nodes());
  inventory_ = nodes;
  inventory_taken_s_ = now;
  return nodes;
}

Result<SyncReport> Center::refresh(const SlurmTurn&) {
  SyncReport report;
  std::vector<JobRow> jobs;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(jobs, store_->open_jobs());
  }
  std::vector<JobRow*> open;
  for (JobRow& job : jobs) {
    if (job.state != kStateRejected && !job.charged) open.push_back(&job);
  }
  if (open.empty()) return report;
  // The store lock is not held while squeue runs: what it answers is committed below with a re-check per row.
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<BackendJob> live, backend_->list_jobs());
  std::map<uint64_t, const BackendJob*> by_id;
  std::map<std::string, const BackendJob*> by_name;
  for (const BackendJob& job : live) {
    by_id[raw(job.id)] = &job;
    by_name[job.name] = &job;
  }
  const int64_t now = clock_->now_s();
  std::vector<SlurmJobId> ended;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, store_->begin());
    for (JobRow* job : open) {
      if (!job->slurm_id) {
        // Stored but never confirmed: the submitter stopped between the store and Slurm.
        const auto found = by_name.find(fmt::format("bg-{}", raw(job->id)));
        if (found != by_name.end()) {
          BITGOEUL_ASSIGN_OR_RETURN(bool recovered, store_->set_submitted(job->id, found->second->id));
          if (!recovered) continue;  // its submitter recorded it meanwhile: the next sync follows it
          job->slurm_id = found->second->id;
          job->state = "PENDING";
          ++report.recovered;
        } else if (now - job->submitted_s > options_.lost_submission_s) {
          BITGOEUL_ASSIGN_OR_RETURN(bool lost, store_->set_rejected(job->id, "lost: never reached the cluster"));
          if (lost) ++report.lost;
          continue;
        } else {
          continue;
        }
      }
      // The same id under another name is another job: the controller lost its state and reused the id.
      const auto found = by_id.find(raw(*job->slurm_id));
      if (found == by_id.end() || found->second->name != fmt::format("bg-{}", raw(job->id))) {
        ended.push_back(*job->slurm_id);  // the controller forgot it: accounting has the rest
        continue;
      }
      const BackendJob& live_job = *found->second;
      const std::string state = job_state_name(live_job.state);
      const std::optional<int64_t> start = live_job.state == JobState::kPending ? std::nullopt : live_job.start_s;
      const std::optional<int64_t> end = is_active(live_job.state) ? std::nullopt : live_job.end_s;
      if (state != job->state || live_job.reason != job->reason || live_job.node_list != job->node_list ||
          start != job->start_s || end != job->end_s) {
        // Not over a charge another writer recorded since the store was read: the charge holds the final state.
        BITGOEUL_ASSIGN_OR_RETURN(bool updated,
                                  store_->update_job(job->id, state, live_job.reason, live_job.node_list, start, end));
        if (updated) ++report.updated;
      }
      if (!is_active(live_job.state)) ended.push_back(*job->slurm_id);
    }
    BITGOEUL_RETURN_IF_ERROR(transaction.commit());
  }
  if (ended.empty()) return report;
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<AccountingRecord> records, backend_->accounting(ended));
  std::lock_guard lock(store_mutex_);
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> tenants, store_->tenants());
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<DeviceTypeRow> types, store_->device_types());
  // Records are matched by id and by the center's job name, so a reused Slurm id never charges the wrong job.
  std::map<std::string, const JobRow*> open_by_name;
  for (const JobRow* job : open) {
    if (job->slurm_id) open_by_name[fmt::format("bg-{}", raw(job->id))] = job;
  }
  for (const AccountingRecord& record : records) {
    const auto match = open_by_name.find(record.name);
    if (match == open_by_name.end() || match->second->slurm_id != record.id) continue;
    const JobRow* job = match->second;
    double weight = 1.0;
    for (const DeviceTypeRow& type : types) {
      if (type.name == job->device_type) weight = type.billing_weight;
    }
    UsageRow usage;
    usage.job = job->id;
    usage.tenant = job->tenant;
    usage.device_type = job->device_type;
    // What Slurm allocated: the per-node count on every node it gave the job (none if it never started).
    usage.devices = record.node_count > 0 ? job->gres.count * record.node_count : 0;
    usage.elapsed_s = usage.devices > 0 ? record.elapsed_s : 0;
    usage.device_hours = static_cast<double>(usage.devices) * static_cast<double>(usage.elapsed_s) / kHourS;
    usage.billed_device_hours = usage.device_hours * weight;
    usage.start_s = record.start_s;
    usage.end_s = record.end_s;
    usage.final_state = job_state_name(record.state);
    usage.recorded_s = now;
    std::vector<TenantId> funded;
    for (TenantId t : chain_of(job->tenant, tenants)) {
      for (const TenantRow& row : tenants) {
        if (row.id == t && row.voucher_granted_hours) funded.push_back(t);
      }
    }
    // Keyed by the job: a charge another writer recorded meanwhile is not repeated.
    BITGOEUL_ASSIGN_OR_RETURN(bool charged, store_->charge(*job, usage, funded));
    if (charged) ++report.charged;
  }
  return report;
}

Result<JobRow> Center::cancel(const Principal& caller, SlurmJobId id) {
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(std::optional<JobRow> job, store_->job_by_slurm_id(id));
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> tenants, store_->tenants());
    // A job of another tenant is answered exactly like a job that does not exist: tokens learn nothing of others.
    if (!job || !in_scope(caller, job->tenant, tenants)) return not_found("job {}: no such job of yours", raw(id));
    if (!job->active()) {
      return invalid_input("job {}: already ended ({})", raw(id), job->state);
    }
  }
  const SlurmTurn turn = slurm_turn();
  BITGOEUL_RETURN_IF_ERROR(backend_->cancel(id));
  BITGOEUL_RETURN_IF_ERROR(sync(turn).status());
  std::lock_guard lock(store_mutex_);
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<JobRow> after, store_->job_by_slurm_id(id));
  if (!after) return internal_error("job {} vanished after cancel", raw(id));
  return *after;
}

Result<std::vector<JobRow>> Center::stored_jobs(const Principal& caller, bool all) {
  std::vector<TenantRow> tenants;
  std::vector<JobRow> jobs;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(tenants, store_->tenants());
    BITGOEUL_ASSIGN_OR_RETURN(jobs, store_->jobs(!all));
  }
  std::vector<JobRow> visible;
  for (JobRow& job : jobs) {
    if (in_scope(caller, job.tenant, tenants)) visible.push_back(std::move(job));
  }
  return visible;
}

Result<JobRow> Center::stored_job(const Principal& caller, CenterJobId id) {
  std::lock_guard lock(store_mutex_);
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<JobRow> job, store_->job(id));
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<TenantRow> tenants, store_->tenants());
  if (!job || !in_scope(caller, job->tenant, tenants)) return not_found("job {}: no such job of yours", raw(id));
  return *job;
}

Result<std::vector<UsageRow>> Center::stored_usage(const Principal& caller) {
  std::vector<TenantRow> tenants;
  std::vector<UsageRow> rows;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(tenants, store_->tenants());
    BITGOEUL_ASSIGN_OR_RETURN(rows, store_->usage());
  }
  std::vector<UsageRow> visible;
  for (UsageRow& row : rows) {
    if (in_scope(caller, row.tenant, tenants)) visible.push_back(std::move(row));
  }
  return visible;
}

Result<std::vector<TenantView>> Center::stored_tenants(const Principal& caller) {
  std::vector<TenantRow> all;
  std::vector<DeviceTypeRow> types;
  std::vector<JobRow> jobs;
  {
    std::lock_guard lock(store_mutex_);
    BITGOEUL_ASSIGN_OR_RETURN(all, store_->tenants());
    BITGOEUL_ASSIGN_OR_RETURN(types, store_->device_types());
    BITGOEUL_ASSIGN_OR_RETURN(jobs, store_->open_jobs());
  }
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, Ledger::build(types, all, jobs));
  std::vector<TenantView> views;
  for (const TenantRow& row : all) {
    if (!in_scope(caller, row.id, all)) continue;
    TenantView view;
    view.tenant = row;
    const npu::TenantIndex t = ledger->index(row.id);
    for (size_t k = 0; k < types.size(); ++k) {
      const int64_t used = ledger->accounting().usage_milli(t, static_cast<npu::DeviceTypeIndex>(k));
      if (used > 0) view.in_use_milli[types[k].name] = used;
    }
    view.reserved_hours = ledger->accounting().voucher_reserved_hours(t);
    if (row.voucher_granted_hours) view.voucher_left_hours = ledger->accounting().voucher_available_hours(t);
    views.push_back(std::move(view));
  }
  return views;
}

Result<std::vector<JobRow>> Center::queue(const Principal& caller, bool all) {
  BITGOEUL_RETURN_IF_ERROR(sync().status());
  return stored_jobs(caller, all);
}

Result<std::vector<UsageRow>> Center::usage(const Principal& caller) {
  BITGOEUL_RETURN_IF_ERROR(sync().status());
  return stored_usage(caller);
}

Result<std::vector<TenantView>> Center::tenants(const Principal& caller) {
  BITGOEUL_RETURN_IF_ERROR(sync().status());
  return stored_tenants(caller);
}

Result<EtaAccuracy> Center::eta_accuracy(const Principal& caller) {
  BITGOEUL_RETURN_IF_ERROR(sync().status());
  return stored_eta_accuracy(caller);
}

}  // namespace bitgoeul::npu_slurm
