#pragma once
// Placement: which devices a job gets once the policy has decided to start it. Policies choose *which* job runs;
// placements choose *where*, behind this one interface so any policy runs with any placement.
//
//   first-fit  lowest-numbered devices that fit (Slurm's default linear selection)
//   best-fit   the tightest node that fits (least free capacity left: devices, and CPU where modelled, weighted
//              equally as in FGD's baseline), then its tightest device, packing partly used hardware
//   topology   fewest racks, then fewest nodes: a gang goes to one node if any holds it, else to the tightest
//              single rack, filling its emptiest nodes first (in the spirit of Slurm's topology/tree plugin)
//   fgd        fragmentation gradient descent (Weng et al., USENIX ATC 2023): the choice that least increases
//              the expected fragmentation of the node, measured against the workload's mix of request sizes

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "npu/cluster_state.h"
#include "npu/job.h"

namespace bitgoeul::npu {

struct PlacementRequest {
  DeviceTypeIndex type = 0;
  uint32_t device_count = 1;  // 0: CPU and memory only (a CPU pod of the openb trace)
  uint32_t milli_per_device = kMilliPerDevice;  // < 1000: a share of one device (device_count == 1)
  Locality locality = Locality::kAny;
  uint64_t cpu_milli = 0;   // host CPU for the whole request, spread over its nodes as node_shares() does
  uint64_t memory_mib = 0;  // host memory, likewise
  // When set: any of these types will do, equally (openb's gpu_spec "V100M16|V100M32"), and `type` is ignored.
  // A request spanning several nodes still takes all its devices from one type.
  const std::vector<DeviceTypeIndex>* any_of = nullptr;
};

// One class of the workload's request mix with its relative frequency (for fgd).
struct DemandClass {
  uint32_t device_count = 1;
  uint32_t milli_per_device = kMilliPerDevice;
  double weight = 1.0;
  uint64_t cpu_milli = 0;
  uint64_t memory_mib = 0;
  uint64_t type_mask = 0;  // bit t: device type t will do; 0: any type (and always for types >= 64)
};

// What is free on one node, as the fragmentation measure sees it.
struct NodeFree {
  const uint32_t* free_milli = nullptr;  // per device of the node
  uint32_t device_count = 0;
  DeviceTypeIndex type = 0;
  uint64_t free_cpu_milli = 0;
  uint64_t free_memory_mib = 0;
};

class Placement {
 public:
  virtual ~Placement() = default;
  virtual std::string_view name() const = 0;
  // Devices for `request` on `state`, never using a device whose `blocked` entry is non-zero (blocked may be
  // null). nullopt when the request does not fit. Deterministic: ties go to the lowest index.
  virtual std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                          const std::vector<uint8_t>* blocked) const = 0;
  // The expected request mix; only fragmentation-aware placements use it. A placement may cache results between
  // calls (fgd does), so one placement object serves one thread at a time.
  virtual void set_demand(std::vector<DemandClass> /*demand*/) {}
};

// FGD's fragmentation measure of one node (Weng et al., ATC 2023): the free thousandths that a request drawn from
// `demand` (weights summing to 1) could not use, in expectation. For a request the node cannot host at all — its
// device type is not acceptable, too little CPU or memory is free, or too few devices have enough free (k wholly
// free devices for a gang of k, one device with m free for a share of m) — everything free on the node; otherwise
// the free thousandths of devices with less than m free (m = 1000 for whole devices). A CPU-only class counts
// everything free, as in FGD.
double expected_fragmentation_milli(const NodeFree& node, const std::vector<DemandClass>& demand);
// The demand mix with weights scaled to sum to 1.
std::vector<DemandClass> normalised(std::vector<DemandClass> demand);

std::vector<std::string> placement_names();
Result<std::unique_ptr<Placement>> make_placement(std::string_view name);
// The request mix of a workload, by (device count, share, CPU, memory, acceptable types), weights = job counts.
std::vector<DemandClass> demand_of(const Workload& workload);

}  // namespace bitgoeul::npu
