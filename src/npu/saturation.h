#pragma once
// The saturation experiment of FGD (Weng et al., "Beware of Fragmentation", USENIX ATC 2023): pods arrive one by
// one onto an empty cluster and never leave; each is placed by the placement under test or, when nothing holds it,
// fails and is dropped. As the arrived GPU demand grows towards the cluster's capacity, a fragmenting placement
// fails pods earlier and leaves more demand unallocated.
//
// Pods arrive in pod-list order; when the list ends it starts again from the top (the default openb list asks for
// 98% of the openb cluster, so a 100% target needs a few repeats). With a sample seed, each arrival is instead drawn
// uniformly, with replacement, from the list (seeded, deterministic) — as FGD's artifact inflates and shuffles the
// list. The full model keeps each node's GPU model, CPU and memory and each pod's CPU, memory and gpu_spec; CPU
// pods arrive too (they take CPU and memory, and count for nothing in the GPU demand). The GPU-only model
// (options.gpu_only) is the earlier simplification: one pooled GPU type, no CPU or memory, CPU pods and gpu_spec
// ignored.
//
// Measures, all as fractions of the cluster's GPU capacity: arrived GPU demand, allocated, unallocated (arrived −
// allocated: the demand that found no room) and fragmented (FGD's measure: the free capacity a GPU pod drawn from
// the list's request mix could not use, in expectation, summed over nodes).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/openb_trace.h"
#include "npu/placement/placement.h"

namespace bitgoeul::npu {

struct SaturationOptions {
  double target_arrived = 1.0;  // stop once the arrived demand reaches this fraction of capacity
  double step = 0.01;           // the curve gets a point each time the arrived demand crosses a multiple of this
  uint64_t sample_seed = 0;     // 0: list order; otherwise arrivals drawn from the list with this seed
  bool gpu_only = false;        // the GPU-only model (see above)
};

struct SaturationPoint {
  double arrived = 0.0;
  double allocated = 0.0;
  double unallocated = 0.0;
  double fragmented = 0.0;
  size_t pods_arrived = 0;      // GPU pods
  size_t pods_failed = 0;       // GPU pods
  size_t cpu_pods_arrived = 0;
  size_t cpu_pods_failed = 0;
};

struct SaturationResult {
  std::string placement;
  double capacity_gpus = 0.0;
  std::optional<SaturationPoint> first_failure;  // the state just before the first pod that found no room
  SaturationPoint end;                           // at the target
  std::vector<SaturationPoint> curve;
};

// The cluster with every node's devices of one type "GPU" (shareable in thousandths), node order kept.
Cluster single_type_cluster(const Cluster& cluster);

// `placement` gets the GPU pods' request mix through set_demand. Fails when no pod asks for a GPU.
Result<SaturationResult> saturate(const Cluster& cluster, const std::vector<PodRequest>& pods, Placement& placement,
                                  const SaturationOptions& options);

// saturation.csv: placement, arrived, allocated, unallocated, fragmented, pods_arrived, pods_failed,
// cpu_pods_arrived, cpu_pods_failed per point.
Status write_saturation_csv(const std::vector<SaturationResult>& results, const std::string& path);

}  // namespace bitgoeul::npu
