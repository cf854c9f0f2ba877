#pragma once
// Private to the importer: one pass over an OSM file (any element order) collecting what the graph needs: every
// node's coordinates, the car-routable ways with their tag decision, and the turn restrictions that apply to cars.
// Duplicates (first wins), invalid coordinates and ways without a car profile are counted into the report here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "geo/lat_lon.h"
#include "road/osm_import.h"
#include "road/osm_tags.h"

namespace bitgoeul::road {

struct OsmNode {
  int64_t id = 0;
  geo::LatLon position;
};

struct OsmWay {
  int64_t id = 0;
  WayProfile profile;
  std::vector<int64_t> node_refs;
};

enum class RestrictionKind : uint8_t { kNo, kOnly };

struct OsmRestriction {
  int64_t id = 0;
  std::string value;  // "no_left_turn", ...
  RestrictionKind kind = RestrictionKind::kNo;
  std::vector<int64_t> from_ways;
  std::vector<int64_t> to_ways;
  std::vector<int64_t> via_nodes;
  bool via_is_way = false;
  bool wrong_member_type = false;  // e.g. a node as `from`
};

struct OsmData {
  std::vector<OsmNode> nodes;  // sorted by id, unique, valid coordinates
  std::vector<OsmWay> ways;    // routable, in file order, unique ids
  std::vector<OsmRestriction> restrictions;
};

struct OsmSource {
  std::string name;         // path or display name, used in every error
  std::string path;         // empty: read `bytes`
  std::string_view bytes;
  std::string format;       // libosmium format (with compression) when reading bytes, e.g. "osm", "pbf"
};

// Fills `data` and the read-stage counters of `report`. Errors name the source.
Status read_osm(const OsmSource& source, bool show_progress, OsmData& data, ImportReport& report);

}  // namespace bitgoeul::road
