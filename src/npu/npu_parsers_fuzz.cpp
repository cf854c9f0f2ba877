// libFuzzer target for the npu input parsers. The first byte chooses the parser ((its value − '0') mod 5; seeds use
// the characters '0' to '4'), an optional newline after it is skipped, and the rest is the file's text:
//   0  cluster TOML; a cluster that parses must validate, and a one-job trace must simulate on it
//   1  tenants TOML against a fixed two-type cluster; tenants that parse must validate
//   2  job CSV against that cluster (tenants from the trace); a small workload that parses must simulate under
//      every invariant check
//   3  Philly cluster_job_log (JSON) against that cluster; likewise
//   4  Helios cluster_log.csv against that cluster; likewise
// Any input must end in a result or an error Status; crashes, hangs, leaks and sanitizer reports are bugs, and so
// is a simulation that reports a broken invariant (std::abort).
// Seed corpus: tests/fuzz/npu_parsers/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "npu/cluster_file.h"
#include "npu/job_csv.h"
#include "npu/job_logs.h"
#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/simulator.h"
#include "npu/tenants.h"

namespace {

using namespace bitgoeul;
using namespace bitgoeul::npu;

constexpr size_t kMaxDevicesSimulated = 4096;
constexpr size_t kMaxJobsSimulated = 64;

const Cluster& fixed_cluster() {
  static const Cluster cluster = [] {
    Result<Cluster> parsed = parse_cluster(R"(
[[device_types]]
name = "RNGD"
resource = "furiosa.ai/rngd"
processing_elements = 8
  [[device_types.partitions]]
  processing_elements = 2
  resource = "furiosa.ai/rngd-2core.12gb"
[[device_types]]
name = "H100"
resource = "nvidia.com/gpu"
sharing = "milli"
[[nodes]]
name = "r"
device_type = "RNGD"
devices = 4
rack = "A"
[[nodes]]
name = "h"
device_type = "H100"
devices = 4
rack = "B"
)",
                                           "fixed.toml");
    if (!parsed.is_ok()) std::abort();
    return std::move(*parsed);
  }();
  return cluster;
}

void simulate_or_abort(const Cluster& cluster, const Tenants& tenants, const Workload& workload, uint8_t choice) {
  const std::vector<std::string> policies = policy_names();
  const std::vector<std::string> placements = placement_names();
  Result<std::unique_ptr<Policy>> policy = make_policy(policies[choice % policies.size()], {});
  Result<std::unique_ptr<Placement>> placement = make_placement(placements[(choice / 8) % placements.size()]);
  if (!policy.is_ok() || !placement.is_ok()) std::abort();
  (*placement)->set_demand(demand_of(workload));
  SimulationOptions options;
  options.verify = true;
  options.sample_interval_s = 60;
  const Result<SimulationResult> result = simulate(cluster, tenants, workload, **policy, **placement, options);
  if (!result.is_ok() && result.status().code() == ErrorCode::kInternal) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  size_t skip = 1;
  if (size > 1 && data[1] == '\n') skip = 2;
  std::string text(reinterpret_cast<const char*>(data) + skip, size - skip);
  switch ((selector + 256 - '0') % 5) {
    case 0: {
      Result<Cluster> cluster = parse_cluster(text, "fuzz.toml");
      if (!cluster.is_ok()) return 0;
      if (!validate(*cluster).is_ok()) std::abort();
      if (cluster->device_count() > kMaxDevicesSimulated) return 0;
      Tenants tenants;
      TenantLookup lookup(tenants, cluster->device_types.size(), true);
      Result<Workload> workload = parse_job_csv("name,tenant,submit_s,duration_s\nj,t,0,10\n", "j.csv", *cluster, lookup);
      if (workload.is_ok()) simulate_or_abort(*cluster, tenants, *workload, static_cast<uint8_t>(size));
      return 0;
    }
    case 1: {
      Result<Tenants> tenants = parse_tenants(text, "fuzz.toml", fixed_cluster());
      if (tenants.is_ok() && !validate(*tenants, fixed_cluster()).is_ok()) std::abort();
      return 0;
    }
    default: {
      Tenants tenants;
      TenantLookup lookup(tenants, fixed_cluster().device_types.size(), true);
      const int parser = (selector + 256 - '0') % 5;
      Result<Workload> workload =
          parser == 2   ? parse_job_csv(std::move(text), "fuzz.csv", fixed_cluster(), lookup)
          : parser == 3 ? parse_philly_job_log(text, "fuzz.json", fixed_cluster(), lookup)
                        : parse_helios_log(std::move(text), "fuzz.csv", fixed_cluster(), lookup);
      if (!workload.is_ok() || workload->jobs.size() > kMaxJobsSimulated) return 0;
      simulate_or_abort(fixed_cluster(), tenants, *workload, static_cast<uint8_t>(size));
      return 0;
    }
  }
}
