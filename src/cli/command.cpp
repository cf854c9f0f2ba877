#include "cli/command.h"

#include <cstdio>

namespace bitgoeul::cli {

void CommandRegistry::on_run(CLI::App* command, Action action) {
  command->callback([this, action = std::move(action)] { selected_ = action; });
}

Status CommandRegistry::run_selected() const {
  if (!selected_) return invalid_input("no command given; see --help");
  return selected_();
}

Result<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& text) {
  const size_t colon = text.rfind(':');
  const char* problem = nullptr;
  int port = -1;
  if (colon == std::string::npos) {
    problem = "no ':PORT'";
  } else if (colon == 0) {
    problem = "no ADDRESS before the ':'";
  } else if (std::sscanf(text.c_str() + colon + 1, "%d", &port) != 1 || port < 0 || port > 65535 ||
             std::to_string(port) != text.substr(colon + 1)) {
    problem = "the port must be a whole number from 0 to 65535";
  }
  if (problem != nullptr) {
    return invalid_input("--listen: '{}' is not ADDRESS:PORT ({}; e.g. 127.0.0.1:8080, port 0 picks a free one)", text,
                         problem);
  }
  return std::make_pair(text.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace bitgoeul::cli
