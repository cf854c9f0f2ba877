#pragma once
// The live dispatch service's load generator (`bitgoeul taxi loadgen`): simulated vehicles from a scenario register
// through the fleet's gateway token, report their positions in batches and drive their assigned routes on the
// scenario's roads (the simulator's routing, time accelerated by `speedup`), confirming each pick-up and drop-off
// when they reach it; riders request rides from the scenario's demand at a fixed rate. It measures throughput and
// per-endpoint latency, and journals every ride the service acknowledged so a crash test can look for each one.
//
// The service is allowed to vanish and come back (kill -9 and restart): failed calls are counted, connections
// reconnect, nothing is retried that could be applied twice (a ride request that got no answer is not repeated).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace bitgoeul::taxi_service {

struct LoadgenOptions {
  std::string scenario;       // scenario TOML (taxi/scenario_file.h); its map, permit and demand
  std::string data_dir;       // overrides the scenario's data_dir when not empty
  std::string url;            // http://HOST:PORT of the service
  std::string token_file;     // TOML: gateway = "...", rider = "..." (see read_loadgen_tokens)
  double duration_s = 30.0;   // wall seconds of load after the vehicles registered
  double speedup = 10.0;      // simulated seconds per wall second for the vehicles' motion
  uint32_t vehicles = 0;      // 0: the scenario's fleet size
  double rate = 0.0;          // ride requests per wall second; 0: the scenario's demand rate times speedup
  double telemetry_interval_s = 1.0;  // wall seconds between two position reports of a vehicle
  size_t batch_size = 1000;           // positions per telemetry call (the service takes at most 10,000)
  int vehicle_connections = 4;        // keep-alive connections for telemetry, stops and assignments
  int rider_connections = 4;          // keep-alive connections for ride requests
  std::string out;            // JSON figures, when not empty
  std::string journal;        // one JSON line per acknowledged ride, when not empty (appended, flushed per line)
  std::string vehicle_prefix = "v";  // vehicle ids are prefix + number
  bool quiet = false;                // no progress lines on stderr
};

// Checks ranges and combinations; the message names the option (e.g. "--speedup: must be > 0, not -1").
Status validate_loadgen_options(const LoadgenOptions& options);

struct HttpUrl {
  std::string host;
  uint16_t port = 0;
};
// "http://HOST:PORT" with an optional trailing "/"; anything else (https, paths, no port) is an error naming it.
Result<HttpUrl> parse_http_url(const std::string& url);

struct LoadgenTokens {
  std::string gateway;  // registers vehicles, sends telemetry, confirms stops
  std::string rider;    // requests rides
};
// The token file: TOML with string keys `gateway` and `rider`; unknown keys and empty tokens are errors naming the
// file and line.
Result<LoadgenTokens> read_loadgen_tokens(const std::string& path);

// What the loadgen reads from the service's answers (docs/taxi-service-openapi.yaml).
struct PlannedStop {
  std::string ride;
  bool pickup = true;
  double lat = 0.0;
  double lon = 0.0;
};
struct AssignmentReply {
  uint64_t version = 0;
  std::vector<PlannedStop> stops;
};
// The body of GET /api/v1/vehicles/{id}/assignment; errors name the field.
Result<AssignmentReply> parse_assignment(const std::string& body);

struct RideReply {
  std::string id;
  std::string status;
  std::string vehicle;  // empty unless assigned
};
// The body of POST /api/v1/rides (201); errors name the field.
Result<RideReply> parse_ride_reply(const std::string& body);

struct LatencySummary {
  uint64_t count = 0;
  double p50_ms = 0.0, p95_ms = 0.0, p99_ms = 0.0, max_ms = 0.0;
};
// Nearest-rank percentiles of `samples_ms` (sorted in place).
LatencySummary summarize_latency(std::vector<double>& samples_ms);

struct LoadgenReport {
  double duration_s = 0.0;  // wall seconds of load (after registration): every call was sent within it
  double drain_s = 0.0;     // wall seconds after it until the last answer came back
  uint32_t vehicles = 0;
  uint64_t position_updates = 0;  // positions the service accepted
  uint64_t ride_requests = 0;     // rides acknowledged (201)
  uint64_t rides_assigned = 0;
  uint64_t rides_rejected = 0;
  uint64_t stops_confirmed = 0;
  uint64_t shed = 0;  // calls not sent because the loadgen's own queue was full (it could not keep up)
  std::map<std::string, uint64_t> errors;  // "endpoint status" or "endpoint connection" -> count
  std::map<std::string, LatencySummary> latency;  // per endpoint; "rides" is the assignment latency
  double position_updates_per_s() const { return duration_s > 0 ? position_updates / duration_s : 0.0; }
  double ride_requests_per_s() const { return duration_s > 0 ? ride_requests / duration_s : 0.0; }
  std::string to_json() const;
  std::string to_text() const;
};

// Runs the load for options.duration_s and returns the figures. Errors: bad options, unreadable scenario or token
// file, a service that never answered the registrations.
Result<LoadgenReport> run_loadgen(const LoadgenOptions& options);

}  // namespace bitgoeul::taxi_service
