#pragma once
// Helpers shared by the placement implementations (private to placement/).

#include <optional>
#include <vector>

#include "npu/placement/placement.h"

namespace bitgoeul::npu::placement_detail {

inline bool is_blocked(const std::vector<uint8_t>* blocked, DeviceIndex device) {
  return blocked != nullptr && (*blocked)[device] != 0;
}

// Whole free devices of `node` not blocked.
uint32_t usable_free(const ClusterState& state, NodeIndex node, const std::vector<uint8_t>* blocked);
// Appends up to `count` whole free, unblocked devices of `node` (lowest first); returns how many were taken.
uint32_t take_free(const ClusterState& state, NodeIndex node, uint32_t count, const std::vector<uint8_t>* blocked,
                   std::vector<DeviceIndex>& out);
// Takes whole devices from `nodes` in the given order until `count`; nullopt when they do not suffice.
std::optional<Allocation> take_in_order(const ClusterState& state, const PlacementRequest& request,
                                        const std::vector<NodeIndex>& nodes, const std::vector<uint8_t>* blocked);
// The single node holding the request with the fewest usable free devices (ties: lowest index).
std::optional<NodeIndex> tightest_node(const ClusterState& state, const PlacementRequest& request,
                                       const std::vector<uint8_t>* blocked);
// Usable free whole devices per rack for the request's type.
std::vector<uint32_t> rack_free(const ClusterState& state, const PlacementRequest& request,
                                const std::vector<uint8_t>* blocked);
// Nodes of the request's type in `rack` (all racks when rack is nullopt), ordered by usable free devices
// (ascending or descending), ties by node index.
std::vector<NodeIndex> nodes_by_free(const ClusterState& state, const PlacementRequest& request,
                                     std::optional<RackIndex> rack, bool ascending,
                                     const std::vector<uint8_t>* blocked);
// Fractional request: the device minimising `score` among devices with enough free milli.
template <typename Score>
std::optional<Allocation> best_device(const ClusterState& state, const PlacementRequest& request,
                                      const std::vector<uint8_t>* blocked, Score score) {
  std::optional<DeviceIndex> best;
  decltype(score(DeviceIndex{0})) best_score{};
  for (NodeIndex n : state.nodes_of_type(request.type)) {
    const Node& node = state.cluster().nodes[n];
    for (DeviceIndex d = node.first_device; d < node.first_device + node.device_count; ++d) {
      if (state.free_milli(d) < request.milli_per_device || is_blocked(blocked, d)) continue;
      const auto s = score(d);
      if (!best || s < best_score) {
        best = d;
        best_score = s;
      }
    }
  }
  if (!best) return std::nullopt;
  return Allocation{request.type, request.milli_per_device, {*best}};
}

}  // namespace bitgoeul::npu::placement_detail
