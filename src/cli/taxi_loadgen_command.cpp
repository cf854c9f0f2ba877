// `bitgoeul taxi loadgen`: drives a running dispatch service with a scenario's simulated fleet and riders and
// prints throughput and latency (taxi_service/loadgen.h).

#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "taxi_service/loadgen.h"

namespace bitgoeul::cli {
namespace {

Status run_loadgen_command(taxi_service::LoadgenOptions options) {
  options.rider_connections = options.vehicle_connections;  // --connections sets both pools
  BITGOEUL_ASSIGN_OR_RETURN(const taxi_service::LoadgenReport report, taxi_service::run_loadgen(options));
  fmt::print("{}", report.to_text());
  if (!options.out.empty()) fmt::print("figures written to {}\n", options.out);
  return Status::ok();
}

}  // namespace

void add_taxi_loadgen_command(CLI::App& taxi, CommandRegistry& registry) {
  auto options = std::make_shared<taxi_service::LoadgenOptions>();
  auto* command = taxi.add_subcommand(
      "loadgen",
      "Drive a running dispatch service with a scenario's vehicles (telemetry, routes, stop confirmations) and "
      "riders; print throughput and latency percentiles");
  command->add_option("--scenario", options->scenario, "Scenario TOML: map, permit, fleet and demand")->required();
  command->add_option("--data-dir", options->data_dir, "Where the scenario's relative data paths resolve");
  command->add_option("--url", options->url, "The service, http://HOST:PORT")->required();
  command->add_option("--token-file", options->token_file,
                      "TOML with the gateway's and a rider's bearer tokens: gateway = \"...\", rider = \"...\"")
      ->required();
  command->add_option("--duration", options->duration_s, "Wall seconds of load after the vehicles registered")
      ->capture_default_str();
  command->add_option("--speedup", options->speedup, "Simulated seconds per wall second for the vehicles' motion")
      ->capture_default_str();
  command->add_option("--vehicles", options->vehicles, "Simulated vehicles (0: the scenario's fleet size)")
      ->capture_default_str();
  command->add_option("--rate", options->rate, "Ride requests per second (0: the scenario's demand times --speedup)")
      ->capture_default_str();
  command->add_option("--telemetry-interval", options->telemetry_interval_s,
                      "Wall seconds between two position reports of a vehicle")
      ->capture_default_str();
  command->add_option("--batch", options->batch_size, "Positions per telemetry call")->capture_default_str();
  command->add_option("--connections", options->vehicle_connections,
                      "Keep-alive connections for the vehicles' calls (as many again for the riders')")
      ->capture_default_str();
  command->add_option("--vehicle-prefix", options->vehicle_prefix, "Vehicle ids are this prefix and a number")
      ->capture_default_str();
  command->add_option("--out", options->out, "Write the figures as JSON to this file");
  command->add_option("--journal", options->journal,
                      "Append one JSON line per acknowledged ride ({\"ride\":id,\"status\":...}) to this file");
  command->add_flag("--quiet", options->quiet, "No progress lines on stderr");
  registry.on_run(command, [options] { return run_loadgen_command(*options); });
}

}  // namespace bitgoeul::cli
