#pragma once
// The NPU center's front door on a cluster engine: authenticate a token, admit or reject a submission against the
// tenant's quotas and vouchers (with npu::Accounting, the simulator's own rules), hand admitted jobs to the
// backend, follow their states, and burn vouchers from the backend's accounting records, once per job.
//
// Every operation the `bitgoeul npu` commands offer is one call here, taking the caller's Principal, so an HTTP
// server can call the same functions. Time comes from the Clock; nothing here reads the system clock.
//
// Visibility: a tenant's token sees and acts on the jobs, usage and registry of that tenant and the tenants below
// it; the operator's token (tenant-less) sees everything.
//
// Thread safety: a Center may be called from any number of threads (`npu serve` does). Two locks, always taken in
// this order and never the other way round:
//   the Slurm lock  one cluster command sequence at a time — a submission (refresh, admission, sbatch, its pass), a
//                   cancellation (scancel, sync) or a sync (squeue, sacct, sinfo, scontrol release); the backend is
//                   not re-entrant, and one sequence's decisions rest on what it read from the cluster;
//   the store lock  the store's one SQLite connection, held for short reads and writes only, never across a cluster
//                   command.
// Reads (the stored_* calls, authenticate, tokens) take the store lock alone, so they are answered while a Slurm
// command runs, however long it takes. Every change is committed before the call returns. A sequence reads the
// store, calls the cluster without the store lock, then commits with a re-check of the row it changes (a job
// charged, cancelled or released meanwhile — by another process on the same store — keeps that state), so no
// update is lost when a sync and a submission or cancellation interleave.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "npu_slurm/center_store.h"
#include "core/clock.h"
#include "npu_slurm/cluster_backend.h"

namespace bitgoeul::npu_slurm {

struct Principal {
  std::optional<TenantId> tenant;  // nullopt: the operator
  std::string name;                // the tenant's name, or "operator"
  bool is_operator() const { return !tenant; }
};

// A submission as the user typed it (CLI flags or a request body); Center::submit parses and checks every field.
struct SubmitRequest {
  std::string tenant;      // a project; empty: the token's own tenant
  std::string gres;        // "npu:rngd:4"
  std::string time_limit;  // "00:10:00"
  int64_t nodes = 1;
  std::string job_name;       // shown in the queue only; Slurm gets the center's own name "bg-<id>"
  std::string script;         // the batch script's text
  std::string script_source;  // names the script in errors (its path)
};

struct CenterOptions {
  std::string job_dir;  // absolute; job output goes to <job_dir>/<tenant>/bg-<id>.out
  // A SUBMITTING job (the submitter died between store and Slurm) not found in Slurm after this long is rejected.
  int64_t lost_submission_s = 120;
  // Run the policy pass right after each submission (a job may start at once). Off: the next sync decides, so
  // jobs submitted together are ordered together, as the simulator orders simultaneous arrivals.
  bool schedule_on_submit = true;
  // Admission's shape check (how many nodes carry enough cards of the type) reads the node inventory the last
  // policy pass or submission took from the cluster (sinfo), if it is at most this old (seconds); an older one is
  // taken again first. `npu serve` sets its sync interval, so a submission between two ticks asks no sinfo.
  int64_t inventory_max_age_s = 5;
};

struct TenantView {
  TenantRow tenant;
  std::map<std::string, int64_t> in_use_milli;  // by device type: active jobs of the tenant and its subtree
  double reserved_hours = 0.0;                   // voucher-hours held by queued, running and uncharged jobs
  std::optional<double> voucher_left_hours;      // granted − burnt − reserved; nullopt without a voucher
};

struct SyncReport {
  size_t updated = 0;   // jobs whose state changed
  size_t charged = 0;   // jobs charged now
  size_t recovered = 0; // SUBMITTING jobs found in Slurm
  size_t lost = 0;      // SUBMITTING jobs never found
  size_t released = 0;  // held jobs the policy started now
};

// Scheduling is the center's: jobs reach Slurm held, and each sync runs the selected npu policy (the simulator's
// own code) forward from the live state, releases the jobs it starts now (on the node its placement chose) and
// stores every waiting job's predicted start and queue position. Settings live in the store (`npu init --policy`).
struct SchedulingSettings {
  std::string policy;              // an npu policy name; default multifactor (fair share from charged usage)
  double usage_half_life_s = 0.0;  // fair-share usage decay; default 7 days
};
Status set_scheduling(CenterStore& store, const std::string& policy, double usage_half_life_s);
Result<SchedulingSettings> scheduling_settings(CenterStore& store);
// Expected run time of `job` (seconds, within its limit): the mean run time of the tenant's last two completed jobs
// with the same limit in `history` (Tsafrir et al. 2007); without such jobs, its limit × the median share of their
// limits that the tenant's last 20 completed jobs used (any tenant's without its own; the whole limit without any).
int64_t estimate_run_s(const JobRow& job, const std::vector<JobRow>& history);

// Predicted (at submission) against actual starts of the jobs that started after being held by the center.
struct EtaSample {
  CenterJobId job{};
  std::optional<SlurmJobId> slurm_id;
  std::string tenant_name;
  int64_t submitted_s = 0;
  int64_t predicted_start_s = 0;
  int64_t actual_start_s = 0;
};
struct EtaAccuracy {
  std::vector<EtaSample> samples;
  std::optional<double> median_error_s, p90_error_s;  // |actual − predicted|
  size_t waited_jobs = 0;                             // samples that waited (actual start after submission)
  std::optional<double> median_error_pct_of_wait, p90_error_pct_of_wait;  // over those: error / wait × 100
};

// Tokens need only the store (no cluster). authenticate: the principal a token stands for; a clear error for a
// missing, unknown or revoked token. issue_token: operator only, a new token for `tenant` (empty: another operator
// token); returns its text, which the store does not keep. issue_first_operator_token: the store's first token,
// refused once any token exists (`npu init` prints it).
Result<Principal> authenticate(CenterStore& store, std::string_view token);
Result<std::string> issue_token(CenterStore& store, const Clock& clock, const Principal& caller,
                                const std::string& tenant, const std::string& label);
Result<std::string> issue_first_operator_token(CenterStore& store, const Clock& clock);
// Operator only: every token (never its text), and revocation by id. Revoking the last live operator token is
// refused, so the center cannot lock its operator out.
Result<std::vector<TokenRow>> list_tokens(CenterStore& store, const Principal& caller);
Status revoke_token(CenterStore& store, const Principal& caller, int64_t id);

class Center {
 public:
  // REQUIRES: store, backend and clock outlive the center.
  Center(CenterStore& store, ClusterBackend& backend, const Clock& clock, CenterOptions options);

  // Tokens: the store alone (the store lock), never the cluster.
  Result<Principal> authenticate(std::string_view token);
  Result<std::string> issue_token(const Principal& caller, const std::string& tenant, const std::string& label);
  Result<std::vector<TokenRow>> list_tokens(const Principal& caller);
  Status revoke_token(const Principal& caller, int64_t id);

  // Admits and submits a job, or explains why not (invalid field, unknown or foreign tenant, quota, voucher,
  // Slurm's refusal). A rejected submission never reaches Slurm. Fields, device type and tenant are checked before
  // the Slurm lock is taken, so a bad request is answered at once even while a Slurm command runs.
  Result<JobRow> submit(const Principal& caller, const SubmitRequest& request);
  // Cancels the caller's job with this Slurm id, then syncs.
  Result<JobRow> cancel(const Principal& caller, SlurmJobId id);
  // Reads states from the backend, charges ended jobs from its accounting (each exactly once), then runs the
  // policy pass (releases, predictions). Call it periodically: held jobs start only through it.
  Result<SyncReport> sync();

  // Reads of the store as the last sync, submission or cancellation left it: the store lock alone, never the
  // cluster, so they never wait for a Slurm command. The caller's jobs (active ones; ended ones too with `all`); one
  // of them (another tenant's job reads as a missing one); their charged usage; the tenants the caller may see;
  // predicted against actual starts.
  Result<std::vector<JobRow>> stored_jobs(const Principal& caller, bool all);
  Result<JobRow> stored_job(const Principal& caller, CenterJobId id);
  Result<std::vector<UsageRow>> stored_usage(const Principal& caller);
  Result<std::vector<TenantView>> stored_tenants(const Principal& caller);
  Result<EtaAccuracy> stored_eta_accuracy(const Principal& caller);
  // The same after a sync, for the one-shot commands (`npu queue`, `usage`, `tenants`, `eta-accuracy`).
  Result<std::vector<JobRow>> queue(const Principal& caller, bool all);
  Result<std::vector<UsageRow>> usage(const Principal& caller);
  Result<std::vector<TenantView>> tenants(const Principal& caller);
  Result<EtaAccuracy> eta_accuracy(const Principal& caller);

  // Runs `read(store)` under the store lock and returns what it returns. REQUIRES: `read` is short and calls
  // neither the cluster nor this center.
  template <typename Read>
  auto with_store(Read&& read) {
    std::lock_guard lock(store_mutex_);
    return read(*store_);
  }

 private:
  // Proof that the caller holds the Slurm lock: the sequences below take one.
  struct SlurmTurn {
    std::unique_lock<std::mutex> lock;
  };
  SlurmTurn slurm_turn() { return SlurmTurn{std::unique_lock(slurm_mutex_)}; }

  Result<SyncReport> sync(const SlurmTurn& turn);
  // sync's first half: states and charging.
  Result<SyncReport> refresh(const SlurmTurn& turn);
  // sync's second half (center_schedule.cpp): returns how many jobs it released.
  Result<size_t> policy_pass(const SlurmTurn& turn);
  // The node inventory: the cached one if at most options_.inventory_max_age_s old, else take_inventory's, which
  // asks the cluster (sinfo) now and caches what it answers.
  Result<std::vector<BackendNode>> inventory(const SlurmTurn& turn);
  Result<std::vector<BackendNode>> take_inventory(const SlurmTurn& turn);
  static bool in_scope(const Principal& caller, TenantId tenant, const std::vector<TenantRow>& all);

  CenterStore* store_;
  ClusterBackend* backend_;
  const Clock* clock_;
  CenterOptions options_;
  std::mutex slurm_mutex_;  // the Slurm lock; guards backend_ and the inventory cache
  std::mutex store_mutex_;  // the store lock; guards store_
  std::optional<std::vector<BackendNode>> inventory_;  // the last sinfo, taken at inventory_taken_s_
  int64_t inventory_taken_s_ = 0;
};

}  // namespace bitgoeul::npu_slurm
