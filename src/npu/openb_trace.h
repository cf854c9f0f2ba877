#pragma once
// Readers for Alibaba's "openb" GPU-sharing trace (clusterdata, cluster-trace-gpu-v2023; Weng et al., "Beware of
// Fragmentation", USENIX ATC 2023).
//
// Node list (sn,cpu_milli,memory_mib,gpu,model): every node with GPUs becomes a node of a device type named after
// its model (G1, T4, V100M32, ... stay distinct), shareable in thousandths (resource "nvidia.com/gpu"), with its
// CPU (milli-cores) and memory (MiB) when those columns are present; nodes without GPUs are skipped. The trace has
// no topology, so all nodes share one rack.
//
// Pod list (name,...,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time): each pod
// with GPUs becomes a job submitted at creation_time that runs deletion_time - scheduled_time seconds (the
// observed lifetime; deletion_time - creation_time when it never ran); gpu_milli < 1000 with num_gpu = 1 is a
// fractional share; gpu_spec ("V100M16|V100M32") restricts the device types (empty or "nan": any); cpu_milli and
// memory_mib, when present, are the pod's CPU and memory. The trace names no users, so each pod's QoS class (LS,
// BE, Burstable, ...) serves as its tenant. CPU-only pods are counted in skipped_rows.

#include <string>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/job.h"
#include "npu/tenant_lookup.h"

namespace bitgoeul::npu {

Result<Cluster> read_openb_nodes(const std::string& path);
Result<Workload> read_openb_pods(const std::string& path, const Cluster& cluster, TenantLookup& tenants);

// The request of one pod, without times (order-only pod lists such as multigpu50 have none).
struct PodRequest {
  uint32_t device_count = 1;                    // 0: a CPU pod
  uint32_t milli_per_device = kMilliPerDevice;  // < 1000: a share of one GPU
  uint64_t cpu_milli = 0;
  uint64_t memory_mib = 0;
  std::vector<DeviceTypeIndex> types;  // GPU models of `cluster` it accepts (gpu_spec); empty: any
};
// The requests of a pod list in file order, CPU pods included. gpu_spec must name models of `cluster`.
Result<std::vector<PodRequest>> read_openb_pod_requests(const std::string& path, const Cluster& cluster);

}  // namespace bitgoeul::npu
