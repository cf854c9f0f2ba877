#pragma once
// The live dispatch service's HTTP API (docs/taxi-service-openapi.yaml), on the same road, permit and routing code
// as the simulator. This first part serves the permitted road network, the permit's state, ride quotes judged by
// the permit with their direct drive, health and Prometheus metrics; every call but /health and /metrics needs a
// bearer token whose role allows it. The fleet, rides and the durable store come next on the same handler.

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/http_server.h"

namespace bitgoeul::taxi_service {

struct ServiceOptions {
  std::string map;     // OSM extract or .graph
  std::string permit;  // permit TOML (docs/taxi-permit.md)
  std::string access;  // tokens (taxi_service/access.h)
  double utc_offset_hours = 9.0;  // the permit's local time (Korea Standard Time, no daylight saving)
  double max_snap_m = 250.0;      // a rider farther than this from a permitted road cannot be served
  double max_wait_s = 600.0;
  bool show_progress = false;
};

class TaxiService {
 public:
  // Loads the map, restricts it to the permit, builds the hierarchy. Errors name the file at fault.
  static Result<std::unique_ptr<TaxiService>> create(const ServiceOptions& options, const Clock& clock);
  ~TaxiService();

  // Thread-safe. Never throws; bad input is a 4xx with {"error": ...} and changes nothing.
  HttpResponse handle(const HttpRequest& request);

 private:
  struct Impl;
  explicit TaxiService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bitgoeul::taxi_service
