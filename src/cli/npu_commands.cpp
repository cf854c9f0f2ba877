// `bitgoeul npu ...`: NPU computing center scheduling and simulation.

#include "cli/command.h"

namespace bitgoeul::cli {

void add_npu_commands(CLI::App& /*app*/, CommandRegistry& /*registry*/) {}

}  // namespace bitgoeul::cli
