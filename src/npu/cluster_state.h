#pragma once
// Which thousandths of which devices, and how much of each node's CPU and memory, are in use. Kept data-oriented
// (flat arrays indexed by device and node) so placement scans touch contiguous memory, and cheap to copy for
// what-if planning (backfill reservations).

#include <cstdint>
#include <limits>
#include <vector>

#include "npu/cluster.h"

namespace bitgoeul::npu {

inline constexpr NodeIndex kNoNode = std::numeric_limits<NodeIndex>::max();

// The devices granted to one job: `milli_per_device` of each (1000 for whole devices), plus the job's CPU and
// memory. The host resources are spread over the nodes of `devices` in proportion to the devices taken there
// (node_shares); a job with no devices (CPU only, as openb's CPU pods) holds them on `host`.
struct Allocation {
  DeviceTypeIndex type = 0;
  uint32_t milli_per_device = kMilliPerDevice;
  std::vector<DeviceIndex> devices;
  uint64_t cpu_milli = 0;   // job total
  uint64_t memory_mib = 0;  // job total
  NodeIndex host = kNoNode;  // only for an allocation without devices

  int64_t total_milli() const { return static_cast<int64_t>(milli_per_device) * static_cast<int64_t>(devices.size()); }
};

// The CPU and memory that `allocation` holds on each of its nodes, as (node, cpu_milli, memory_mib), in the order
// its devices first reach each node. A node holding k of the n devices gets floor(total·c/n) − floor(total·p/n)
// where p devices come before it and c = p + k (so the shares sum to the totals exactly, and none exceeds
// ceil(total·k/n)).
struct NodeShare {
  NodeIndex node = 0;
  uint32_t devices = 0;
  uint64_t cpu_milli = 0;
  uint64_t memory_mib = 0;
};
std::vector<NodeShare> node_shares(const Cluster& cluster, const Allocation& allocation);
// The most `total` (of a job over `count` devices) that `devices` of them need on one node: ceil(total·devices/count).
uint64_t share_bound(uint64_t total, uint32_t devices, uint32_t count);

class ClusterState {
 public:
  // REQUIRES: `cluster` outlives the state.
  explicit ClusterState(const Cluster& cluster);

  const Cluster& cluster() const { return *cluster_; }
  uint32_t used_milli(DeviceIndex device) const { return used_milli_[device]; }
  uint32_t free_milli(DeviceIndex device) const { return kMilliPerDevice - used_milli_[device]; }
  // Devices with nothing allocated.
  uint32_t free_devices_on_node(NodeIndex node) const { return node_free_devices_[node]; }
  // Free thousandths summed over the node's devices.
  int64_t free_milli_on_node(NodeIndex node) const { return node_free_milli_[node]; }
  uint32_t free_devices_of_type(DeviceTypeIndex type) const { return type_free_devices_[type]; }
  int64_t free_milli_of_type(DeviceTypeIndex type) const { return type_free_milli_[type]; }
  int64_t used_milli_of_type(DeviceTypeIndex type) const;
  // Free CPU (milli-cores) and memory (MiB) of a node; kUnmodelled where the node does not model it.
  static constexpr uint64_t kUnmodelled = uint64_t{1} << 62;
  uint64_t free_cpu_milli(NodeIndex node) const { return node_free_cpu_[node]; }
  uint64_t free_memory_mib(NodeIndex node) const { return node_free_memory_[node]; }
  // The largest node's capacity in device thousandths and in CPU milli-cores (0 when no node models CPU).
  int64_t max_node_milli() const { return max_node_milli_; }
  uint64_t max_node_cpu_milli() const { return max_node_cpu_milli_; }
  // Nodes holding devices of `type`, in node order.
  const std::vector<NodeIndex>& nodes_of_type(DeviceTypeIndex type) const { return type_nodes_[type]; }
  // Changes on every allocate/release: lets callers cache "does not fit" answers.
  uint64_t version() const { return version_; }
  // A process-wide unique number for the node's current content: equal stamps (in this state or a copy) mean
  // equal free devices, CPU and memory on that node, so per-node results can be cached by stamp.
  uint64_t node_stamp(NodeIndex node) const { return node_stamp_[node]; }

  // REQUIRES: fits(allocation).
  void allocate(const Allocation& allocation);
  // REQUIRES: the allocation is currently held.
  void release(const Allocation& allocation);
  // True when `allocation` could be allocated now (used by invariant checks and tests): every device of its type
  // with milli_per_device free, every node with its share of CPU and memory free.
  bool fits(const Allocation& allocation) const;

 private:
  void touch(NodeIndex node);

  const Cluster* cluster_;
  std::vector<uint32_t> used_milli_;
  std::vector<uint32_t> node_free_devices_;
  std::vector<int64_t> node_free_milli_;
  std::vector<uint64_t> node_free_cpu_;
  std::vector<uint64_t> node_free_memory_;
  std::vector<uint64_t> node_stamp_;
  std::vector<uint32_t> type_free_devices_;
  std::vector<int64_t> type_free_milli_;
  std::vector<std::vector<NodeIndex>> type_nodes_;
  int64_t max_node_milli_ = 0;
  uint64_t max_node_cpu_milli_ = 0;
  uint64_t version_ = 0;
};

}  // namespace bitgoeul::npu
