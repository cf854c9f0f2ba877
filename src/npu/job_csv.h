#pragma once
// The generic job CSV (documented in docs/npu-formats.md): one job per row, header names the columns.
//   name,tenant,submit_s,duration_s[,time_limit_s,devices,share_milli,types,locality,gang,preemptible,checkpoint_s,
//   cpu_milli,memory_mib]
// `types` is "RNGD:1.0|H100:2.5" (type:relative speed; empty = every type at speed 1). Bad rows fail with the
// file and line.

#include <string>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/job.h"
#include "npu/tenant_lookup.h"

namespace bitgoeul::npu {

Result<Workload> read_job_csv(const std::string& path, const Cluster& cluster, TenantLookup& tenants);
Result<Workload> parse_job_csv(std::string text, const std::string& source_name, const Cluster& cluster,
                               TenantLookup& tenants);
// Writes jobs in the same format (round-trips through read_job_csv).
Status write_job_csv(const Workload& workload, const Cluster& cluster, const Tenants& tenants,
                     const std::string& path);

}  // namespace bitgoeul::npu
