// Fragmentation gradient descent, after Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
// with Fragmentation Gradient Descent" (USENIX ATC 2023). A node's fragmentation for one request class is the
// free capacity that class cannot use: for a share of m milli, the free thousandths on devices with less than m
// free; for a gang of k whole devices, everything free on the node when fewer than k devices are wholly free,
// otherwise the free thousandths of partly used devices. The node's expected fragmentation weights the classes
// by their frequency in the workload; a request goes where it increases that expectation least (ties: best-fit).
// Gangs spanning several nodes fall back to topology packing.

#include <algorithm>
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
    demand_ = std::move(demand);
    double total = 0.0;
    for (const DemandClass& c : demand_) total += c.weight;
    for (DemandClass& c : demand_) c.weight = total > 0.0 ? c.weight / total : 0.0;
  }

  std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                  const std::vector<uint8_t>* blocked) const override {
    const bool fractional = request.milli_per_device < kMilliPerDevice;
    if (!fractional && state.free_devices_of_type(request.type) < request.device_count) return std::nullopt;
    std::optional<Allocation> best;
    std::tuple<double, uint32_t, DeviceIndex> best_key{};
    uint32_t free[kMaxDevicesScored];
    for (NodeIndex n : state.nodes_of_type(request.type)) {
      const Node& node = state.cluster().nodes[n];
      if (node.device_count > kMaxDevicesScored) return fallback_->place(state, request, blocked);
      for (uint32_t i = 0; i < node.device_count; ++i) free[i] = state.free_milli(node.first_device + i);
      const double before = fragmentation(free, node.device_count);
      if (fractional) {
        for (uint32_t i = 0; i < node.device_count; ++i) {
          const DeviceIndex d = node.first_device + i;
          if (free[i] < request.milli_per_device || is_blocked(blocked, d)) continue;
          free[i] -= request.milli_per_device;
          const double delta = fragmentation(free, node.device_count) - before;
          free[i] += request.milli_per_device;
          const auto key = std::make_tuple(delta, free[i], d);
          if (!best || key < best_key) {
            best_key = key;
            best = Allocation{request.type, request.milli_per_device, {d}};
          }
        }
      } else {
        if (usable_free(state, n, blocked) < request.device_count) continue;
        std::vector<DeviceIndex> devices;
        take_free(state, n, request.device_count, blocked, devices);
        for (DeviceIndex d : devices) free[d - node.first_device] = 0;
        const double delta = fragmentation(free, node.device_count) - before;
        const auto key = std::make_tuple(delta, state.free_devices_on_node(n), node.first_device);
        if (!best || key < best_key) {
          best_key = key;
          best = Allocation{request.type, kMilliPerDevice, std::move(devices)};
        }
      }
    }
    if (best || fractional || request.locality == Locality::kNode) return best;
    return fallback_->place(state, request, blocked);
  }

 private:
  static constexpr uint32_t kMaxDevicesScored = 64;

  // Expected free thousandths on the node that a request drawn from the demand mix could not use.
  double fragmentation(const uint32_t* free, uint32_t count) const {
    uint32_t total_free = 0;
    uint32_t whole_free = 0;
    uint32_t partial_free = 0;
    for (uint32_t i = 0; i < count; ++i) {
      total_free += free[i];
      if (free[i] == kMilliPerDevice) {
        ++whole_free;
      } else {
        partial_free += free[i];
      }
    }
    double expected = 0.0;
    for (const DemandClass& c : demand_) {
      double unusable = 0.0;
      if (c.milli_per_device < kMilliPerDevice) {
        for (uint32_t i = 0; i < count; ++i) {
          if (free[i] < c.milli_per_device) unusable += free[i];
        }
      } else {
        unusable = whole_free < c.device_count ? total_free : partial_free;
      }
      expected += c.weight * unusable;
    }
    return expected;
  }

  std::vector<DemandClass> demand_{{1, kMilliPerDevice, 1.0}};
  std::unique_ptr<Placement> fallback_;
};

}  // namespace

std::unique_ptr<Placement> make_fgd_placement() { return std::make_unique<Fgd>(); }

}  // namespace bitgoeul::npu
