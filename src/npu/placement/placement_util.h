#pragma once
// Helpers shared by the placement implementations (private to placement/).

#include <optional>
#include <span>
#include <vector>

#include "npu/placement/placement.h"

namespace bitgoeul::npu::placement_detail {

inline bool is_blocked(const std::vector<uint8_t>* blocked, DeviceIndex device) {
  return blocked != nullptr && (*blocked)[device] != 0;
}

// The device types a request accepts: its any_of list, or its one type.
inline std::span<const DeviceTypeIndex> request_types(const PlacementRequest& request) {
  if (request.any_of != nullptr) return {request.any_of->data(), request.any_of->size()};
  return {&request.type, 1};
}

// Whether `node` has the CPU and memory for `devices` of the request's devices there (all of it for a request
// without devices).
inline bool host_fits(const ClusterState& state, NodeIndex node, const PlacementRequest& request, uint32_t devices) {
  return state.free_cpu_milli(node) >= share_bound(request.cpu_milli, devices, request.device_count) &&
         state.free_memory_mib(node) >= share_bound(request.memory_mib, devices, request.device_count);
}

// Whole free devices of `node` not blocked.
uint32_t usable_free(const ClusterState& state, NodeIndex node, const std::vector<uint8_t>* blocked);
// How many of the request's whole devices `node` can take: usable free devices, bounded by its free CPU and memory.
uint32_t usable_for(const ClusterState& state, const PlacementRequest& request, NodeIndex node,
                    const std::vector<uint8_t>* blocked);
// Appends up to `count` whole free, unblocked devices of `node` (lowest first); returns how many were taken.
uint32_t take_free(const ClusterState& state, NodeIndex node, uint32_t count, const std::vector<uint8_t>* blocked,
                   std::vector<DeviceIndex>& out);
// Takes whole devices from `nodes` in the given order (as many as each node's CPU and memory allow) until
// `count`; nullopt when they do not suffice. The allocation carries the request's CPU and memory.
std::optional<Allocation> take_in_order(const ClusterState& state, const PlacementRequest& request,
                                        const std::vector<NodeIndex>& nodes, const std::vector<uint8_t>* blocked);
// The single node holding the request with the fewest usable free devices (ties: lowest index).
std::optional<NodeIndex> tightest_node(const ClusterState& state, const PlacementRequest& request,
                                       const std::vector<uint8_t>* blocked);
// Usable devices per rack for the request's type (usable_for summed over the rack's nodes).
std::vector<uint32_t> rack_free(const ClusterState& state, const PlacementRequest& request,
                                const std::vector<uint8_t>* blocked);
// Nodes of the request's type in `rack` (all racks when rack is nullopt) with usable devices, ordered by
// usable_for (ascending or descending), ties by node index.
std::vector<NodeIndex> nodes_by_free(const ClusterState& state, const PlacementRequest& request,
                                     std::optional<RackIndex> rack, bool ascending,
                                     const std::vector<uint8_t>* blocked);
// A request with one type per acceptable type, in order: the first that `place_one` places.
template <typename PlaceOne>
std::optional<Allocation> first_type_that_fits(const PlacementRequest& request, PlaceOne place_one) {
  if (request.any_of == nullptr) return place_one(request);
  for (DeviceTypeIndex type : *request.any_of) {
    PlacementRequest single = request;
    single.type = type;
    single.any_of = nullptr;
    if (std::optional<Allocation> allocation = place_one(single)) return allocation;
  }
  return std::nullopt;
}
// Fractional request: the device minimising `score` among devices with enough free milli on nodes with the
// request's CPU and memory free, over all acceptable types.
template <typename Score>
std::optional<Allocation> best_device(const ClusterState& state, const PlacementRequest& request,
                                      const std::vector<uint8_t>* blocked, Score score) {
  std::optional<DeviceIndex> best;
  decltype(score(DeviceIndex{0})) best_score{};
  for (DeviceTypeIndex type : request_types(request)) {
    for (NodeIndex n : state.nodes_of_type(type)) {
      if (!host_fits(state, n, request, 1)) continue;
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
  }
  if (!best) return std::nullopt;
  const DeviceTypeIndex type = state.cluster().nodes[state.cluster().device_node[*best]].type;
  return Allocation{type, request.milli_per_device, {*best}, request.cpu_milli, request.memory_mib, kNoNode};
}
// Request without devices: the node minimising `score` among nodes of acceptable types with its CPU and memory.
template <typename Score>
std::optional<Allocation> best_host(const ClusterState& state, const PlacementRequest& request, Score score) {
  std::optional<NodeIndex> best;
  decltype(score(NodeIndex{0})) best_score{};
  for (DeviceTypeIndex type : request_types(request)) {
    for (NodeIndex n : state.nodes_of_type(type)) {
      if (!host_fits(state, n, request, 0)) continue;
      const auto s = score(n);
      if (!best || s < best_score) {
        best = n;
        best_score = s;
      }
    }
  }
  if (!best) return std::nullopt;
  return Allocation{state.cluster().nodes[*best].type, kMilliPerDevice, {}, request.cpu_milli, request.memory_mib,
                    *best};
}

}  // namespace bitgoeul::npu::placement_detail
