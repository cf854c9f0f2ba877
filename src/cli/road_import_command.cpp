// `bitgoeul road import`: OpenStreetMap → graph file.

#include "cli/command.h"

namespace bitgoeul::cli {

void add_road_import_command(CLI::App& /*road*/, CommandRegistry& /*registry*/) {}

}  // namespace bitgoeul::cli
