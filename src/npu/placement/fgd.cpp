// Fragmentation gradient descent, after Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
// with Fragmentation Gradient Descent" (USENIX ATC 2023). A node's expected fragmentation against the workload's
// request mix (expected_fragmentation_milli in placement.h: device shapes, CPU, memory and acceptable types) is the
// free capacity a random request could not use; a request goes where it increases that expectation least (ties:
// the node with less free capacity, then the lowest index). Requests without devices (CPU pods) go where their
// CPU and memory raise it least. Gangs spanning several nodes fall back to topology packing.
//
// Each node's fragmentation, and each node's best choice for a request shape, is cached by the node's stamp
// (ClusterState::node_stamp), so a request re-scores only the nodes that changed since that shape was last placed.

#include <algorithm>
#include <map>
#include <tuple>

#include "npu/placement/placement_util.h"

namespace bitgoeul::npu {

std::unique_ptr<Placement> make_topology_placement();

namespace {

using namespace placement_detail;

class Fgd final : public Placement {
 public:
  Fgd() : fallback_(make_topology_placement()) {}
  std::string_view name() const override { return "fgd"; }

  void set_demand(std::vector<DemandClass> demand) override {
    demand = normalised(std::move(demand));
    // Classes of one device shape next to each other (expected_fragmentation_milli remembers the last shape).
    std::stable_sort(demand.begin(), demand.end(), [](const DemandClass& a, const DemandClass& b) {
      return std::tie(a.milli_per_device, a.device_count) < std::tie(b.milli_per_device, b.device_count);
    });
    demand_ = std::move(demand);
    before_.clear();
    choices_.clear();
  }

  std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                  const std::vector<uint8_t>* blocked) const override {
    const Cluster& cluster = state.cluster();
    for (DeviceTypeIndex type : request_types(request)) {
      for (NodeIndex n : state.nodes_of_type(type)) {
        if (cluster.nodes[n].device_count > kMaxDevicesScored) return fallback_->place(state, request, blocked);
      }
    }
    if (before_.size() != cluster.nodes.size()) before_.assign(cluster.nodes.size(), {0, 0.0});
    std::vector<Choice>* cache = nullptr;
    if (blocked == nullptr) {
      if (choices_.size() > kMaxCachedShapes) choices_.clear();
      std::vector<Choice>& entries =
          choices_[std::make_tuple(request.device_count, request.milli_per_device, request.cpu_milli,
                                   request.memory_mib)];
      if (entries.size() != cluster.nodes.size()) entries.assign(cluster.nodes.size(), Choice{});
      cache = &entries;
    }
    std::optional<std::pair<Choice, NodeIndex>> best;
    for (DeviceTypeIndex type : request_types(request)) {
      for (NodeIndex n : state.nodes_of_type(type)) {
        Choice choice;
        if (cache != nullptr && (*cache)[n].stamp == state.node_stamp(n)) {
          choice = (*cache)[n];
        } else {
          choice = score_node(state, request, n, blocked);
          if (cache != nullptr) (*cache)[n] = choice;
        }
        if (!choice.feasible) continue;
        if (!best || choice.key() < best->first.key() ||
            (choice.key() == best->first.key() && n < best->second)) {
          best = std::pair(choice, n);
        }
      }
    }
    const bool whole = request.device_count > 0 && request.milli_per_device >= kMilliPerDevice;
    if (!best) {
      if (!whole || request.locality == Locality::kNode) return std::nullopt;
      return fallback_->place(state, request, blocked);
    }
    const NodeIndex n = best->second;
    Allocation allocation{cluster.nodes[n].type, request.milli_per_device, {}, request.cpu_milli, request.memory_mib,
                          kNoNode};
    if (request.device_count == 0) {
      allocation.milli_per_device = kMilliPerDevice;
      allocation.host = n;
    } else if (!whole) {
      allocation.devices.push_back(best->first.device);
    } else {
      take_free(state, n, request.device_count, blocked, allocation.devices);
    }
    return allocation;
  }

 private:
  static constexpr uint32_t kMaxDevicesScored = 64;
  static constexpr size_t kMaxCachedShapes = 4096;

  // A node's best option for one request shape; valid while the node's stamp is unchanged.
  struct Choice {
    uint64_t stamp = 0;
    bool feasible = false;
    double delta = 0.0;        // increase of the node's expected fragmentation, milli
    int64_t tie = 0;           // free capacity left (device milli for a share, node milli otherwise)
    DeviceIndex device = 0;    // the device, for a share

    std::tuple<double, int64_t, DeviceIndex> key() const { return {delta, tie, device}; }
  };

  Choice score_node(const ClusterState& state, const PlacementRequest& request, NodeIndex n,
                    const std::vector<uint8_t>* blocked) const {
    const Node& node = state.cluster().nodes[n];
    Choice choice;
    choice.stamp = state.node_stamp(n);
    const uint32_t devices_here = request.device_count;
    if (!host_fits(state, n, request, devices_here)) return choice;
    uint32_t free[kMaxDevicesScored];
    for (uint32_t i = 0; i < node.device_count; ++i) free[i] = state.free_milli(node.first_device + i);
    NodeFree view{free, node.device_count, node.type, state.free_cpu_milli(n), state.free_memory_mib(n)};
    const double before = fragmentation_before(state, n, view);
    view.free_cpu_milli -= request.cpu_milli;
    view.free_memory_mib -= request.memory_mib;
    if (request.device_count == 0) {
      choice.feasible = true;
      choice.delta = expected_fragmentation_milli(view, demand_) - before;
      choice.tie = state.free_milli_on_node(n);
      return choice;
    }
    if (request.milli_per_device < kMilliPerDevice) {
      uint32_t tried[kMaxDevicesScored];
      uint32_t tried_count = 0;
      for (uint32_t i = 0; i < node.device_count; ++i) {
        const DeviceIndex d = node.first_device + i;
        if (free[i] < request.milli_per_device || is_blocked(blocked, d)) continue;
        // Devices with the same free capacity give the same fragmentation: score the lowest of them only.
        if (std::find(tried, tried + tried_count, free[i]) != tried + tried_count) continue;
        tried[tried_count++] = free[i];
        free[i] -= request.milli_per_device;
        const double delta = expected_fragmentation_milli(view, demand_) - before;
        Choice candidate = choice;
        candidate.feasible = true;
        candidate.delta = delta;
        candidate.tie = free[i];
        candidate.device = d;
        free[i] += request.milli_per_device;
        if (!choice.feasible || candidate.key() < choice.key()) choice = candidate;
      }
      return choice;
    }
    if (usable_free(state, n, blocked) < request.device_count) return choice;
    std::vector<DeviceIndex> devices;
    take_free(state, n, request.device_count, blocked, devices);
    for (DeviceIndex d : devices) free[d - node.first_device] = 0;
    choice.feasible = true;
    choice.delta = expected_fragmentation_milli(view, demand_) - before;
    choice.tie = state.free_milli_on_node(n);
    choice.device = node.first_device;
    return choice;
  }

  double fragmentation_before(const ClusterState& state, NodeIndex n, const NodeFree& view) const {
    std::pair<uint64_t, double>& cached = before_[n];
    if (cached.first != state.node_stamp(n)) cached = {state.node_stamp(n), expected_fragmentation_milli(view, demand_)};
    return cached.second;
  }

  std::vector<DemandClass> demand_{{1, kMilliPerDevice, 1.0}};
  std::unique_ptr<Placement> fallback_;
  mutable std::vector<std::pair<uint64_t, double>> before_;  // per node: (stamp, fragmentation)
  mutable std::map<std::tuple<uint32_t, uint32_t, uint64_t, uint64_t>, std::vector<Choice>> choices_;
};

}  // namespace

std::unique_ptr<Placement> make_fgd_placement() { return std::make_unique<Fgd>(); }

}  // namespace bitgoeul::npu
