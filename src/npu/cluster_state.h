#pragma once
// Which thousandths of which devices are in use. Kept data-oriented (flat arrays indexed by device and node) so
// placement scans touch contiguous memory, and cheap to copy for what-if planning (backfill reservations).

#include <cstdint>
#include <vector>

#include "npu/cluster.h"

namespace bitgoeul::npu {

// The devices granted to one job: `milli_per_device` of each (1000 for whole devices).
struct Allocation {
  DeviceTypeIndex type = 0;
  uint32_t milli_per_device = kMilliPerDevice;
  std::vector<DeviceIndex> devices;

  int64_t total_milli() const { return static_cast<int64_t>(milli_per_device) * static_cast<int64_t>(devices.size()); }
};

class ClusterState {
 public:
  // REQUIRES: `cluster` outlives the state.
  explicit ClusterState(const Cluster& cluster);

  const Cluster& cluster() const { return *cluster_; }
  uint32_t used_milli(DeviceIndex device) const { return used_milli_[device]; }
  uint32_t free_milli(DeviceIndex device) const { return kMilliPerDevice - used_milli_[device]; }
  // Devices with nothing allocated.
  uint32_t free_devices_on_node(NodeIndex node) const { return node_free_devices_[node]; }
  uint32_t free_devices_of_type(DeviceTypeIndex type) const { return type_free_devices_[type]; }
  int64_t free_milli_of_type(DeviceTypeIndex type) const { return type_free_milli_[type]; }
  int64_t used_milli_of_type(DeviceTypeIndex type) const;
  // Nodes holding devices of `type`, in node order.
  const std::vector<NodeIndex>& nodes_of_type(DeviceTypeIndex type) const { return type_nodes_[type]; }
  // Changes on every allocate/release: lets callers cache "does not fit" answers.
  uint64_t version() const { return version_; }

  // REQUIRES: every device has milli_per_device free and is of allocation.type.
  void allocate(const Allocation& allocation);
  // REQUIRES: the allocation is currently held.
  void release(const Allocation& allocation);
  // True when `allocation` could be allocated now (used by invariant checks and tests).
  bool fits(const Allocation& allocation) const;

 private:
  const Cluster* cluster_;
  std::vector<uint32_t> used_milli_;
  std::vector<uint32_t> node_free_devices_;
  std::vector<uint32_t> type_free_devices_;
  std::vector<int64_t> type_free_milli_;
  std::vector<std::vector<NodeIndex>> type_nodes_;
  uint64_t version_ = 0;
};

}  // namespace bitgoeul::npu
