#pragma once
// The routable road network: a directed graph in compressed sparse rows (RoutingKit's layout), nodes at
// junctions and dead ends, one edge per drivable direction of a road stretch between them. Turn restrictions are
// already compiled into the topology by the importer (restricted junctions are split into copies), so every
// algorithm downstream routes on a plain graph and still honours them.

#include <cstdint>
#include <limits>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"

namespace bitgoeul::road {

using NodeId = uint32_t;
using EdgeId = uint32_t;
inline constexpr uint32_t kInvalidId = std::numeric_limits<uint32_t>::max();
// Travel times are integer milliseconds: exact comparisons between algorithms, 49 days of range.
using TravelTimeMs = uint32_t;
inline constexpr TravelTimeMs kInfiniteTime = std::numeric_limits<TravelTimeMs>::max();

// OSM `highway` classes the importer keeps, in order of importance.
enum class RoadClass : uint8_t {
  kMotorway,
  kMotorwayLink,
  kTrunk,
  kTrunkLink,
  kPrimary,
  kPrimaryLink,
  kSecondary,
  kSecondaryLink,
  kTertiary,
  kTertiaryLink,
  kUnclassified,
  kResidential,
  kLivingStreet,
  kService,
  kCount,
};
const char* road_class_name(RoadClass road_class);

struct RoadGraph {
  // Per node.
  std::vector<geo::LatLon> coordinates;
  std::vector<int64_t> osm_node_ids;  // a split copy of a restricted junction keeps its junction's OSM id

  // Per node + 1: the outgoing edges of v are [first_out[v], first_out[v + 1]).
  std::vector<EdgeId> first_out;

  // Per edge, sorted by tail.
  std::vector<NodeId> tail;
  std::vector<NodeId> head;
  std::vector<TravelTimeMs> travel_time_ms;
  std::vector<float> distance_m;
  std::vector<RoadClass> road_class;
  std::vector<int64_t> osm_way_ids;
  // Shape points strictly between tail and head, in driving order: edge e's are
  // shape[first_shape[e] .. first_shape[e + 1]).
  std::vector<EdgeId> first_shape;
  std::vector<geo::LatLon> shape;

  uint32_t node_count() const { return static_cast<uint32_t>(coordinates.size()); }
  uint32_t edge_count() const { return static_cast<uint32_t>(head.size()); }

  // The full polyline of an edge, tail to head.
  std::vector<geo::LatLon> edge_geometry(EdgeId edge) const;
};

// Checks every structural invariant (array sizes, CSR order, ids in range, finite coordinates, positive lengths).
// Loading runs it so that a file that passes its checksum but was written by a buggy tool cannot crash a router.
Status validate(const RoadGraph& graph);

// Builds the CSR arrays from an unordered list of edges. Used by the importer, tests and synthetic generators.
struct EdgeInput {
  NodeId tail = 0;
  NodeId head = 0;
  TravelTimeMs travel_time_ms = 0;
  float distance_m = 0.0f;
  RoadClass road_class = RoadClass::kResidential;
  int64_t osm_way_id = 0;
  std::vector<geo::LatLon> shape;  // intermediate points only
};
RoadGraph build_road_graph(std::vector<geo::LatLon> coordinates, std::vector<int64_t> osm_node_ids,
                           std::vector<EdgeInput> edges);

}  // namespace bitgoeul::road
