// Fragmentation gradient descent, after Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
// with Fragmentation Gradient Descent" (USENIX ATC 2023). A node's expected fragmentation against the workload's
// request mix (expected_fragmentation_milli in placement.h) is the free capacity a random request could not use;
// a request goes where it increases that expectation least (ties: best-fit).
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

  void set_demand(std::vector<DemandClass> demand) override { demand_ = normalised(std::move(demand)); }

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

  double fragmentation(const uint32_t* free, uint32_t count) const {
    return expected_fragmentation_milli(free, count, demand_);
  }

  std::vector<DemandClass> demand_{{1, kMilliPerDevice, 1.0}};
  std::unique_ptr<Placement> fallback_;
};

}  // namespace

std::unique_ptr<Placement> make_fgd_placement() { return std::make_unique<Fgd>(); }

}  // namespace bitgoeul::npu
