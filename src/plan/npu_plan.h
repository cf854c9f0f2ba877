#pragma once
// `bitgoeul plan npu`: which mix of NPU and GPU nodes a workload needs, and what it costs. A sweep file
// (docs/capacity-planning.md) names a base cluster, its tenants, a workload (a trace, or synthetic jobs) with
// growth levels (arrival-rate multipliers), the node counts to sweep per device type, the scheduling policies, a
// queueing target and a cost model. Every point is one deterministic simulation of the workload on the base
// cluster with its node counts changed; per growth level the cheapest mix meeting the target is chosen.
//
// A mix that cannot run the workload at all — tenants' guaranteed quotas larger than the mix, or jobs whose
// device types or gang sizes it lacks — is kept as an infeasible point with the reason, costed, never chosen.

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/job.h"
#include "npu/tenants.h"
#include "plan/cost_model.h"
#include "plan/sweep_runner.h"

namespace bitgoeul::plan {

struct NpuTarget {
  double max_wait_p95_s = std::numeric_limits<double>::infinity();  // queueing delay, 95th percentile
  double max_jct_p95_s = std::numeric_limits<double>::infinity();
  double min_finished = 1.0;  // share of jobs that ran to the end
};

struct NpuSweep {
  std::string path;
  std::string cluster;  // base cluster TOML
  std::string tenants;  // optional tenants TOML
  std::string cost_model;
  std::string placement = "best-fit";
  std::string trace;          // job CSV or openb pod list; empty with synthetic
  size_t synthetic_jobs = 0;  // > 0: this many synthetic jobs at growth 1
  std::string runtimes;       // the Philly run-time CSV of synthetic jobs
  uint64_t seed = 1;
  std::vector<double> growth;  // ascending arrival-rate multipliers; default {1}
  std::vector<std::string> policies;
  // Node counts to sweep, by device type name; types left out keep the base cluster's count.
  std::map<std::string, std::vector<uint32_t>> nodes;
  NpuTarget target;
};

// Errors name the file, line and key.
Result<NpuSweep> read_npu_sweep(const std::string& path);

// The base cluster with `nodes[type]` nodes of each type named (others as they are): the type's nodes of the
// base are repeated in order (copies named "<node>~<k>"), or the first ones kept. Errors: a type not in the
// cluster, or more than zero nodes of a type the base has none of (no node to copy).
Result<npu::Cluster> scale_cluster(const npu::Cluster& base, const std::map<std::string, uint32_t>& nodes);

// A trace at `growth` times its arrival rate over the same span: each job kept ⌊g⌋ times and once more with
// probability g − ⌊g⌋ (seeded); copies after the first ("<name>#k") submitted at a seeded offset within
// ±jitter_s (not before 0). Sorted by submission.
npu::Workload scale_workload(const npu::Workload& workload, double growth, uint64_t seed, int64_t jitter_s);

struct NpuPoint {
  double growth = 1.0;
  std::string policy;
  std::map<std::string, uint32_t> nodes;  // every device type of the cluster
};
nlohmann::json npu_point_params(const NpuPoint& point);

struct NpuPointMetrics {
  bool feasible = true;
  std::string reason;  // why not, when infeasible
  uint64_t jobs = 0, finished = 0, never_started = 0, preemptions = 0;
  double wait_mean_s = 0, wait_p50_s = 0, wait_p95_s = 0, wait_max_s = 0;
  double jct_mean_s = 0, jct_p50_s = 0, jct_p95_s = 0;
  double makespan_s = 0;
  double utilisation = 0;
  std::map<std::string, double> utilisation_by_type;
};
nlohmann::json npu_metrics_json(const NpuPointMetrics& metrics);
Result<NpuPointMetrics> npu_metrics_from_json(const nlohmann::json& json);

class NpuPlanner {
 public:
  static Result<std::unique_ptr<NpuPlanner>> create(const NpuSweep& sweep);

  const NpuSweep& sweep() const { return sweep_; }
  const npu::Cluster& base_cluster() const { return base_; }
  const std::vector<NpuPoint>& points() const { return points_; }
  const std::vector<SweepPoint>& sweep_points() const { return sweep_points_; }
  size_t jobs_at(size_t growth_level) const { return workloads_[growth_level].jobs.size(); }

  // Simulates point `index`. Safe to call from several threads at once.
  Result<nlohmann::json> run_point(size_t index) const;
  // The mix of point `index` (for costs and reports).
  Result<npu::Cluster> cluster_of(size_t index) const;

 private:
  NpuPlanner() = default;

  NpuSweep sweep_;
  npu::Cluster base_;
  npu::Tenants tenants_;
  std::vector<npu::Workload> workloads_;  // per growth level
  std::vector<NpuPoint> points_;
  std::vector<size_t> point_level_;
  std::vector<SweepPoint> sweep_points_;
};

struct NpuOption {
  NpuPoint point;
  NpuPointMetrics metrics;
  NpuCost cost;
  uint32_t cards = 0;
  bool meets_target = false;
  bool on_front = false;  // cost vs p95 queueing delay, within its growth level, feasible options only
};

struct NpuPlan {
  std::vector<NpuOption> options;
  std::vector<double> growth_levels;
  std::vector<std::optional<size_t>> chosen;  // per growth level: the cheapest option meeting the target
};

Result<NpuPlan> make_npu_plan(const NpuPlanner& planner, const NpuCostModel& model,
                              const std::vector<nlohmann::json>& metrics);
Status write_npu_plan(const NpuPlanner& planner, const NpuPlan& plan, const std::string& directory);

}  // namespace bitgoeul::plan
