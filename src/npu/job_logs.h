#pragma once
// Readers for the published schemas of two full GPU-cluster job logs (the logs themselves are not in
// ../shared/data; the tests use small handwritten files in the same schemas).
//
// Microsoft Philly (msr-fiddle/philly-traces, `cluster_job_log`; Jeon et al., USENIX ATC 2019): one JSON array of
// jobs {"jobid", "user", "vc", "status", "submitted_time", "attempts": [{"start_time", "end_time", "detail":
// [{"ip", "gpus": [...]}]}]}, times as "YYYY-MM-DD HH:MM:SS" (null or "None" where unknown). A job becomes one
// gang: its devices are the GPUs of its last attempt with any (the machines it spanned: one machine = node
// locality), its duration the summed length of its attempts that have both times, its tenant its virtual cluster
// (vc). Jobs that never ran (no attempt with GPUs and both times) are counted in skipped_rows.
//
// SenseTime Helios (S-Lab-System-Group/HeliosData, `cluster_log.csv`; Hu et al., SC 2021): columns job_id, user,
// vc, jobname, gpu_num, cpu_num, node_num, state, submit_time, start_time, end_time, duration, queue (user,
// jobname, state and queue optional here). A row with gpu_num > 0 and duration > 0 becomes a job of gpu_num
// devices (node locality when node_num = 1) with cpu_num cores, running `duration` seconds, tenant vc; CPU-only
// rows and rows that never ran are counted in skipped_rows.
//
// Both: submission times become seconds after the earliest submission in the file; every device type of the
// cluster is acceptable at speed 1 (the logs name no accelerator model). Errors name the file and line (for
// Philly, the line where the job's object starts) and the field.

#include <string>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/job.h"
#include "npu/tenant_lookup.h"

namespace bitgoeul::npu {

Result<Workload> read_philly_job_log(const std::string& path, const Cluster& cluster, TenantLookup& tenants);
Result<Workload> parse_philly_job_log(const std::string& text, const std::string& source_name, const Cluster& cluster,
                                      TenantLookup& tenants);

Result<Workload> read_helios_log(const std::string& path, const Cluster& cluster, TenantLookup& tenants);
Result<Workload> parse_helios_log(std::string text, const std::string& source_name, const Cluster& cluster,
                                  TenantLookup& tenants);

// "YYYY-MM-DD HH:MM:SS" as seconds since 1970-01-01 00:00:00 (the logs' local time, taken as is); nullopt when
// malformed or out of range (years 1970–9999).
std::optional<int64_t> parse_log_time(std::string_view text);

}  // namespace bitgoeul::npu
