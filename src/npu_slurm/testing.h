#pragma once
// Shared by the npu_slurm tests and the center_http_fuzz target, never linked into the library: the test center's
// cluster and tenant tree, and a center on the fake cluster with a simulated clock and its store in a fresh
// temporary directory. No gtest here (the fuzz target uses it too): failures come back as a Status.
//
// Cluster: rngd1, rngd2 (8 RNGD each, billing 1.0), atom1 (8 ATOM, billing 0.5).
// Tenants: programme public (voucher 100 h)
//            ├─ organisation univ (maximum RNGD 4, voucher 3 h) ── project univ-vision
//            └─ organisation startup ─┬─ project startup-speech (maximum ATOM 2)
//                                     └─ project lab-open (no maximum: it can fill the cluster, so jobs wait)

#include <array>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "npu_slurm/center.h"
#include "npu_slurm/center_http.h"
#include "npu_slurm/center_store.h"
#include "npu_slurm/fake_backend.h"

namespace bitgoeul::npu_slurm::testing {

inline constexpr int64_t kStart = 1'800'000'000;  // the simulated clock's start, Unix seconds

// The cluster above as cluster.toml text, and its nodes as the fake backend holds them.
std::string cluster_toml();
std::vector<FakeNode> fake_nodes();

// What a test changes in the tenant tree above; the defaults are the tree as drawn.
struct TenantOptions {
  double public_voucher_h = 100;        // device-hours granted to programme public
  double univ_voucher_h = 3;            // device-hours granted to organisation univ
  int univ_vision_guaranteed_rngd = 0;  // RNGD cards guaranteed to project univ-vision (0: none)
};
std::string tenants_toml(const TenantOptions& options = {});

// Parses both texts (as cluster.toml and tenants.toml) and imports them into the store.
Status import_registry(CenterStore& store, const std::string& cluster_text, const std::string& tenants_text);

// A cluster backend in front of another, for concurrency tests: it counts the calls of each kind, and a call of a
// kind the test closed does its work, then waits at the gate until the test opens it — as a slow Slurm command
// would (sbatch has queued the job, squeue's answer is already taken, when it finally returns). Thread-safe: calls
// into the backend behind it are serialised, as the controller serialises commands, but never while one waits at
// the gate (another process's commands go on meanwhile).
class GatedBackend final : public ClusterBackend {
 public:
  enum class Call { kSubmit, kCancel, kHold, kRelease, kSetPriority, kSetNodeList, kNodes, kListJobs, kAccounting };
  static constexpr size_t kCallKinds = 9;

  // REQUIRES: inner outlives the gate.
  explicit GatedBackend(ClusterBackend& inner) : inner_(&inner) {}

  // The next call of `kind` after `skip` more of them waits at the gate once its work is done (with `before`:
  // before it does its work, as a command that has not reached the controller yet), until open(); the calls before
  // it and after it pass.
  void close(Call kind, size_t skip = 0, bool before = false);
  // Blocks until a call waits at the gate; returns its kind.
  Call wait_until_held();
  // Lets the waiting call (and any later one) through.
  void open();
  size_t calls(Call kind) const;

  Result<SlurmJobId> submit(const SubmitSpec& spec) override;
  Status cancel(SlurmJobId id) override;
  Status hold(SlurmJobId id) override;
  Status release(SlurmJobId id) override;
  Status set_priority(SlurmJobId id, uint32_t priority) override;
  Status set_node_list(SlurmJobId id, const std::string& node_list) override;
  Result<std::vector<BackendNode>> nodes() override;
  Result<std::vector<BackendJob>> list_jobs() override;
  Result<std::vector<AccountingRecord>> accounting(const std::vector<SlurmJobId>& ids) override;

 private:
  // Runs `work` on the backend behind and counts it; waits before or after it if its kind's gate is closed.
  template <typename Work>
  auto pass(Call kind, Work&& work);
  // Waits at the gate if the call is the one it holds (`before`: the call has not done its work yet).
  void hold_if_closed(Call kind, bool before);

  ClusterBackend* inner_;
  std::mutex inner_mutex_;    // one call into inner_ at a time
  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable changed_;
  std::array<size_t, kCallKinds> calls_{};
  std::optional<Call> closed_;  // the kind whose next call (after skip_ more) waits
  size_t skip_ = 0;
  bool before_ = false;
  bool holding_ = false;        // a call waits at the gate
};

struct TestCenterOptions {
  TenantOptions tenants{};
  bool http = false;   // also put the HTTP front (CenterHttp) over the center
  bool gated = false;  // the center calls the fake cluster through a GatedBackend (member `gate`)
};

// A center on the fake cluster above. The members are public so that tests drive the clock, make the backend fail,
// or replace the center or the backend as a restarted process or controller would.
class TestCenter {
 public:
  TestCenter() = default;
  TestCenter(const TestCenter&) = delete;
  TestCenter& operator=(const TestCenter&) = delete;
  ~TestCenter();  // stops the center and removes its directory

  // REQUIRES: called once. Creates a directory named <temp>/<prefix>_XXXXXX, the store in it with the cluster and
  // tenants imported, the fake backend, the center (options: center_options()) and, if asked, its HTTP front. No
  // token is issued: the store has none.
  Status start(const std::string& prefix, const TestCenterOptions& options = {});

  // The options start() gave the center: job output under <dir>/jobs, a lost submission given up after 120 s.
  CenterOptions center_options() const;
  // The operator as the tests act for it: without a token.
  static Principal operator_principal();
  // A token of tenant, issued by the operator.
  Result<std::string> issue_token(const std::string& tenant, const std::string& label);

  std::filesystem::path dir;
  SimulatedClock clock{kStart};
  std::optional<CenterStore> store;
  std::optional<FakeBackend> backend;
  std::optional<GatedBackend> gate;  // with options.gated: in front of `backend`
  std::optional<Center> center;
  std::optional<CenterHttp> http;
};

}  // namespace bitgoeul::npu_slurm::testing
