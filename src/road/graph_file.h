#pragma once
// The one owner of the `.graph` file format: a versioned, checksummed BinaryWriter container (core/binary_file.h)
// holding a RoadGraph plus a JSON note about where it came from (source map, import report).

#include <string>

#include "core/error.h"
#include "road/road_graph.h"

namespace bitgoeul::road {

inline constexpr char kGraphFileMagic[] = "BGGRAPH";
inline constexpr uint32_t kGraphFileVersion = 1;

// `provenance_json` is free-form JSON describing the import (source file, counts of skipped elements).
Status save_graph(const RoadGraph& graph, const std::string& provenance_json, const std::string& path);

struct LoadedGraph {
  RoadGraph graph;
  std::string provenance_json;
  uint32_t checksum = 0;  // fingerprint of the graph, so derived files (hierarchies) can refuse a stale graph
};
// Errors name `path` and say whether the file is missing, foreign, of another version, damaged or inconsistent.
Result<LoadedGraph> load_graph(const std::string& path);

}  // namespace bitgoeul::road
