#include "npu/placement/placement.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "npu/placement/placement_util.h"

namespace bitgoeul::npu {

std::unique_ptr<Placement> make_first_fit_placement();
std::unique_ptr<Placement> make_best_fit_placement();
std::unique_ptr<Placement> make_topology_placement();
std::unique_ptr<Placement> make_fgd_placement();

std::vector<std::string> placement_names() { return {"first-fit", "best-fit", "topology", "fgd"}; }

Result<std::unique_ptr<Placement>> make_placement(std::string_view name) {
  if (name == "first-fit") return make_first_fit_placement();
  if (name == "best-fit") return make_best_fit_placement();
  if (name == "topology") return make_topology_placement();
  if (name == "fgd") return make_fgd_placement();
  return invalid_input("unknown placement '{}' (expected first-fit, best-fit, topology or fgd)", name);
}

std::vector<DemandClass> demand_of(const Workload& workload) {
  using Key = std::tuple<uint32_t, uint32_t, uint64_t, uint64_t, uint64_t>;
  std::map<Key, double> counts;
  for (const Job& job : workload.jobs) {
    uint64_t mask = 0;
    for (const JobOption& option : job.options) {
      if (option.type >= 64) {
        mask = 0;
        break;
      }
      mask |= uint64_t{1} << option.type;
    }
    counts[{job.device_count, job.is_fractional() ? job.share_milli : kMilliPerDevice, job.cpu_milli, job.memory_mib,
            mask}] += 1.0;
  }
  std::vector<DemandClass> demand;
  for (const auto& [key, count] : counts) {
    const auto& [devices, milli, cpu, memory, mask] = key;
    demand.push_back({devices, milli, count, cpu, memory, mask});
  }
  return demand;
}

double expected_fragmentation_milli(const NodeFree& node, const std::vector<DemandClass>& demand) {
  uint32_t total_free = 0;
  for (uint32_t i = 0; i < node.device_count; ++i) total_free += node.free_milli[i];
  if (total_free == 0) return 0.0;
  const uint64_t type_bit = node.type < 64 ? uint64_t{1} << node.type : 0;
  // Per request shape (milli, devices), what the node could not use when the shape fits; shapes repeat across
  // classes (they differ in CPU, memory and types), so the last one is remembered.
  uint32_t last_milli = 0;
  uint32_t last_devices = 0;
  uint32_t last_unusable = 0;
  bool last_fits = false;
  double expected = 0.0;
  for (const DemandClass& c : demand) {
    const bool accessible = c.type_mask == 0 || (c.type_mask & type_bit) != 0;
    if (c.device_count == 0 || !accessible || node.free_cpu_milli < c.cpu_milli ||
        node.free_memory_mib < c.memory_mib) {
      expected += c.weight * total_free;
      continue;
    }
    if (c.milli_per_device != last_milli || c.device_count != last_devices) {
      last_milli = c.milli_per_device;
      last_devices = c.device_count;
      last_unusable = 0;
      uint32_t holding = 0;
      for (uint32_t i = 0; i < node.device_count; ++i) {
        if (node.free_milli[i] < c.milli_per_device) {
          last_unusable += node.free_milli[i];
        } else {
          ++holding;
        }
      }
      last_fits = holding >= c.device_count;
    }
    expected += c.weight * (last_fits ? last_unusable : total_free);
  }
  return expected;
}

std::vector<DemandClass> normalised(std::vector<DemandClass> demand) {
  double total = 0.0;
  for (const DemandClass& c : demand) total += c.weight;
  for (DemandClass& c : demand) c.weight = total > 0.0 ? c.weight / total : 0.0;
  return demand;
}

namespace placement_detail {

uint32_t usable_free(const ClusterState& state, NodeIndex node, const std::vector<uint8_t>* blocked) {
  if (blocked == nullptr) return state.free_devices_on_node(node);
  const Node& n = state.cluster().nodes[node];
  uint32_t count = 0;
  for (DeviceIndex d = n.first_device; d < n.first_device + n.device_count; ++d) {
    if (state.used_milli(d) == 0 && (*blocked)[d] == 0) ++count;
  }
  return count;
}

namespace {

// The most of a request's `count` devices whose share of `total` fits in `free`: the largest k with
// share_bound(total, k, count) <= free.
uint32_t host_limit(uint64_t total, uint64_t free, uint32_t count) {
  if (free >= total) return count;
  // free < total <= kMaxHostResource and count <= 1024: no overflow.
  return static_cast<uint32_t>(free * count / total);
}

}  // namespace

uint32_t usable_for(const ClusterState& state, const PlacementRequest& request, NodeIndex node,
                    const std::vector<uint8_t>* blocked) {
  uint32_t usable = usable_free(state, node, blocked);
  if (request.cpu_milli != 0) {
    usable = std::min(usable, host_limit(request.cpu_milli, state.free_cpu_milli(node), request.device_count));
  }
  if (request.memory_mib != 0) {
    usable = std::min(usable, host_limit(request.memory_mib, state.free_memory_mib(node), request.device_count));
  }
  return usable;
}

uint32_t take_free(const ClusterState& state, NodeIndex node, uint32_t count, const std::vector<uint8_t>* blocked,
                   std::vector<DeviceIndex>& out) {
  const Node& n = state.cluster().nodes[node];
  uint32_t taken = 0;
  for (DeviceIndex d = n.first_device; d < n.first_device + n.device_count && taken < count; ++d) {
    if (state.used_milli(d) == 0 && !is_blocked(blocked, d)) {
      out.push_back(d);
      ++taken;
    }
  }
  return taken;
}

std::optional<Allocation> take_in_order(const ClusterState& state, const PlacementRequest& request,
                                        const std::vector<NodeIndex>& nodes, const std::vector<uint8_t>* blocked) {
  Allocation allocation{request.type, kMilliPerDevice, {}, request.cpu_milli, request.memory_mib, kNoNode};
  allocation.devices.reserve(request.device_count);
  uint32_t missing = request.device_count;
  for (NodeIndex n : nodes) {
    if (missing == 0) break;
    const uint32_t limit = request.cpu_milli == 0 && request.memory_mib == 0
                               ? missing
                               : std::min(missing, usable_for(state, request, n, blocked));
    missing -= take_free(state, n, limit, blocked, allocation.devices);
  }
  if (missing != 0) return std::nullopt;
  return allocation;
}

std::optional<NodeIndex> tightest_node(const ClusterState& state, const PlacementRequest& request,
                                       const std::vector<uint8_t>* blocked) {
  std::optional<NodeIndex> best;
  uint32_t best_free = 0;
  for (NodeIndex n : state.nodes_of_type(request.type)) {
    const uint32_t free = usable_free(state, n, blocked);
    if (free >= request.device_count && (!best || free < best_free) &&
        host_fits(state, n, request, request.device_count)) {
      best = n;
      best_free = free;
    }
  }
  return best;
}

std::vector<uint32_t> rack_free(const ClusterState& state, const PlacementRequest& request,
                                const std::vector<uint8_t>* blocked) {
  std::vector<uint32_t> free(state.cluster().racks.size(), 0);
  for (NodeIndex n : state.nodes_of_type(request.type)) {
    free[state.cluster().nodes[n].rack] += usable_for(state, request, n, blocked);
  }
  return free;
}

std::vector<NodeIndex> nodes_by_free(const ClusterState& state, const PlacementRequest& request,
                                     std::optional<RackIndex> rack, bool ascending,
                                     const std::vector<uint8_t>* blocked) {
  std::vector<std::pair<uint32_t, NodeIndex>> keyed;
  for (NodeIndex n : state.nodes_of_type(request.type)) {
    if (rack && state.cluster().nodes[n].rack != *rack) continue;
    const uint32_t free = usable_for(state, request, n, blocked);
    if (free > 0) keyed.emplace_back(free, n);
  }
  std::sort(keyed.begin(), keyed.end(), [ascending](const auto& a, const auto& b) {
    if (a.first != b.first) return ascending ? a.first < b.first : a.first > b.first;
    return a.second < b.second;
  });
  std::vector<NodeIndex> nodes;
  nodes.reserve(keyed.size());
  for (const auto& entry : keyed) nodes.push_back(entry.second);
  return nodes;
}

}  // namespace placement_detail
}  // namespace bitgoeul::npu
