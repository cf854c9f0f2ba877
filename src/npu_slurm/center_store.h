#pragma once
// The center's durable state in one SQLite file (center.sqlite, WAL): the registry (device types, tenants —
// programmes, organisations and projects — with quotas and vouchers), API tokens (their SHA-256 only), jobs with
// their Slurm ids, and usage charged from Slurm's accounting. A schema_version table records the migrations
// applied; opening a store migrates it forward and refuses one written by a newer version.
//
// Concurrency: several processes may share a store; begin() takes the write lock (BEGIN IMMEDIATE) so an
// admission decision and the job row it admits are one atomic step.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/tenants.h"
#include "npu_slurm/cluster_backend.h"
#include "core/sqlite_db.h"

namespace bitgoeul::npu_slurm {

// The center's own job id (stable across Slurm restarts); distinct from SlurmJobId.
enum class CenterJobId : int64_t {};
inline int64_t raw(CenterJobId id) { return static_cast<int64_t>(id); }
using TenantId = int64_t;

inline constexpr int kSchemaVersion = 2;

struct DeviceTypeRow {
  std::string name;       // the cluster file's name: "RNGD"
  std::string gres_name;  // "npu"
  std::string gres_type;  // "rngd"
  double billing_weight = 1.0;
  uint32_t devices = 0;  // whole cards in the center
};

struct TenantRow {
  TenantId id = 0;
  std::string name;
  npu::TenantKind kind = npu::TenantKind::kProject;
  std::optional<TenantId> parent;
  int64_t priority = 0;
  double shares = 1.0;
  std::map<std::string, int64_t> guaranteed_milli;  // by device type; absent: 0
  std::map<std::string, int64_t> maximum_milli;     // by device type; absent: unlimited
  std::optional<double> voucher_granted_hours;      // nullopt: not voucher-funded
  double voucher_burnt_hours = 0.0;
};

struct TokenRow {
  int64_t id = 0;
  std::optional<TenantId> tenant;  // nullopt: the operator
  std::string label;
  bool revoked = false;
  int64_t created_s = 0;
};

// Job states the store adds to Slurm's: accepted but not yet (or never) in Slurm.
inline constexpr std::string_view kStateSubmitting = "SUBMITTING";
inline constexpr std::string_view kStateRejected = "REJECTED";

struct NewJob {
  TenantId tenant = 0;
  std::string name;
  std::string device_type;
  GresRequest gres;
  uint32_t nodes = 1;
  int64_t time_limit_s = 0;
  double reserved_device_hours = 0.0;  // billed device-hours the time limit would burn
  std::string script;
  int64_t submitted_s = 0;
};

struct JobRow {
  CenterJobId id{};
  TenantId tenant = 0;
  std::string tenant_name;
  std::string name;
  std::string device_type;
  GresRequest gres;
  uint32_t nodes = 1;
  int64_t time_limit_s = 0;
  double reserved_device_hours = 0.0;
  int64_t submitted_s = 0;
  std::optional<SlurmJobId> slurm_id;
  std::string state;   // SUBMITTING, REJECTED or Slurm's state name
  std::string reason;  // why it waits, or why it was rejected
  std::string node_list;
  std::optional<int64_t> start_s;
  std::optional<int64_t> end_s;
  bool charged = false;
  // Scheduling state (schema 2). Jobs reach Slurm held; the center's policy pass releases them.
  std::optional<int64_t> released_s;  // when the pass released it; nullopt: still held by the center
  std::string planned_nodes;          // the nodes the policy's placement chose ("" when Slurm chooses)
  std::optional<int64_t> eta_submit_s;  // start predicted by the first pass after submission
  std::optional<int64_t> eta_s;         // start predicted by the latest pass
  std::optional<int64_t> queue_position;  // 1 = next to start, by predicted start; nullopt once released

  uint32_t devices() const { return gres.count * nodes; }
  // Holds or may soon hold devices: counts against quotas and voucher reservations.
  bool active() const;
};

struct UsageRow {
  CenterJobId job{};
  TenantId tenant = 0;
  std::string tenant_name;
  std::string device_type;
  uint32_t devices = 0;  // allocated: per-node count × nodes Slurm allocated
  int64_t elapsed_s = 0;
  double device_hours = 0.0;         // devices × elapsed
  double billed_device_hours = 0.0;  // × the type's billing weight: what vouchers burn
  std::optional<int64_t> start_s;
  std::optional<int64_t> end_s;
  std::string final_state;
  int64_t recorded_s = 0;
};

class CenterStore {
 public:
  // Opens the store at `path`; with `create`, creates it when missing. Migrates an older schema.
  static Result<CenterStore> open(const std::string& path, bool create);

  const std::string& path() const { return db_->path(); }
  int schema_version() const { return schema_version_; }

  // Registry. Device types and tenants are inserted or updated by name (tenants keep their ids, jobs and burnt
  // hours); each imported tenant's quotas are replaced and its voucher grant set. Tenants missing from the file stay.
  // Tenant names must pass validate_tenant_name (they become Slurm accounts).
  Status import_registry(const npu::Cluster& cluster, const npu::Tenants& tenants);
  Result<std::vector<DeviceTypeRow>> device_types();
  // Parents precede their children.
  Result<std::vector<TenantRow>> tenants();

  // Tokens.
  Status add_token(const std::string& sha256, std::optional<TenantId> tenant, const std::string& label,
                   int64_t now_s);
  Result<std::optional<TokenRow>> find_token(const std::string& sha256);
  Result<int64_t> token_count();
  Result<std::vector<TokenRow>> tokens();
  // Marks the token revoked; not found when no token has this id.
  Status revoke_token(int64_t id);

  // Jobs. The writes below that follow a cluster command re-check the row in their WHERE clause and return whether
  // they changed it: a decision taken on what was read before the command never overwrites what another writer
  // (another process on the store) recorded meanwhile.
  Result<SqliteTransaction> begin();
  Result<CenterJobId> insert_job(const NewJob& job);
  // The job reached Slurm as `slurm_id`: only while it is SUBMITTING without a Slurm id (not given up as lost).
  Result<bool> set_submitted(CenterJobId id, SlurmJobId slurm_id);
  // Refused by the cluster or lost: only while it is SUBMITTING without a Slurm id.
  Result<bool> set_rejected(CenterJobId id, const std::string& reason);
  // Slurm's view of the job: only while it is neither rejected nor charged (a charge records the final state).
  Result<bool> update_job(CenterJobId id, const std::string& state, const std::string& reason,
                          const std::string& node_list, std::optional<int64_t> start_s, std::optional<int64_t> end_s);
  Result<std::vector<JobRow>> jobs(bool active_only);
  // Jobs that may still hold devices or voucher-hours: neither rejected nor charged.
  Result<std::vector<JobRow>> open_jobs();
  Result<std::optional<JobRow>> job(CenterJobId id);
  // The latest job with this Slurm id (a controller that lost its state reuses ids).
  Result<std::optional<JobRow>> job_by_slurm_id(SlurmJobId id);

  // Charges an ended job once: records `usage`, burns its billed device-hours from the vouchers of
  // `voucher_tenants` (the funded tenants of its chain) and stores its final state and times, in one
  // transaction. Returns false, changing nothing, when the job was charged before.
  Result<bool> charge(const JobRow& job, const UsageRow& usage, const std::vector<TenantId>& voucher_tenants);
  Result<std::vector<UsageRow>> usage();

  // Scheduling state, for jobs still waiting on the center (PENDING, not released, not charged); both return false,
  // changing nothing, for any other. set_released: the policy released the job at `now_s` (its predicted start
  // now), on `nodes` ("" for Slurm's choice). set_prediction: the latest predicted start and queue position
  // (nullopt: none). The first prediction a job gets is kept as its prediction at submission.
  Result<bool> set_released(CenterJobId id, int64_t now_s, const std::string& nodes);
  Result<bool> set_prediction(CenterJobId id, std::optional<int64_t> eta_s, std::optional<int64_t> position);
  // Center settings (policy, fair-share half-life, ...), as text by key.
  Status set_setting(const std::string& key, const std::string& value);
  Result<std::optional<std::string>> setting(const std::string& key);

 private:
  explicit CenterStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Status migrate();
  Result<std::vector<JobRow>> select_jobs(const std::string& where, std::optional<int64_t> parameter);

  std::unique_ptr<SqliteDb> db_;
  int schema_version_ = 0;
};

// The gres a device type is requested by: "gpu:<name>" for NVIDIA types, "npu:<name>" otherwise, lower-case.
std::pair<std::string, std::string> gres_of(const npu::DeviceType& type);

}  // namespace bitgoeul::npu_slurm
