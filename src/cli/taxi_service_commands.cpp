// `bitgoeul taxi serve` and `bitgoeul taxi token`: the live dispatch service (docs/taxi-service.md) and the tokens
// of its access file.

#include <csignal>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/clock.h"
#include "core/http_server.h"
#include "core/token.h"
#include "taxi_service/service.h"
#include "taxi_service/static_files.h"
#include "taxi_service/stream.h"

namespace bitgoeul::cli {
namespace {

struct ServeOptions {
  taxi_service::ServiceOptions service;
  std::string listen = "127.0.0.1:8080";
  int threads = 2;
  std::string web;  // the dashboard's files; "" = web/dist of the checkout holding the executable, if built; "none" = off
};

// The dashboard to serve at / (taxi_service/static_files.h), or nullopt.
Result<std::optional<taxi_service::StaticFiles>> open_dashboard(const std::string& web) {
  if (web == "none") return std::optional<taxi_service::StaticFiles>();
  std::string directory = web;
  if (directory.empty()) {
    const auto found = taxi_service::find_dashboard_beside("/proc/self/exe");
    if (!found) return std::optional<taxi_service::StaticFiles>();
    directory = *found;
  }
  BITGOEUL_ASSIGN_OR_RETURN(taxi_service::StaticFiles files, taxi_service::StaticFiles::open(directory));
  return std::optional<taxi_service::StaticFiles>(std::move(files));
}

// The API's own paths; everything else is the dashboard's when there is one.
bool is_api_path(const std::string& path) {
  return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/health" || path == "/metrics";
}

Status run_serve(const ServeOptions& options) {
  BITGOEUL_ASSIGN_OR_RETURN(const auto listen, parse_listen_address(options.listen));
  // Block the stop signals before any thread starts, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const SystemClock clock;
  taxi_service::ServiceOptions service_options = options.service;
  service_options.show_progress = true;
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<taxi_service::TaxiService> service,
                            taxi_service::TaxiService::create(service_options, clock));
  BITGOEUL_ASSIGN_OR_RETURN(const std::optional<taxi_service::StaticFiles> dashboard, open_dashboard(options.web));
  HttpServerOptions http;
  http.address = listen.first;
  http.port = listen.second;
  http.threads = options.threads;
  http.max_body_bytes = size_t{4} << 20;  // a telemetry batch of 10,000 positions is about 1 MB
  http.websocket.paths = {taxi_service::kStreamPath};
  http.websocket.authorize = [&service](const HttpRequest& request) {
    return taxi_service::authorize_stream(*service, request);
  };
  BITGOEUL_ASSIGN_OR_RETURN(
      std::unique_ptr<HttpServer> server,
      HttpServer::start(http, [&service, &dashboard](const HttpRequest& request) {
        return dashboard && !is_api_path(request.path) ? dashboard->serve(request) : service->handle(request);
      }));
  fmt::print("listening on http://{}:{}\n", listen.first, server->port());
  if (dashboard) fmt::print("dashboard at http://{}:{}/ (files from {})\n", listen.first, server->port(), dashboard->root());
  std::fflush(stdout);
  auto stream = std::make_unique<taxi_service::StreamPublisher>(*service, *server);
  int received = 0;
  sigwait(&stop_signals, &received);
  stream.reset();
  server->stop();
  fmt::print("stopped ({})\n", received == SIGINT ? "SIGINT" : "SIGTERM");
  return Status::ok();
}

struct TokenOptions {
  std::string role;
  std::string id;
};

Status run_token(const TokenOptions& options) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::string token, generate_token());
  BITGOEUL_ASSIGN_OR_RETURN(const std::string hash, token_hash(token));
  fmt::print("# token for {} '{}' (give it to its holder; it is not stored anywhere):\n# {}\n", options.role, options.id,
             token);
  fmt::print("[[token]]\nrole = \"{}\"\nid = \"{}\"\nsha256 = \"{}\"\n", options.role, options.id, hash);
  return Status::ok();
}

}  // namespace

void add_taxi_service_commands(CLI::App& taxi, CommandRegistry& registry) {
  auto serve = std::make_shared<ServeOptions>();
  auto* serve_command = taxi.add_subcommand(
      "serve", "Run the live dispatch service: HTTP/JSON API on the permitted roads (docs/taxi-service.md)");
  serve_command->add_option("--map", serve->service.map, "Road map (.osm/.osm.pbf/.osm.bz2 or .graph)")->required();
  serve_command->add_option("--permit", serve->service.permit, "Demonstration permit TOML")->required();
  serve_command->add_option("--access", serve->service.access, "Tokens and roles TOML (see `taxi token`)")->required();
  serve->service.db = "state.sqlite";
  serve_command->add_option("--db", serve->service.db,
                            "The durable store (SQLite, WAL; created when missing; audit.jsonl beside it)")
      ->capture_default_str();
  serve->service.log = "-";
  serve_command->add_option("--log", serve->service.log, "Request log, one JSON line per request ('-': standard error)")
      ->capture_default_str();
  serve_command->add_option("--listen", serve->listen, "ADDRESS:PORT (port 0: any free port)")->capture_default_str();
  serve_command->add_option("--threads", serve->threads, "HTTP threads")->check(CLI::Range(1, 64))->capture_default_str();
  serve_command->add_option("--utc-offset", serve->service.utc_offset_hours, "Hours the permit's local time is ahead of UTC")
      ->check(CLI::Range(-12.0, 14.0))
      ->capture_default_str();
  serve_command->add_option("--web", serve->web,
                            "Dashboard directory served at / (default: web/dist of this checkout when built; none: off)");
  registry.on_run(serve_command, [serve] { return run_serve(*serve); });

  auto token = std::make_shared<TokenOptions>();
  auto* token_command = taxi.add_subcommand(
      "token", "Make a bearer token and print its [[token]] entry (only the SHA-256) for the service's access file");
  token_command->add_option("--role", token->role, "operator, regulator, vehicle, rider or gateway")
      ->required()
      ->check(CLI::IsMember({"operator", "regulator", "vehicle", "rider", "gateway"}));
  token_command->add_option("--id", token->id, "The holder's id (a vehicle's or rider's own id)")->required();
  registry.on_run(token_command, [token] { return run_token(*token); });
}

}  // namespace bitgoeul::cli
