// First-fit: the lowest-numbered devices that satisfy the request (Slurm's linear node selection).

#include "npu/placement/placement_util.h"

namespace bitgoeul::npu {
namespace {

using namespace placement_detail;

class FirstFit final : public Placement {
 public:
  std::string_view name() const override { return "first-fit"; }

  std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                  const std::vector<uint8_t>* blocked) const override {
    if (request.device_count == 0) return best_host(state, request, [](NodeIndex n) { return n; });
    if (request.milli_per_device < kMilliPerDevice) {
      return best_device(state, request, blocked, [](DeviceIndex d) { return d; });
    }
    return first_type_that_fits(request, [&](const PlacementRequest& single) { return place_whole(state, single, blocked); });
  }

 private:
  static std::optional<Allocation> place_whole(const ClusterState& state, const PlacementRequest& request,
                                               const std::vector<uint8_t>* blocked) {
    if (state.free_devices_of_type(request.type) < request.device_count) return std::nullopt;
    const std::vector<NodeIndex>& nodes = state.nodes_of_type(request.type);
    switch (request.locality) {
      case Locality::kAny: return take_in_order(state, request, nodes, blocked);
      case Locality::kNode:
        for (NodeIndex n : nodes) {
          if (usable_for(state, request, n, blocked) >= request.device_count) {
            return take_in_order(state, request, {n}, blocked);
          }
        }
        return std::nullopt;
      case Locality::kRack: {
        const std::vector<uint32_t> free = rack_free(state, request, blocked);
        for (RackIndex r = 0; r < free.size(); ++r) {
          if (free[r] < request.device_count) continue;
          std::vector<NodeIndex> in_rack;
          for (NodeIndex n : nodes) {
            if (state.cluster().nodes[n].rack == r) in_rack.push_back(n);
          }
          return take_in_order(state, request, in_rack, blocked);
        }
        return std::nullopt;
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Placement> make_first_fit_placement() { return std::make_unique<FirstFit>(); }

}  // namespace bitgoeul::npu
