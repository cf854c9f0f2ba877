#include "npu/cluster_state.h"

#include <algorithm>
#include <atomic>

namespace bitgoeul::npu {
namespace {

uint64_t next_stamp() {
  static std::atomic<uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

uint64_t share_bound(uint64_t total, uint32_t devices, uint32_t count) {
  if (count == 0 || devices >= count) return total;
  // total <= kMaxHostResource (1e12) and devices < count <= 1024: the product fits in 64 bits.
  return (total * devices + count - 1) / count;
}

std::vector<NodeShare> node_shares(const Cluster& cluster, const Allocation& allocation) {
  std::vector<NodeShare> shares;
  if (allocation.devices.empty()) {
    if (allocation.host != kNoNode) shares.push_back({allocation.host, 0, allocation.cpu_milli, allocation.memory_mib});
    return shares;
  }
  const auto count = static_cast<uint64_t>(allocation.devices.size());
  for (DeviceIndex d : allocation.devices) {
    const NodeIndex node = cluster.device_node[d];
    bool found = false;
    for (NodeShare& share : shares) {
      if (share.node == node) {
        ++share.devices;
        found = true;
        break;
      }
    }
    if (!found) shares.push_back({node, 1, 0, 0});
  }
  uint64_t before = 0;
  for (NodeShare& share : shares) {
    const uint64_t after = before + share.devices;
    share.cpu_milli = allocation.cpu_milli * after / count - allocation.cpu_milli * before / count;
    share.memory_mib = allocation.memory_mib * after / count - allocation.memory_mib * before / count;
    before = after;
  }
  return shares;
}

ClusterState::ClusterState(const Cluster& cluster)
    : cluster_(&cluster),
      used_milli_(cluster.device_count(), 0),
      node_free_devices_(cluster.nodes.size(), 0),
      node_free_milli_(cluster.nodes.size(), 0),
      node_free_cpu_(cluster.nodes.size(), 0),
      node_free_memory_(cluster.nodes.size(), 0),
      node_stamp_(cluster.nodes.size(), 0),
      type_free_devices_(cluster.device_types.size(), 0),
      type_free_milli_(cluster.device_types.size(), 0),
      type_nodes_(cluster.device_types.size()) {
  for (NodeIndex n = 0; n < cluster.nodes.size(); ++n) {
    const Node& node = cluster.nodes[n];
    node_free_devices_[n] = node.device_count;
    node_free_milli_[n] = static_cast<int64_t>(node.device_count) * kMilliPerDevice;
    node_free_cpu_[n] = node.cpu_milli == 0 ? kUnmodelled : node.cpu_milli;
    node_free_memory_[n] = node.memory_mib == 0 ? kUnmodelled : node.memory_mib;
    node_stamp_[n] = next_stamp();
    type_free_devices_[node.type] += node.device_count;
    type_free_milli_[node.type] += static_cast<int64_t>(node.device_count) * kMilliPerDevice;
    type_nodes_[node.type].push_back(n);
    max_node_milli_ = std::max(max_node_milli_, node_free_milli_[n]);
    max_node_cpu_milli_ = std::max(max_node_cpu_milli_, node.cpu_milli);
  }
}

void ClusterState::touch(NodeIndex node) { node_stamp_[node] = next_stamp(); }

int64_t ClusterState::used_milli_of_type(DeviceTypeIndex type) const {
  int64_t total = 0;
  for (NodeIndex n : type_nodes_[type]) total += static_cast<int64_t>(cluster_->nodes[n].device_count) * kMilliPerDevice;
  return total - type_free_milli_[type];
}

void ClusterState::allocate(const Allocation& allocation) {
  for (DeviceIndex device : allocation.devices) {
    if (used_milli_[device] == 0) {
      --node_free_devices_[cluster_->device_node[device]];
      --type_free_devices_[allocation.type];
    }
    used_milli_[device] += allocation.milli_per_device;
    node_free_milli_[cluster_->device_node[device]] -= allocation.milli_per_device;
  }
  type_free_milli_[allocation.type] -= allocation.total_milli();
  if (allocation.cpu_milli == 0 && allocation.memory_mib == 0) {
    for (DeviceIndex device : allocation.devices) touch(cluster_->device_node[device]);
    if (allocation.host != kNoNode) touch(allocation.host);
  } else {
    for (const NodeShare& share : node_shares(*cluster_, allocation)) {
      node_free_cpu_[share.node] -= share.cpu_milli;
      node_free_memory_[share.node] -= share.memory_mib;
      touch(share.node);
    }
  }
  ++version_;
}

void ClusterState::release(const Allocation& allocation) {
  for (DeviceIndex device : allocation.devices) {
    used_milli_[device] -= allocation.milli_per_device;
    node_free_milli_[cluster_->device_node[device]] += allocation.milli_per_device;
    if (used_milli_[device] == 0) {
      ++node_free_devices_[cluster_->device_node[device]];
      ++type_free_devices_[allocation.type];
    }
  }
  type_free_milli_[allocation.type] += allocation.total_milli();
  if (allocation.cpu_milli == 0 && allocation.memory_mib == 0) {
    for (DeviceIndex device : allocation.devices) touch(cluster_->device_node[device]);
    if (allocation.host != kNoNode) touch(allocation.host);
  } else {
    for (const NodeShare& share : node_shares(*cluster_, allocation)) {
      node_free_cpu_[share.node] += share.cpu_milli;
      node_free_memory_[share.node] += share.memory_mib;
      touch(share.node);
    }
  }
  ++version_;
}

bool ClusterState::fits(const Allocation& allocation) const {
  if (allocation.devices.empty()) {
    if (allocation.host >= cluster_->nodes.size()) return false;
  } else if (allocation.host != kNoNode) {
    return false;
  }
  std::vector<uint32_t> taken;
  for (DeviceIndex device : allocation.devices) {
    if (device >= used_milli_.size()) return false;
    if (cluster_->nodes[cluster_->device_node[device]].type != allocation.type) return false;
    if (free_milli(device) < allocation.milli_per_device) return false;
    taken.push_back(device);
  }
  std::sort(taken.begin(), taken.end());
  if (std::adjacent_find(taken.begin(), taken.end()) != taken.end()) return false;
  for (const NodeShare& share : node_shares(*cluster_, allocation)) {
    if (node_free_cpu_[share.node] < share.cpu_milli || node_free_memory_[share.node] < share.memory_mib) return false;
  }
  return true;
}

}  // namespace bitgoeul::npu
