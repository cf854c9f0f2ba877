#pragma once
// The live dispatch service's HTTP API (docs/taxi-service-openapi.yaml, docs/taxi-service.md), on the same road,
// permit, routing and dispatch code as the simulator: vehicles register and report positions, riders ask for rides
// that the insertion dispatcher assigns at once, operators watch and intervene, the regulator reads. Every change
// is committed to the SQLite store (WAL) before it is acknowledged, and a service created on an existing store
// recovers every vehicle and ride from it. Every call but /health and /metrics needs a bearer token whose role
// allows it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/http_server.h"
#include "taxi_service/access.h"

namespace bitgoeul::taxi_service {

struct ServiceOptions {
  std::string map;     // OSM extract or .graph
  std::string permit;  // permit TOML (docs/taxi-permit.md)
  std::string access;  // tokens (taxi_service/access.h)
  // The durable store (SQLite, WAL), created when missing; the audit log is audit.jsonl in the same directory.
  // Empty: nothing is stored (tests of the read-only part only; every state-changing call then answers 503).
  std::string db;
  std::string log;  // one JSON line per request: "" none, "-" standard error, else this file (appended to)
  double utc_offset_hours = 9.0;  // the permit's local time (Korea Standard Time, no daylight saving)
  double max_snap_m = 250.0;      // a rider or vehicle farther than this from a permitted road cannot be served
  double max_wait_s = 600.0;      // from request to pick-up
  bool show_progress = false;
};

// Who a change notification is for (see TaxiService::set_listener):
//   role kOperator: operators and regulators (they see everything);
//   role kVehicle with id: that vehicle, and the gateway (which drives every vehicle);
//   role kRider with id: that rider.
// Every notification has exactly one audience; operators/regulators should receive all of them whatever the hint.
using Audience = Principal;

// One change, as a JSON text message for push clients:
//   {"type":"assignment","vehicle":id,"version":n,"stops":[...]}   same body as GET /api/v1/vehicles/{id}/assignment
//   {"type":"ride", ...Ride}                                        same body as GET /api/v1/rides/{id}
//   {"type":"vehicle", ...Vehicle}                                  registration, pull, status change (not telemetry)
//   {"type":"zone","zone":id,"suspended":bool}
using ChangeListener = std::function<void(const std::string& json_message, const Audience& audience)>;

class TaxiService {
 public:
  // Loads the map, restricts it to the permit, builds the hierarchy, opens (or creates) the store and recovers the
  // fleet and rides from it. Errors name the file at fault.
  static Result<std::unique_ptr<TaxiService>> create(const ServiceOptions& options, const Clock& clock);
  ~TaxiService();

  // Thread-safe. Never throws; bad input is a 4xx with {"error": ...} and changes nothing. A state-changing call is
  // answered only after its transaction committed; if the store fails, the call gets 503 and the service refuses
  // every further change (its memory may be ahead of the store; a restart recovers from the store).
  HttpResponse handle(const HttpRequest& request);

  // Push support for the WebSocket layer (core/http_server's stream, not part of this class).
  //
  // The principal holding `token`, or nullopt: the same check handle() makes.
  std::optional<Principal> authenticate(const std::string& token) const;
  // Called once per change after the change committed, on the thread whose request made it, outside the service's
  // lock (so the listener may call fleet_snapshot_json; it must not block for long). Replaces any earlier listener;
  // an empty function removes it. Thread-safe.
  void set_listener(ChangeListener listener);
  // {"type":"fleet","version":n, ...same members as GET /api/v1/fleet}: for the once-a-second fleet message.
  std::string fleet_snapshot_json();
  // Bumped by every committed change (telemetry included): a pusher can skip a snapshot when it has not moved.
  uint64_t version() const;

 private:
  struct Impl;
  explicit TaxiService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bitgoeul::taxi_service
