// Best-fit: the tightest fit. A node's looseness is what would stay free on it after the request, as fractions of
// the largest node: free device thousandths plus, where the node models CPU, free milli-cores (equal weights, the
// "weighted sum of remaining resources" that FGD's authors use as their best-fit baseline). A share goes to the
// tightest node that holds it, on its device with the least free capacity; a gang goes to the tightest node (or
// rack) that holds it, and a gang no single node holds fills the fullest nodes first, so partly used nodes are
// used up before empty ones are broken into. A request without devices goes to the tightest node with its CPU
// and memory.

#include <algorithm>
#include <tuple>
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
    const Scale scale{std::max(1.0, static_cast<double>(state.max_node_milli())),
                      std::max(1.0, static_cast<double>(state.max_node_cpu_milli()))};
    if (request.device_count == 0) {
      return best_host(state, request, [&](NodeIndex n) {
        return std::pair(looseness(state, scale, n, free_milli(state, n, blocked), request.cpu_milli), n);
      });
    }
    if (request.milli_per_device < kMilliPerDevice) return place_share(state, request, blocked, scale);
    std::optional<std::pair<double, NodeIndex>> best;
    for (DeviceTypeIndex type : request_types(request)) {
      for (NodeIndex n : state.nodes_of_type(type)) {
        if (usable_for(state, request, n, blocked) < request.device_count) continue;
        const int64_t gpu_after =
            free_milli(state, n, blocked) - int64_t{kMilliPerDevice} * request.device_count;
        const auto key = std::pair(looseness(state, scale, n, gpu_after, request.cpu_milli), n);
        if (!best || key < *best) best = key;
      }
    }
    if (best) {
      PlacementRequest single = request;
      single.type = state.cluster().nodes[best->second].type;
      single.any_of = nullptr;
      return take_in_order(state, single, {best->second}, blocked);
    }
    if (request.locality == Locality::kNode) return std::nullopt;
    return first_type_that_fits(request, [&](const PlacementRequest& single) { return spread(state, single, blocked); });
  }

 private:
  struct Scale {
    double gpu_milli = 1.0;  // of the node with the most devices
    double cpu_milli = 1.0;  // of the node with the most CPU
  };

  // Free thousandths on the node's unblocked devices.
  static int64_t free_milli(const ClusterState& state, NodeIndex n, const std::vector<uint8_t>* blocked) {
    if (blocked == nullptr) return state.free_milli_on_node(n);
    const Node& node = state.cluster().nodes[n];
    int64_t free = 0;
    for (DeviceIndex d = node.first_device; d < node.first_device + node.device_count; ++d) {
      if (!is_blocked(blocked, d)) free += state.free_milli(d);
    }
    return free;
  }

  static double looseness(const ClusterState& state, const Scale& scale, NodeIndex n, int64_t gpu_after_milli,
                          uint64_t cpu_request) {
    double loose = static_cast<double>(gpu_after_milli) / scale.gpu_milli;
    if (state.cluster().nodes[n].cpu_milli != 0) {
      loose += static_cast<double>(state.free_cpu_milli(n) - cpu_request) / scale.cpu_milli;
    }
    return loose;
  }

  static std::optional<Allocation> place_share(const ClusterState& state, const PlacementRequest& request,
                                               const std::vector<uint8_t>* blocked, const Scale& scale) {
    std::optional<std::tuple<double, uint32_t, DeviceIndex>> best;
    for (DeviceTypeIndex type : request_types(request)) {
      for (NodeIndex n : state.nodes_of_type(type)) {
        if (!host_fits(state, n, request, 1)) continue;
        const Node& node = state.cluster().nodes[n];
        std::optional<DeviceIndex> tightest;
        for (DeviceIndex d = node.first_device; d < node.first_device + node.device_count; ++d) {
          if (state.free_milli(d) < request.milli_per_device || is_blocked(blocked, d)) continue;
          if (!tightest || state.free_milli(d) < state.free_milli(*tightest)) tightest = d;
        }
        if (!tightest) continue;
        const double loose =
            looseness(state, scale, n, free_milli(state, n, blocked) - request.milli_per_device, request.cpu_milli);
        const auto key = std::make_tuple(loose, state.free_milli(*tightest), *tightest);
        if (!best || key < *best) best = key;
      }
    }
    if (!best) return std::nullopt;
    const DeviceIndex d = std::get<2>(*best);
    return Allocation{state.cluster().nodes[state.cluster().device_node[d]].type, request.milli_per_device, {d},
                      request.cpu_milli, request.memory_mib, kNoNode};
  }

  static std::optional<Allocation> spread(const ClusterState& state, const PlacementRequest& request,
                                          const std::vector<uint8_t>* blocked) {
    if (state.free_devices_of_type(request.type) < request.device_count) return std::nullopt;
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
