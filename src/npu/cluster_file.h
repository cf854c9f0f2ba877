#pragma once
// Reads a cluster description (TOML, documented in docs/npu-formats.md). Errors name the file, line and key.

#include <string>
#include <string_view>

#include "core/error.h"
#include "npu/cluster.h"

namespace bitgoeul::npu {

Result<Cluster> parse_cluster(std::string_view toml_text, const std::string& source_name);
Result<Cluster> load_cluster_file(const std::string& path);

}  // namespace bitgoeul::npu
