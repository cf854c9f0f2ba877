#include "npu/placement/placement.h"

#include <algorithm>
#include <map>

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
  std::map<std::pair<uint32_t, uint32_t>, double> counts;
  for (const Job& job : workload.jobs) {
    counts[{job.device_count, job.is_fractional() ? job.share_milli : kMilliPerDevice}] += 1.0;
  }
  std::vector<DemandClass> demand;
  for (const auto& [key, count] : counts) demand.push_back({key.first, key.second, count});
  return demand;
}

double expected_fragmentation_milli(const uint32_t* free_milli, uint32_t device_count,
                                    const std::vector<DemandClass>& demand) {
  uint32_t total_free = 0;
  uint32_t whole_free = 0;
  uint32_t partial_free = 0;
  for (uint32_t i = 0; i < device_count; ++i) {
    total_free += free_milli[i];
    if (free_milli[i] == kMilliPerDevice) {
      ++whole_free;
    } else {
      partial_free += free_milli[i];
    }
  }
  double expected = 0.0;
  for (const DemandClass& c : demand) {
    double unusable = 0.0;
    if (c.milli_per_device < kMilliPerDevice) {
      for (uint32_t i = 0; i < device_count; ++i) {
        if (free_milli[i] < c.milli_per_device) unusable += free_milli[i];
      }
    } else {
      unusable = whole_free < c.device_count ? total_free : partial_free;
    }
    expected += c.weight * unusable;
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
  Allocation allocation{request.type, kMilliPerDevice, {}};
  allocation.devices.reserve(request.device_count);
  uint32_t missing = request.device_count;
  for (NodeIndex n : nodes) {
    if (missing == 0) break;
    missing -= take_free(state, n, missing, blocked, allocation.devices);
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
    if (free >= request.device_count && (!best || free < best_free)) {
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
    free[state.cluster().nodes[n].rack] += usable_free(state, n, blocked);
  }
  return free;
}

std::vector<NodeIndex> nodes_by_free(const ClusterState& state, const PlacementRequest& request,
                                     std::optional<RackIndex> rack, bool ascending,
                                     const std::vector<uint8_t>* blocked) {
  std::vector<std::pair<uint32_t, NodeIndex>> keyed;
  for (NodeIndex n : state.nodes_of_type(request.type)) {
    if (rack && state.cluster().nodes[n].rack != *rack) continue;
    const uint32_t free = usable_free(state, n, blocked);
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
