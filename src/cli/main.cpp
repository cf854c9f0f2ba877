// bitgoeul: Gwangju's robotaxi and NPU-center engine. One executable, one subcommand per engine.

#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Bitgoeul (빛고을): the engine of Gwangju's robotaxi demonstration and NPU computing center.\n"
      "Road network import and routing (road); robotaxi demand and fleet (taxi); NPU center scheduling and\n"
      "simulation (npu); tamper-evident audit logs of operational decisions (audit); capacity planning (plan)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "bitgoeul 0.1.0");
  bitgoeul::cli::CommandRegistry registry;
  bitgoeul::cli::add_road_commands(app, registry);
  bitgoeul::cli::add_taxi_commands(app, registry);
  bitgoeul::cli::add_npu_commands(app, registry);
  bitgoeul::cli::add_audit_commands(app, registry);
  bitgoeul::cli::add_plan_commands(app, registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  try {
    const bitgoeul::Status status = registry.run_selected();
    if (!status.is_ok()) {
      fmt::print(stderr, "bitgoeul: {}\n", status.to_string());
      return 1;
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "bitgoeul: internal error: {}\n", error.what());
    return 2;
  }
  return 0;
}
