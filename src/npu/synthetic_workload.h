#pragma once
// A seeded synthetic workload calibrated to published traces:
// - run times drawn from an empirical distribution, by default the 83,154 Microsoft Philly job run times (Jeon et
//   al., USENIX ATC 2019) as extracted in Alibaba's clusterdata (read_philly_runtimes);
// - Poisson arrivals, by default at Philly's mean rate: 117,325 jobs submitted 2017-08-07 .. 2017-12-22 (137
//   days, per the msr-fiddle/philly-traces README) = one job every 100.9 s;
// - job sizes and fractional shares drawn from the GPU pods of Alibaba's openb default pod list (7,054 GPU pods:
//   3,911 whole single GPUs, 3,078 fractional shares, 16 of 2 GPUs, 15 of 4, 44 of 8), the published size
//   distribution at hand; fractional shares are uniform on 100..900 milli in steps of 100;
// - 33% of jobs restricted to one device type (openb's gpuspec33 variant), the rest accept every type at its
//   listed relative speed.
// Time limits are not in either trace: the generator assumes users ask for run time × U[1, 3] (an assumption,
// flagged as such in docs/npu-formats.md).

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/job.h"
#include "npu/tenants.h"

namespace bitgoeul::npu {

struct SyntheticOptions {
  uint64_t seed = 1;
  size_t job_count = 1000;
  double mean_interarrival_s = 137.0 * 86400.0 / 117325.0;
  std::vector<int64_t> runtimes_s;  // the empirical distribution; REQUIRED non-empty
  // Probabilities of 1, 2, 4 and 8 whole devices and of a fractional share (normalised on use).
  double p_fractional = 3078.0;
  double p_one = 3911.0;
  double p_two = 16.0;
  double p_four = 15.0;
  double p_eight = 44.0;
  double p_single_type = 0.33;
  double p_preemptible = 0.5;
  int64_t checkpoint_s = 60;
  double max_limit_factor = 3.0;  // time limit = run time × U[1, max_limit_factor]
  std::vector<double> type_speeds;  // per device type; empty = all 1.0
};

// Jobs go round-robin-at-random to the leaf projects of `tenants`. Deterministic in options.seed.
Result<Workload> generate_synthetic(const SyntheticOptions& options, const Cluster& cluster, const Tenants& tenants);

// The Philly run times (one column `runtime`, seconds, as floats); zero run times become 1 s.
Result<std::vector<int64_t>> read_philly_runtimes(const std::string& path);

}  // namespace bitgoeul::npu
