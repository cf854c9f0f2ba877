#pragma once
// Placement: which devices a job gets once the policy has decided to start it. Policies choose *which* job runs;
// placements choose *where*, behind this one interface so any policy runs with any placement.
//
//   first-fit  lowest-numbered devices that fit (Slurm's default linear selection)
//   best-fit   the tightest node or device that fits (least free capacity left), packing partly used hardware
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
  uint32_t device_count = 1;
  uint32_t milli_per_device = kMilliPerDevice;  // < 1000: a share of one device (device_count == 1)
  Locality locality = Locality::kAny;
};

// One class of the workload's request mix with its relative frequency (for fgd).
struct DemandClass {
  uint32_t device_count = 1;
  uint32_t milli_per_device = kMilliPerDevice;
  double weight = 1.0;
};

class Placement {
 public:
  virtual ~Placement() = default;
  virtual std::string_view name() const = 0;
  // Devices for `request` on `state`, never using a device whose `blocked` entry is non-zero (blocked may be
  // null). nullopt when the request does not fit. Deterministic: ties go to the lowest index.
  virtual std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                          const std::vector<uint8_t>* blocked) const = 0;
  // The expected request mix; only fragmentation-aware placements use it.
  virtual void set_demand(std::vector<DemandClass> /*demand*/) {}
};

// FGD's fragmentation measure of one node (Weng et al., ATC 2023): the free thousandths that a request drawn from
// `demand` (weights summing to 1) could not use, in expectation. For a share of m milli, the free thousandths on
// devices with less than m free; for a gang of k whole devices, everything free on the node when fewer than k
// devices are wholly free, otherwise the free thousandths of partly used devices. `free_milli` holds the node's
// devices' free thousandths.
double expected_fragmentation_milli(const uint32_t* free_milli, uint32_t device_count,
                                    const std::vector<DemandClass>& demand);
// The demand mix with weights scaled to sum to 1.
std::vector<DemandClass> normalised(std::vector<DemandClass> demand);

std::vector<std::string> placement_names();
Result<std::unique_ptr<Placement>> make_placement(std::string_view name);
// The request mix of a workload, by (device count, share), weights = job counts.
std::vector<DemandClass> demand_of(const Workload& workload);

}  // namespace bitgoeul::npu
