#include "npu/cluster.h"

#include <set>

namespace bitgoeul::npu {

std::optional<uint32_t> granted_milli(const DeviceType& type, uint32_t request_milli) {
  if (request_milli == 0 || request_milli >= kMilliPerDevice) return std::nullopt;
  switch (type.sharing) {
    case Sharing::kWhole: return std::nullopt;
    case Sharing::kMilli: return request_milli;
    case Sharing::kPartitions:
      for (const Partition& partition : type.partitions) {
        if (partition.milli >= request_milli) return partition.milli;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<DeviceTypeIndex> Cluster::find_type(std::string_view type_name) const {
  for (DeviceTypeIndex i = 0; i < device_types.size(); ++i) {
    if (device_types[i].name == type_name) return i;
  }
  return std::nullopt;
}

std::vector<uint32_t> Cluster::devices_per_type() const {
  std::vector<uint32_t> counts(device_types.size(), 0);
  for (const Node& node : nodes) counts[node.type] += node.device_count;
  return counts;
}

void Cluster::add_node(std::string node_name, DeviceTypeIndex type, std::string_view rack_name, uint32_t count,
                       uint64_t cpu_milli, uint64_t memory_mib) {
  RackIndex rack = 0;
  while (rack < racks.size() && racks[rack] != rack_name) ++rack;
  if (rack == racks.size()) racks.emplace_back(rack_name);
  const auto node_index = static_cast<NodeIndex>(nodes.size());
  nodes.push_back({std::move(node_name), type, rack, device_count(), count, cpu_milli, memory_mib});
  device_node.insert(device_node.end(), count, node_index);
}

Status validate(const Cluster& cluster) {
  if (cluster.device_types.empty()) return invalid_input("cluster '{}' declares no device types", cluster.name);
  std::set<std::string, std::less<>> names;
  for (const DeviceType& type : cluster.device_types) {
    if (!names.insert(type.name).second) return invalid_input("device type '{}' declared twice", type.name);
    if (type.billing_weight < 0.0) return invalid_input("device type '{}': negative billing weight", type.name);
    if (type.sharing == Sharing::kPartitions && type.partitions.empty()) {
      return invalid_input("device type '{}': partition sharing without partitions", type.name);
    }
    uint32_t previous = 0;
    for (const Partition& partition : type.partitions) {
      if (partition.milli == 0 || partition.milli >= kMilliPerDevice || partition.milli <= previous) {
        return invalid_input("device type '{}': partitions must be ascending fractions of one card", type.name);
      }
      previous = partition.milli;
    }
  }
  names.clear();
  for (const Node& node : cluster.nodes) {
    if (!names.insert(node.name).second) return invalid_input("node '{}' declared twice", node.name);
    if (node.type >= cluster.device_types.size()) return internal_error("node '{}': bad type index", node.name);
    if (node.device_count == 0) return invalid_input("node '{}' has no devices", node.name);
    if (node.cpu_milli > kMaxHostResource || node.memory_mib > kMaxHostResource) {
      return invalid_input("node '{}': cpu_milli and memory_mib must be at most {}", node.name, kMaxHostResource);
    }
  }
  if (cluster.device_count() == 0) return invalid_input("cluster '{}' has no devices", cluster.name);
  return Status::ok();
}

}  // namespace bitgoeul::npu
