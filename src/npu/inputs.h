#pragma once
// Loads a cluster, tenants and a workload from the paths a user gives, choosing the reader by content:
//   cluster: *.toml (docs/npu-formats.md) or an openb node list CSV (header has `gpu` and `model`)
//   tenants: *.toml, or none (every tenant named by the trace becomes an unlimited project)
//   trace:   an openb pod list CSV (header has `gpu_milli`), a Helios cluster_log.csv (header has `gpu_num` and
//            `node_num`), a Philly cluster_job_log (*.json or named cluster_job_log), a generic job CSV, or "synthetic:N" — N jobs from
//            the seeded Philly-calibrated generator (needs the Philly run-time CSV)

#include <cstdint>
#include <string>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/job.h"
#include "npu/tenants.h"

namespace bitgoeul::npu {

struct Inputs {
  Cluster cluster;
  Tenants tenants;
  Workload workload;
};

struct InputPaths {
  std::string cluster;
  std::string tenants;  // empty: none
  std::string trace;
  std::string philly_runtimes;  // for synthetic traces
  uint64_t seed = 1;
};

Result<Inputs> load_inputs(const InputPaths& paths);

}  // namespace bitgoeul::npu
