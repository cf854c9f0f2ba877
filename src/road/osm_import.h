#pragma once
// The import stage: an OpenStreetMap extract (.osm, .osm.bz2, .osm.gz XML or .osm.pbf) → a routable RoadGraph.
//
// What is kept: car-routable `highway` ways (see road_graph.h's RoadClass), one edge per drivable direction of a
// stretch between graph nodes (junctions, dead ends, way ends, restriction via-nodes); the OSM nodes in between
// become shape points. Turn restrictions (via-node) are compiled into the topology by splitting the junction, and
// only the largest strongly connected component survives, so every kept node can reach every other.
//
// Bad input never crashes and never silently changes the result: an unreadable, empty, truncated or corrupt file
// is an error naming the file; a damaged element (a way referencing absent nodes, a duplicate id, a node with
// impossible coordinates, a malformed restriction) is skipped, counted by reason in the ImportReport and in the
// provenance JSON stored with the graph. Duplicate ids: the first occurrence wins, later ones are counted.
// Overpass "out geom" XML (inline geometry inside relation members, which libosmium rejects) is accepted: XML input
// always passes through a streaming filter that drops that geometry, and the report says how much it dropped.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

struct ImportOptions {
  // Draws a progress bar on stderr while reading (only when stderr is a terminal; see core/progress.h).
  bool show_progress = true;
  // Keep only the largest strongly connected component. Off only for tests that inspect the raw topology.
  bool keep_largest_component = true;
};

// Counts of everything the importer read, kept and skipped, for the CLI report and the provenance JSON.
// Maps are keyed by a short reason ("access=no", "missing node", ...) and ordered, so reports are deterministic.
struct ImportReport {
  std::string source_path;  // as given; "<buffer>" for the in-memory variant
  std::string format;       // "xml", "pbf", with compression: "xml+bzip2"

  // Overpass "out geom" geometry removed before parsing: elements inside <member>, lat/lon attributes on members.
  uint64_t overpass_elements_removed = 0;

  uint64_t nodes_read = 0;
  uint64_t ways_read = 0;
  uint64_t relations_read = 0;
  uint64_t duplicate_nodes = 0;      // later occurrences, skipped
  uint64_t duplicate_ways = 0;
  uint64_t duplicate_relations = 0;
  uint64_t invalid_coordinate_nodes = 0;  // lat outside [-90, 90], lon outside [-180, 180] or absent

  uint64_t routable_ways = 0;                         // ways accepted by the tag rules
  std::map<std::string, uint64_t> ways_skipped;       // by reason; ways without `highway` are not counted
  uint64_t missing_node_refs = 0;                     // refs to nodes absent (or invalid) in the file
  uint64_t ways_split_at_missing_nodes = 0;           // routable ways cut into pieces around missing refs

  uint64_t restrictions_read = 0;                     // relations type=restriction that apply to cars
  uint64_t restrictions_applied = 0;
  std::map<std::string, uint64_t> restrictions_skipped;  // by reason: via way, missing member, not touching, ...
  uint64_t restriction_node_copies = 0;               // nodes added by splitting restricted junctions

  uint64_t components = 0;             // strongly connected components before keeping the largest
  uint64_t scc_dropped_nodes = 0;
  uint64_t scc_dropped_edges = 0;

  uint64_t nodes = 0;  // in the final graph
  uint64_t edges = 0;
  std::array<double, static_cast<size_t>(RoadClass::kCount)> edge_km_by_class{};  // directed edge length, km

  // The report as JSON (what save_graph stores as provenance).
  std::string to_json() const;
};

struct ImportResult {
  RoadGraph graph;
  ImportReport report;
};

// Reads the map at `path`; the format follows from the name (.osm, .osm.xml, .osm.bz2, .osm.gz, .osm.pbf).
// Errors name `path`: missing, unreadable, empty, truncated or corrupt file, unknown format, or no routable road.
Result<ImportResult> import_osm(const std::string& path, const ImportOptions& options);

// The same import from bytes in memory. `format` is libosmium's format name: "osm" (XML), "pbf", "osm.bz2", ...
// Errors name `name` in place of a path. The fuzz target feeds arbitrary bytes through here.
Result<ImportResult> import_osm_buffer(std::string_view bytes, const std::string& format, const std::string& name,
                                       const ImportOptions& options);

}  // namespace bitgoeul::road
