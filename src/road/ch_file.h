#pragma once
// The one owner of the `.ch` file format: a contraction hierarchy in a versioned, checksummed BinaryWriter
// container (core/binary_file.h), together with the fingerprint of the graph it was built from
// (LoadedGraph::checksum), so a hierarchy for a changed graph is refused instead of giving wrong routes.

#include <string>

#include "core/error.h"
#include "road/contraction_hierarchy.h"

namespace bitgoeul::road {

inline constexpr char kChFileMagic[] = "BGCH";
inline constexpr uint32_t kChFileVersion = 1;

Status save_contraction_hierarchy(const ContractionHierarchy& ch, uint32_t graph_checksum, const std::string& path);

// Errors name `path`: missing, foreign, other version, damaged, inconsistent (see validate()), or built for another
// graph than the one with `graph_checksum` (kInvalidInput, saying to run `bitgoeul road contract` again).
Result<ContractionHierarchy> load_contraction_hierarchy(const std::string& path, uint32_t graph_checksum);

}  // namespace bitgoeul::road
