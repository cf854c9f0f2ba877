#include "npu/cluster_state.h"

namespace bitgoeul::npu {

ClusterState::ClusterState(const Cluster& cluster)
    : cluster_(&cluster),
      used_milli_(cluster.device_count(), 0),
      node_free_devices_(cluster.nodes.size(), 0),
      type_free_devices_(cluster.device_types.size(), 0),
      type_free_milli_(cluster.device_types.size(), 0),
      type_nodes_(cluster.device_types.size()) {
  for (NodeIndex n = 0; n < cluster.nodes.size(); ++n) {
    const Node& node = cluster.nodes[n];
    node_free_devices_[n] = node.device_count;
    type_free_devices_[node.type] += node.device_count;
    type_free_milli_[node.type] += static_cast<int64_t>(node.device_count) * kMilliPerDevice;
    type_nodes_[node.type].push_back(n);
  }
}

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
  }
  type_free_milli_[allocation.type] -= allocation.total_milli();
  ++version_;
}

void ClusterState::release(const Allocation& allocation) {
  for (DeviceIndex device : allocation.devices) {
    used_milli_[device] -= allocation.milli_per_device;
    if (used_milli_[device] == 0) {
      ++node_free_devices_[cluster_->device_node[device]];
      ++type_free_devices_[allocation.type];
    }
  }
  type_free_milli_[allocation.type] += allocation.total_milli();
  ++version_;
}

bool ClusterState::fits(const Allocation& allocation) const {
  for (DeviceIndex device : allocation.devices) {
    if (device >= used_milli_.size()) return false;
    if (cluster_->nodes[cluster_->device_node[device]].type != allocation.type) return false;
    if (free_milli(device) < allocation.milli_per_device) return false;
  }
  return true;
}

}  // namespace bitgoeul::npu
