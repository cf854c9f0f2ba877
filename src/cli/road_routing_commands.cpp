// `bitgoeul road contract|route|matrix`: hierarchy build and queries.

#include "cli/command.h"

namespace bitgoeul::cli {

void add_road_routing_commands(CLI::App& /*road*/, CommandRegistry& /*registry*/) {}

}  // namespace bitgoeul::cli
