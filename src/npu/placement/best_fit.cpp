// Best-fit: the tightest fit. A share goes to the device with the least free capacity that holds it; a gang goes
// to the node (or rack) with the fewest free devices that holds it, and a gang no single node holds fills the
// fullest nodes first, so partly used nodes are used up before empty ones are broken into.

#include <utility>

#include "npu/placement/placement_util.h"

namespace bitgoeul::npu {
namespace {

using namespace placement_detail;

class BestFit final : public Placement {
 public:
  std::string_view name() const override { return "best-fit"; }

  std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                  const std::vector<uint8_t>* blocked) const override {
    if (request.milli_per_device < kMilliPerDevice) {
      return best_device(state, request, blocked,
                         [&state](DeviceIndex d) { return std::pair<uint32_t, DeviceIndex>(state.free_milli(d), d); });
    }
    if (state.free_devices_of_type(request.type) < request.device_count) return std::nullopt;
    if (const std::optional<NodeIndex> node = tightest_node(state, request, blocked)) {
      return take_in_order(state, request, {*node}, blocked);
    }
    if (request.locality == Locality::kNode) return std::nullopt;
    std::optional<RackIndex> rack;
    if (request.locality == Locality::kRack) {
      const std::vector<uint32_t> free = rack_free(state, request, blocked);
      for (RackIndex r = 0; r < free.size(); ++r) {
        if (free[r] >= request.device_count && (!rack || free[r] < free[*rack])) rack = r;
      }
      if (!rack) return std::nullopt;
    }
    return take_in_order(state, request, nodes_by_free(state, request, rack, /*ascending=*/true, blocked), blocked);
  }
};

}  // namespace

std::unique_ptr<Placement> make_best_fit_placement() { return std::make_unique<BestFit>(); }

}  // namespace bitgoeul::npu
