// Topology-aware packing: keep a gang's devices close (card < node < rack), the way Slurm's topology/tree plugin
// prefers the lowest switch holding a job. One node if any holds the gang (the tightest), else the tightest
// single rack using its emptiest nodes first (fewest nodes), else racks and nodes from the emptiest down. Shares
// go to the device with least free capacity, preferring nodes that are already busy (keeping empty nodes whole
// for gangs).

#include <algorithm>
#include <tuple>

#include "npu/placement/placement_util.h"

namespace bitgoeul::npu {
namespace {

using namespace placement_detail;

class Topology final : public Placement {
 public:
  std::string_view name() const override { return "topology"; }

  std::optional<Allocation> place(const ClusterState& state, const PlacementRequest& request,
                                  const std::vector<uint8_t>* blocked) const override {
    if (request.device_count == 0) {
      return best_host(state, request, [&state](NodeIndex n) { return std::pair(state.free_devices_on_node(n), n); });
    }
    if (request.milli_per_device < kMilliPerDevice) {
      return best_device(state, request, blocked, [&state](DeviceIndex d) {
        const NodeIndex node = state.cluster().device_node[d];
        return std::tuple<uint32_t, uint32_t, DeviceIndex>(state.free_milli(d), state.free_devices_on_node(node), d);
      });
    }
    return first_type_that_fits(request, [&](const PlacementRequest& single) { return place_whole(state, single, blocked); });
  }

 private:
  static std::optional<Allocation> place_whole(const ClusterState& state, const PlacementRequest& request,
                                               const std::vector<uint8_t>* blocked) {
    if (state.free_devices_of_type(request.type) < request.device_count) return std::nullopt;
    if (const std::optional<NodeIndex> node = tightest_node(state, request, blocked)) {
      return take_in_order(state, request, {*node}, blocked);
    }
    if (request.locality == Locality::kNode) return std::nullopt;
    const std::vector<uint32_t> free = rack_free(state, request, blocked);
    std::optional<RackIndex> rack;
    for (RackIndex r = 0; r < free.size(); ++r) {
      if (free[r] >= request.device_count && (!rack || free[r] < free[*rack])) rack = r;
    }
    if (rack) {
      return take_in_order(state, request, nodes_by_free(state, request, rack, /*ascending=*/false, blocked),
                           blocked);
    }
    if (request.locality == Locality::kRack) return std::nullopt;
    // Span racks: emptiest racks first, and within each its emptiest nodes.
    std::vector<RackIndex> racks;
    for (RackIndex r = 0; r < free.size(); ++r) {
      if (free[r] > 0) racks.push_back(r);
    }
    std::stable_sort(racks.begin(), racks.end(), [&free](RackIndex a, RackIndex b) { return free[a] > free[b]; });
    std::vector<NodeIndex> order;
    for (RackIndex r : racks) {
      const std::vector<NodeIndex> nodes = nodes_by_free(state, request, r, /*ascending=*/false, blocked);
      order.insert(order.end(), nodes.begin(), nodes.end());
    }
    return take_in_order(state, request, order, blocked);
  }
};

}  // namespace

std::unique_ptr<Placement> make_topology_placement() { return std::make_unique<Topology>(); }

}  // namespace bitgoeul::npu
