#include "cli/command.h"

namespace bitgoeul::cli {

void CommandRegistry::on_run(CLI::App* command, Action action) {
  command->callback([this, action = std::move(action)] { selected_ = action; });
}

Status CommandRegistry::run_selected() const {
  if (!selected_) return invalid_input("no command given; see --help");
  return selected_();
}

}  // namespace bitgoeul::cli
