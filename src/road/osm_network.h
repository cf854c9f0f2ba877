#pragma once
// Private to the importer: graph compression. Routable ways become edges between graph nodes — OSM nodes where
// ways meet, way ends (dead ends) and restriction via-nodes; the OSM nodes in between become shape points.
// Distances follow the geometry (haversine), travel times follow the way's speed (integer ms, at least 1).

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "road/osm_import.h"
#include "road/osm_read.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

// A graph before CSR: what restriction splitting edits.
struct RoadNetworkDraft {
  std::vector<geo::LatLon> coordinates;  // per node
  std::vector<int64_t> osm_node_ids;     // per node
  std::vector<EdgeInput> edges;
  // Per edge: the stretch of road it drives; the two directions of one stretch share it (tells a U-turn apart).
  std::vector<uint32_t> segment_of_edge;
  std::unordered_map<int64_t, NodeId> node_of_osm_id;
};

// Builds the draft from the collected OSM data. Ways are cut around missing node refs (counted in `report`).
RoadNetworkDraft build_road_network(const OsmData& data, ImportReport& report);

// Travel time of `distance_m` at `speed_kmh`: rounded milliseconds, at least 1, below kInfiniteTime.
TravelTimeMs travel_time_ms(double distance_m, double speed_kmh);

}  // namespace bitgoeul::road
