#pragma once
// An in-memory cluster behind the ClusterBackend interface, for tests: nodes with one generic resource each, jobs
// scheduled first-fit (on their required nodes, when set) in priority order (then submission order) whenever the
// clock moves, holds, cancels and
// accounting records as Slurm would give them. A job "runs" for the sum of the `sleep N` lines of its script and
// ends TIMEOUT at its time limit. Time comes from the Clock the test advances.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "npu_slurm/cluster_backend.h"

namespace bitgoeul::npu_slurm {

struct FakeNode {
  std::string name;
  std::string gres_name;  // "npu"
  std::string gres_type;  // "rngd"
  uint32_t devices = 8;
};

class FakeBackend final : public ClusterBackend {
 public:
  // REQUIRES: clock outlives the backend.
  FakeBackend(std::vector<FakeNode> nodes, const Clock& clock);

  Result<SlurmJobId> submit(const SubmitSpec& spec) override;
  Status cancel(SlurmJobId id) override;
  Status hold(SlurmJobId id) override;
  Status release(SlurmJobId id) override;
  Status set_priority(SlurmJobId id, uint32_t priority) override;
  Status set_node_list(SlurmJobId id, const std::string& node_list) override;
  Result<std::vector<BackendNode>> nodes() override;
  Result<std::vector<BackendJob>> list_jobs() override;
  Result<std::vector<AccountingRecord>> accounting(const std::vector<SlurmJobId>& ids) override;

  // The next submit fails with `status` (as sbatch would, e.g. for a node configuration Slurm cannot satisfy).
  void fail_next_submit(Status status) { fail_next_submit_ = std::move(status); }
  // Every call fails with `status` until cleared with Status::ok() (the controller is down).
  void set_unavailable(Status status) { unavailable_ = std::move(status); }
  size_t submit_count() const { return jobs_.size(); }
  // Takes a node out of service (as `scontrol update State=DRAIN` would) or back.
  void set_node_usable(const std::string& name, bool usable);
  // A node joins the cluster, or leaves it (as slurm.conf and `scontrol reconfigure` would); a node running a job
  // cannot leave, and a name is not added twice.
  Status add_node(FakeNode node);
  Status remove_node(const std::string& name);
  // The nodes a job was last required to run on ("" when none).
  std::string required_nodes(SlurmJobId id) const;
  // The spec a job was submitted with (as sbatch received it), for checks.
  const SubmitSpec* spec(SlurmJobId id) const;

 private:
  struct Job {
    SubmitSpec spec;
    BackendJob view;
    int64_t run_s = 0;
    bool held = false;
    std::vector<std::string> required_nodes;  // empty: any
    std::vector<size_t> nodes;  // indices into nodes_ while running
  };
  // Moves the cluster forward to the clock's now: ends and starts jobs in time order.
  void update();
  void schedule(int64_t now_s);
  void finish(Job& job, int64_t end_s, JobState state);
  Job* find(SlurmJobId id);

  std::vector<FakeNode> nodes_;
  std::vector<uint32_t> free_;  // per node
  std::vector<bool> usable_;    // per node
  const Clock* clock_;
  int64_t last_update_s_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Job> jobs_;
  std::optional<Status> fail_next_submit_;
  Status unavailable_;
};

// Seconds the fake runs a script: the sum of its `sleep N` commands (whole seconds).
int64_t fake_run_time_s(std::string_view script);

}  // namespace bitgoeul::npu_slurm
