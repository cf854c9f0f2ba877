#pragma once
// Private to the importer: compiles via-node turn restrictions into the topology (see road_graph.h).
//
// For each edge e entering a restricted junction v from a restriction's `from` way, the set of edges e may continue
// on is: all edges leaving v, narrowed to the `to` edges of every only_* restriction on e, minus the `to` edges of
// every no_* restriction on e. Each such e gets its own copy of v (same coordinates and OSM id) whose outgoing
// edges are copies of exactly the allowed ones; e (and every copy of e) now ends at that copy. Edges that enter v
// without a restriction keep the original v and all its exits. Plain shortest paths on the result obey every
// restriction, including chains of restricted junctions.
//
// Skipped, counted by reason and never fatal: via ways, missing or wrongly typed members, member ways that are not
// routable (or absent from a clipped extract), a via node off the road network, from/to ways not touching the via
// node. When from == to, no_u_turn / only_u_turn mean turning back onto the same stretch; other kinds exclude it.

#include <vector>

#include "road/osm_import.h"
#include "road/osm_network.h"
#include "road/osm_read.h"

namespace bitgoeul::road {

void apply_turn_restrictions(const OsmData& data, RoadNetworkDraft& draft, ImportReport& report);

}  // namespace bitgoeul::road
