#pragma once
// How subcommands plug into the `bitgoeul` executable: each module's commands file registers its subcommands on
// the CLI11 app and sets, from the subcommand's callback, the action to run. main() runs it and turns a failed
// Status into a message on stderr and a non-zero exit code; exceptions never escape a command.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "core/error.h"

namespace bitgoeul::cli {

using Action = std::function<Status()>;

class CommandRegistry {
 public:
  // Runs `action` if CLI11 selects `command`. Options bound to the command are parsed before the action runs.
  void on_run(CLI::App* command, Action action);
  Status run_selected() const;
  bool has_selection() const { return static_cast<bool>(selected_); }

 private:
  Action selected_;
};

// A server's --listen ADDRESS:PORT (port 0: any free port); the error names the option.
Result<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& text);

void add_road_commands(CLI::App& app, CommandRegistry& registry);
// The `road` subcommands, one file per stage.
void add_road_import_command(CLI::App& road, CommandRegistry& registry);
void add_road_routing_commands(CLI::App& road, CommandRegistry& registry);
void add_road_export_command(CLI::App& road, CommandRegistry& registry);
void add_taxi_commands(CLI::App& app, CommandRegistry& registry);
// `taxi permit check` and `taxi report`.
void add_taxi_permit_commands(CLI::App& taxi, CommandRegistry& registry);
// `taxi serve` and `taxi token`.
void add_taxi_service_commands(CLI::App& taxi, CommandRegistry& registry);
// `taxi loadgen`: load on a running service.
void add_taxi_loadgen_command(CLI::App& taxi, CommandRegistry& registry);
void add_npu_commands(CLI::App& app, CommandRegistry& registry);
// The NPU center live on Slurm (init, token, submit, queue, cancel, usage, tenants, sync, serve) under `npu`.
void add_npu_center_commands(CLI::App& npu, CommandRegistry& registry);
void add_audit_commands(CLI::App& app, CommandRegistry& registry);
// Capacity planning sweeps: `plan taxi`, `plan npu`.
void add_plan_commands(CLI::App& app, CommandRegistry& registry);

}  // namespace bitgoeul::cli
