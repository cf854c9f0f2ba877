#pragma once
// A job as the scheduler sees it: who submits it, when, what it may run on and how long it takes there.

#include <cstdint>
#include <string>
#include <vector>

#include "npu/cluster.h"
#include "npu/tenants.h"

namespace bitgoeul::npu {

using JobIndex = uint32_t;

// Bounds that keep every simulated time far from int64 overflow, even summed over many jobs and restarts:
// times and durations up to 10^11 s (about 3,000 years), speeds within [1/1000, 1000].
inline constexpr int64_t kMaxTimeS = 100'000'000'000;
inline constexpr double kMinSpeed = 1e-3;
inline constexpr double kMaxSpeed = 1e3;

// A device type the job accepts and how fast it runs there relative to its reference duration (2.0 = twice as
// fast): heterogeneity as in Gavel's throughput matrix, one row per job.
struct JobOption {
  DeviceTypeIndex type = 0;
  double speed = 1.0;
};

// Where the devices of a multi-device gang may lie.
enum class Locality { kAny, kRack, kNode };
const char* locality_name(Locality locality);

struct Job {
  std::string name;
  TenantIndex tenant = 0;
  int64_t submit_s = 0;
  int64_t duration_s = 1;    // actual run time at speed 1.0, excluding checkpoint restores
  int64_t time_limit_s = 0;  // the user's limit at speed 1.0 (Slurm --time); 0 = none. A job is killed there.
  uint32_t device_count = 1;  // whole devices, all started together (a gang); 1 with share_milli
  uint32_t share_milli = 0;   // 0: whole devices; otherwise a fraction of one device in thousandths
  std::vector<JobOption> options;  // non-empty; preferred (fastest) first
  Locality locality = Locality::kAny;
  bool preemptible = false;
  int64_t checkpoint_s = 0;  // time lost on every restart after a preemption (restore from checkpoint)
  uint64_t cpu_milli = 0;    // host CPU for the whole job, milli-cores (0: none asked)
  uint64_t memory_mib = 0;   // host memory for the whole job, MiB (0: none asked)

  bool is_fractional() const { return share_milli != 0; }
  // The limit used for reservations and estimates: the time limit if set, else the duration.
  int64_t estimate_s() const { return time_limit_s > 0 ? time_limit_s : duration_s; }
};

// Seconds to run `work_s` of reference work at `speed` (rounded up, at least 1).
int64_t scaled_duration_s(int64_t work_s, double speed);

// Jobs sorted by submission time (ties by input order), plus the tenants they refer to.
struct Workload {
  std::vector<Job> jobs;
  size_t skipped_rows = 0;  // input rows that were valid but carried no accelerator demand
};

// The most devices of `type` that one node, one rack or the whole cluster (per locality) holds.
uint32_t max_group_devices(const Cluster& cluster, DeviceTypeIndex type, Locality locality);

// Checks one job against the cluster: known types, partitions available, gang not larger than the cluster, times
// within [0, kMaxTimeS], speeds within [kMinSpeed, kMaxSpeed], CPU and memory within kMaxHostResource and, for a
// job confined to one node, held by some node of an acceptable type.
Status validate_job(const Job& job, const Cluster& cluster, const Tenants& tenants);
// Stable sort by submit_s.
void sort_by_submission(Workload& workload);

}  // namespace bitgoeul::npu
