#include "taxi_service/service.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/audit_log.h"
#include "road/contraction_hierarchy.h"
#include "taxi/dispatch/insertion.h"
#include "taxi/fleet_state.h"
#include "taxi/road_travel.h"
#include "taxi/rules/permit_file.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/permitted_roads.h"
#include "taxi/rules/regulator_report.h"
#include "taxi/scenario_world.h"
#include "taxi_service/service_store.h"

namespace bitgoeul::taxi_service {
namespace {

using nlohmann::json;
namespace rules = taxi::rules;

constexpr double kDay = 86400.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr size_t kMaxTelemetry = 10000;       // positions per batch
constexpr double kMaxClockAheadS = 3600.0;     // a report's time may be this far ahead of the service's clock
constexpr size_t kMaxHistoryMinutes = 24 * 60;  // KPI history kept
constexpr double kRetryPendingS = 5.0;          // waiting rides are offered to the fleet again this often ...
constexpr size_t kRetryBatch = 32;              // ... this many at a time (and when a vehicle frees up or registers)
// Upper bounds (seconds) of the request-latency histogram.
constexpr std::array<double, 12> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

json point_json(const geo::LatLon& point) { return {{"lat", point.lat}, {"lon", point.lon}}; }

json zones_json(const std::vector<geo::Zone>& zones, const char* kind) {
  json features = json::array();
  for (const geo::Zone& zone : zones) {
    json polygons = json::array();
    for (const geo::Polygon& polygon : zone.polygons) {
      json rings = json::array();
      std::vector<const geo::Ring*> all_rings{&polygon.outer};
      for (const geo::Ring& hole : polygon.holes) all_rings.push_back(&hole);
      for (const geo::Ring* ring : all_rings) {
        json coordinates = json::array();  // GeoJSON rings repeat their first point at the end
        for (const geo::LatLon& p : *ring) coordinates.push_back({p.lon, p.lat});
        if (!ring->empty()) coordinates.push_back({ring->front().lon, ring->front().lat});
        rings.push_back(std::move(coordinates));
      }
      polygons.push_back(std::move(rings));
    }
    features.push_back({{"type", "Feature"},
                        {"properties", {{"id", zone.id}, {"name", zone.name}, {"kind", kind}}},
                        {"geometry", {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}}}});
  }
  return features;
}

// A {"lat": .., "lon": ..} member of a request body, checked.
std::optional<geo::LatLon> body_point(const json& body, const char* key, std::string& error) {
  const auto found = body.find(key);
  if (found == body.end() || !found->is_object()) {
    error = fmt::format("'{}' must be an object {{\"lat\": .., \"lon\": ..}}", key);
    return std::nullopt;
  }
  const auto lat = found->find("lat");
  const auto lon = found->find("lon");
  if (lat == found->end() || lon == found->end() || !lat->is_number() || !lon->is_number()) {
    error = fmt::format("'{}' needs numbers 'lat' and 'lon'", key);
    return std::nullopt;
  }
  const geo::LatLon point{lat->get<double>(), lon->get<double>()};
  if (!geo::is_valid(point)) {
    error = fmt::format("'{}' is not a coordinate in degrees", key);
    return std::nullopt;
  }
  return point;
}

// Numbers 'lat' and 'lon' directly in `object` (prefix names the object in messages).
std::optional<geo::LatLon> flat_point(const json& object, const std::string& prefix, std::string& error) {
  const auto lat = object.find("lat");
  const auto lon = object.find("lon");
  if (lat == object.end() || lon == object.end() || !lat->is_number() || !lon->is_number()) {
    error = fmt::format("{}needs numbers 'lat' and 'lon'", prefix);
    return std::nullopt;
  }
  const geo::LatLon point{lat->get<double>(), lon->get<double>()};
  if (!geo::is_valid(point)) {
    error = fmt::format("{}'lat'/'lon' is not a coordinate in degrees", prefix);
    return std::nullopt;
  }
  return point;
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// "r12" -> 12.
std::optional<uint32_t> parse_ride_id(const std::string& text) {
  if (text.size() < 2 || text.size() > 11 || text[0] != 'r') return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (value >= UINT32_MAX || (text.size() > 2 && text[1] == '0')) return std::nullopt;
  return static_cast<uint32_t>(value);
}
std::string ride_id(int64_t index) { return fmt::format("r{}", index); }

taxi::RejectReason reason_from_name(const std::string& name) {
  using taxi::RejectReason;
  for (const RejectReason reason :
       {RejectReason::kNotOnRoad, RejectReason::kUnroutable, RejectReason::kTooManyPassengers,
        RejectReason::kNoVehicleInTime, RejectReason::kAfterServiceEnd, RejectReason::kOutsidePermittedArea,
        RejectReason::kOutsideOperatingHours, RejectReason::kNoDesignatedStop, RejectReason::kServiceSuspended}) {
    if (name == taxi::reject_reason_name(reason)) return reason;
  }
  return RejectReason::kNone;
}

std::string principal_name(const Principal& principal) {
  return fmt::format("{}:{}", role_name(principal.role), principal.id);
}

// Path segments of `path` matched against `pattern` ("*" matches one segment, which goes to `captured`).
bool match_path(const std::string& pattern, const std::string& path, std::string& captured) {
  size_t p = 0;
  size_t q = 0;
  while (p < pattern.size() && q < path.size()) {
    if (pattern[p] == '*') {
      const size_t end = path.find('/', q);
      captured = path.substr(q, end == std::string::npos ? std::string::npos : end - q);
      if (captured.empty()) return false;
      q = end == std::string::npos ? path.size() : end;
      ++p;
      continue;
    }
    if (pattern[p] != path[q]) return false;
    ++p;
    ++q;
  }
  return p == pattern.size() && q == path.size();
}

struct ServiceError {
  int status;
  std::string message;
};

}  // namespace

struct TaxiService::Impl {
  ServiceOptions options;
  const Clock& clock;
  rules::Permit permit;
  road::RoadGraph graph;
  rules::PermittedRoads roads;
  road::ContractionHierarchy ch;
  AccessList access;
  std::string network_geojson;  // built once: the roads never change while the service runs

  std::mutex mutex;  // guards everything below (routing queries keep state, the fleet, the store)
  std::unique_ptr<taxi::RoadTravel> travel;
  std::optional<rules::PermitRules> day_rules;
  int64_t rules_day = INT64_MIN;

  // The fleet, planned by the simulator's own FleetState and insertion dispatcher. Fleet times are seconds since
  // the Unix epoch; the permit's rules speak local seconds since the service day's midnight (see Now).
  taxi::Scenario scenario;
  std::unique_ptr<taxi::FleetState> fleet;
  std::unique_ptr<taxi::InsertionDispatcher> dispatcher;
  // What the store holds, kept in memory: vehicles by fleet index, rides by index.
  std::vector<StoredVehicle> vehicles;
  std::unordered_map<std::string, uint32_t> vehicle_index;
  std::vector<double> last_report_s;  // per vehicle: time of its last telemetry (older reports are stale)
  std::vector<StoredRide> rides;
  std::set<std::string> suspended_zones;
  std::map<std::string, int64_t> rides_by_status;
  std::vector<double> waits_s;  // request to pick-up, of every ride picked up
  int64_t incidents = 0;

  std::unique_ptr<ServiceStore> store;
  std::optional<AuditLog> audit;
  std::string audit_path;
  bool failed = false;  // the store failed: no more changes (see handle())
  double last_retry_s = 0.0;
  size_t retry_cursor = 0;

  // Changes made by the request being handled: written at commit, announced after it.
  std::set<uint32_t> dirty_vehicles;
  std::set<uint32_t> announce_vehicles;  // registration, pull, status: a "vehicle" message
  std::set<uint32_t> dirty_rides;
  struct RideEvent {
    int64_t ride;
    std::string status;
    std::string detail;
  };
  std::vector<RideEvent> ride_events;
  struct AuditEntry {
    std::string kind;
    AuditFields data;
  };
  std::vector<AuditEntry> audit_entries;
  std::vector<std::pair<std::string, Audience>> outbox;
  std::string actor;  // who acts in the request being handled

  struct Counters {
    double time = 0.0;
    int64_t vehicles_online = 0;
    int64_t requested = 0;
    int64_t completed = 0;
    int64_t rejected = 0;
    int64_t cancelled = 0;
    int64_t waiting = 0;
    int64_t onboard = 0;
    double wait_mean_s = 0.0;
    double wait_p95_s = 0.0;
    double service_rate = 0.0;
  };
  std::deque<Counters> history;  // one per minute
  int64_t history_minute = INT64_MIN;

  // Metrics.
  std::map<std::pair<std::string, int>, uint64_t> served;  // (route, status) -> responses
  std::map<std::string, std::array<uint64_t, kLatencyBuckets.size() + 1>> latency_counts;  // route -> buckets, +Inf
  std::map<std::string, double> latency_sum_s;

  // Logs: one JSON line per request.
  std::mutex log_mutex;
  FILE* log = nullptr;
  bool own_log = false;

  std::atomic<uint64_t> version{0};  // bumped by every committed change
  std::mutex listener_mutex;         // guards listener (set from another thread than the requests')
  ChangeListener listener;

  Impl(const ServiceOptions& service_options, const Clock& service_clock, AccessList access_list)
      : options(service_options), clock(service_clock), access(std::move(access_list)) {}
  ~Impl() {
    if (own_log && log != nullptr) std::fclose(log);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Time.

  struct Now {
    double epoch_s = 0.0;  // the fleet's time
    double local_s = 0.0;  // the permit's: seconds since the local midnight of `day`
    double offset_s = 0.0;  // epoch_s - local_s
    rules::Date day;
    double to_epoch(double local) const { return local + offset_s; }
  };

  // The time now, with the permit's rules for today (rebuilt when the day changes).
  Now now() {
    Now result;
    result.epoch_s = static_cast<double>(clock.now_s());
    const double local_s = result.epoch_s + options.utc_offset_hours * 3600.0;
    const auto days = static_cast<int64_t>(std::floor(local_s / kDay));
    result.day = rules::date_from_days(days);
    if (days != rules_day) {
      auto created = rules::PermitRules::create(permit, result.day, 2 * kDay);
      day_rules = created.is_ok() ? std::optional<rules::PermitRules>(std::move(*created)) : std::nullopt;
      rules_day = days;
    }
    result.local_s = local_s - static_cast<double>(days) * kDay;
    result.offset_s = result.epoch_s - result.local_s;
    return result;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The service's view of vehicles and rides.

  const char* vehicle_status(uint32_t v) const {
    const StoredVehicle& vehicle = vehicles[v];
    if (vehicle.pulled) return "pulled";
    if (vehicle.status == "offline") return "offline";
    if (!fleet->vehicles()[v].plan.empty() || vehicle.status == "busy") return "busy";
    return "available";
  }

  json vehicle_json(uint32_t v) const {
    const StoredVehicle& vehicle = vehicles[v];
    const taxi::VehicleState& state = fleet->vehicles()[v];
    return {{"id", vehicle.id},
            {"lat", vehicle.lat},
            {"lon", vehicle.lon},
            {"status", vehicle_status(v)},
            {"reported_status", vehicle.status},
            {"onboard", state.onboard},
            {"capacity", state.capacity},
            {"stops", state.plan.size()},
            {"plan_version", vehicle.plan_version},
            {"registered", vehicle.registered},
            {"updated", vehicle.updated}};
  }

  // Arrival time of each stop of the vehicle's plan from now (as far as the plan can be driven; a plan that no
  // longer keeps every promise, e.g. after a delay, gets ETAs up to the first stop it breaks).
  std::vector<double> plan_etas(uint32_t v, double now_s) {
    std::vector<double> etas;
    const taxi::VehicleState& state = fleet->vehicles()[v];
    if (!state.plan.empty()) fleet->evaluate_plan(state, state.plan, now_s, &etas);
    return etas;
  }

  json stop_json(const taxi::Stop& stop, std::optional<double> eta) const {
    const StoredRide& ride = rides[stop.request];
    const bool pickup = stop.kind == taxi::Stop::Kind::kPickup;
    json entry = {{"ride", ride_id(ride.index)},
                  {"kind", pickup ? "pickup" : "dropoff"},
                  {"lat", pickup ? ride.origin_lat : ride.destination_lat},
                  {"lon", pickup ? ride.origin_lon : ride.destination_lon},
                  {"passengers", ride.passengers}};
    const std::string& stop_id = pickup ? ride.pickup_stop : ride.dropoff_stop;
    if (!stop_id.empty()) entry["stop"] = stop_id;
    entry["eta"] = eta ? json(*eta) : json(nullptr);
    return entry;
  }

  json assignment_json(uint32_t v, double now_s) {
    const std::vector<double> etas = plan_etas(v, now_s);
    const taxi::VehicleState& state = fleet->vehicles()[v];
    json stops = json::array();
    for (size_t i = 0; i < state.plan.size(); ++i) {
      stops.push_back(stop_json(state.plan[i], i < etas.size() ? std::optional<double>(etas[i]) : std::nullopt));
    }
    return {{"vehicle", vehicles[v].id}, {"version", vehicles[v].plan_version}, {"stops", std::move(stops)}};
  }

  // `etas`: the plan ETAs of the ride's vehicle when the caller has them (a fleet snapshot computes them once).
  json ride_json(uint32_t r, double now_s, const std::vector<double>* vehicle_etas = nullptr) {
    const StoredRide& ride = rides[r];
    json body = {{"id", ride_id(ride.index)},
                 {"rider", ride.rider},
                 {"status", ride.status},
                 {"origin", point_json({ride.origin_lat, ride.origin_lon})},
                 {"destination", point_json({ride.destination_lat, ride.destination_lon})},
                 {"asked_origin", point_json({ride.asked_origin_lat, ride.asked_origin_lon})},
                 {"asked_destination", point_json({ride.asked_destination_lat, ride.asked_destination_lon})},
                 {"passengers", ride.passengers},
                 {"requested", ride.requested},
                 {"latest_pickup", ride.latest_pickup}};
    if (!ride.reason.empty()) body["reason"] = ride.reason;
    if (!ride.rule.empty()) body["rule"] = ride.rule;
    if (!ride.pickup_stop.empty()) body["pickup_stop"] = ride.pickup_stop;
    if (!ride.dropoff_stop.empty()) body["dropoff_stop"] = ride.dropoff_stop;
    if (!ride.vehicle.empty()) body["vehicle"] = ride.vehicle;
    if (ride.assigned) body["assigned"] = *ride.assigned;
    if (ride.picked_up) body["picked_up"] = *ride.picked_up;
    if (ride.dropped_off) body["dropped_off"] = *ride.dropped_off;
    if (ride.ended) body["ended"] = *ride.ended;
    if ((ride.status == "assigned" || ride.status == "onboard") && !ride.vehicle.empty()) {
      const uint32_t v = vehicle_index.at(ride.vehicle);
      std::vector<double> own;
      if (vehicle_etas == nullptr) {
        own = plan_etas(v, now_s);
        vehicle_etas = &own;
      }
      const std::vector<taxi::Stop>& plan = fleet->vehicles()[v].plan;
      for (size_t i = 0; i < plan.size() && i < vehicle_etas->size(); ++i) {
        if (plan[i].request != r) continue;
        body[plan[i].kind == taxi::Stop::Kind::kPickup ? "eta_pickup" : "eta_dropoff"] = (*vehicle_etas)[i];
      }
    }
    return body;
  }

  json fleet_json(const Now& at) {
    json list = json::array();
    std::vector<std::vector<double>> etas(vehicles.size());
    for (uint32_t v = 0; v < vehicles.size(); ++v) {
      list.push_back(vehicle_json(v));
      etas[v] = plan_etas(v, at.epoch_s);
    }
    json active = json::array();
    for (const uint32_t r : fleet->pending()) active.push_back(ride_json(r, at.epoch_s));
    for (uint32_t v = 0; v < vehicles.size(); ++v) {
      std::set<uint32_t> seen;
      for (const taxi::Stop& stop : fleet->vehicles()[v].plan) {
        if (seen.insert(stop.request).second) active.push_back(ride_json(stop.request, at.epoch_s, &etas[v]));
      }
    }
    json zones = json::array();
    for (const std::string& zone : suspended_zones) zones.push_back(zone);
    return {{"time", at.epoch_s},
            {"version", version.load()},
            {"vehicles", std::move(list)},
            {"rides", std::move(active)},
            {"suspended_zones", std::move(zones)}};
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Changes: each request's changes are collected, written in one transaction, then audited and announced.

  void set_ride_status(uint32_t r, const std::string& status, const std::string& detail) {
    StoredRide& ride = rides[r];
    if (ride.status == status) return;
    if (!ride.status.empty()) --rides_by_status[ride.status];
    ++rides_by_status[status];
    ride.status = status;
    ride_events.push_back({ride.index, status, detail});
    dirty_rides.insert(r);
  }

  // The service's record of ride `r` from the fleet's (assignment, pick-up, drop-off happen in the fleet).
  void sync_ride(uint32_t r) {
    StoredRide& ride = rides[r];
    const taxi::RequestState& state = fleet->requests()[r];
    if (ride.status == "cancelled" || ride.status == "rejected" || ride.status == "completed") return;
    const std::string vehicle = state.vehicle == UINT32_MAX ? std::string() : vehicles[state.vehicle].id;
    switch (state.status) {
      case taxi::RequestStatus::kPending:
        if (ride.assigned || !ride.vehicle.empty()) {
          ride.assigned.reset();
          ride.vehicle.clear();
          dirty_rides.insert(r);
        }
        set_ride_status(r, "waiting", "");
        break;
      case taxi::RequestStatus::kAssigned:
        if (ride.status != "assigned" || ride.vehicle != vehicle) {
          if (ride.status == "assigned") ride_events.push_back({ride.index, "assigned", vehicle});  // reassigned
          AuditFields data = {{"ride", ride_id(ride.index)}, {"vehicle", vehicle}};
          if (!ride.vehicle.empty()) data["from"] = ride.vehicle;
          audit_entry("assignment", std::move(data));
          ride.assigned = state.assigned_s;
          ride.vehicle = vehicle;
          dirty_rides.insert(r);
        }
        set_ride_status(r, "assigned", vehicle);
        break;
      case taxi::RequestStatus::kOnboard:
        if (!ride.picked_up) {
          ride.picked_up = state.pickup_s;
          ride.vehicle = vehicle;
          waits_s.push_back(state.pickup_s - ride.requested);
          dirty_rides.insert(r);
        }
        set_ride_status(r, "onboard", vehicle);
        break;
      case taxi::RequestStatus::kCompleted:
        if (!ride.dropped_off) {
          ride.dropped_off = state.dropoff_s;
          dirty_rides.insert(r);
        }
        set_ride_status(r, "completed", vehicle);
        break;
      case taxi::RequestStatus::kRejected:
        ride.reason = taxi::reject_reason_name(state.reject_reason);
        ride.ended = state.rejected_s;
        ride.vehicle.clear();
        ride.assigned.reset();
        dirty_rides.insert(r);
        set_ride_status(r, "rejected", ride.reason);
        break;
    }
  }

  // Picks up what the fleet changed: plans (a new version for each vehicle whose plan differs) and the rides in them.
  void sync_fleet(const std::vector<uint32_t>& touched_rides = {}) {
    std::set<uint32_t> rides_to_sync(touched_rides.begin(), touched_rides.end());
    for (const uint32_t v : fleet->take_changed_vehicles()) {
      StoredVehicle& vehicle = vehicles[v];
      std::vector<StoredStop> plan;
      for (const taxi::Stop& stop : fleet->vehicles()[v].plan) {
        plan.push_back({stop.request, stop.kind == taxi::Stop::Kind::kPickup});
        rides_to_sync.insert(stop.request);
      }
      // Where the fleet places it now (a plan change stops its drive where the fleet believed it was): stored so
      // that a recovered fleet drives on from the same place and time.
      const taxi::VehicleState& state = fleet->vehicles()[v];
      if (state.anchor.edge != vehicle.edge || state.anchor.fraction != vehicle.fraction ||
          state.anchor_s != vehicle.anchor_s) {
        vehicle.edge = state.anchor.edge;
        vehicle.fraction = state.anchor.fraction;
        vehicle.anchor_s = state.anchor_s;
        dirty_vehicles.insert(v);
      }
      if (plan == vehicle.plan) continue;
      for (const StoredStop& stop : vehicle.plan) rides_to_sync.insert(static_cast<uint32_t>(stop.ride));
      vehicle.plan = std::move(plan);
      ++vehicle.plan_version;
      dirty_vehicles.insert(v);
    }
    for (const uint32_t r : rides_to_sync) sync_ride(r);
  }

  void audit_entry(std::string kind, AuditFields data) { audit_entries.push_back({std::move(kind), std::move(data)}); }

  void discard_changes() {
    dirty_vehicles.clear();
    announce_vehicles.clear();
    dirty_rides.clear();
    ride_events.clear();
    audit_entries.clear();
  }

  // Writes the collected changes and commits. On failure the service stops taking changes: its memory is ahead of
  // the store, and only a restart (recovering from the store) makes them agree again.
  std::optional<ServiceError> commit(const Now& at) {
    Status status = Status::ok();
    if (!store->in_transaction()) status = store->begin();
    for (const uint32_t v : dirty_vehicles) {
      if (status.is_ok()) status = store->put_vehicle(vehicles[v]);
    }
    for (const uint32_t r : dirty_rides) {
      if (status.is_ok()) status = store->put_ride(rides[r]);
    }
    for (const RideEvent& event : ride_events) {
      if (status.is_ok()) status = store->add_ride_event(event.ride, at.epoch_s, event.status, actor, event.detail);
    }
    if (status.is_ok()) status = store->commit();
    if (!status.is_ok()) {
      store->rollback();
      failed = true;
      discard_changes();
      return ServiceError{503, "the store failed, the change was not made: " + status.message()};
    }
    for (const AuditEntry& entry : audit_entries) {
      if (!audit) break;
      const Status appended = audit->append(at.epoch_s, entry.kind, actor, entry.data);
      if (!appended.is_ok()) std::fprintf(stderr, "audit log: %s\n", appended.message().c_str());
    }
    for (const uint32_t v : dirty_vehicles) {
      json message = assignment_json(v, at.epoch_s);
      message["type"] = "assignment";
      outbox.emplace_back(message.dump(), Audience{Role::kVehicle, vehicles[v].id});
    }
    for (const uint32_t v : announce_vehicles) {
      json message = vehicle_json(v);
      message["type"] = "vehicle";
      outbox.emplace_back(message.dump(), Audience{Role::kOperator, ""});
    }
    for (const uint32_t r : dirty_rides) {
      json message = ride_json(r, at.epoch_s);
      message["type"] = "ride";
      outbox.emplace_back(message.dump(), Audience{Role::kRider, rides[r].rider});
    }
    ++version;
    discard_changes();
    return std::nullopt;
  }

  // The latest time each vehicle may pick riders up (the permit's hours, shifts and fleet cap; never for a pulled or
  // offline vehicle), for dispatch.
  void refresh_pickup_limits(const Now& at) {
    for (uint32_t v = 0; v < vehicles.size(); ++v) {
      double until_s = -kInfinity;
      if (!vehicles[v].pulled && vehicles[v].status != "offline" && day_rules) {
        until_s = at.to_epoch(day_rules->pickups_until(v, at.local_s));
      }
      fleet->vehicles()[v].pickups_until_s = until_s;
    }
  }

  // Offers up to kRetryBatch waiting rides to the fleet again, from a cursor that goes round the queue: a long queue
  // (more riders than the fleet can take) costs each call the same, and no ride is passed over for good.
  void retry_waiting(const Now& at) {
    const std::vector<uint32_t> waiting = fleet->pending();  // a copy: each insertion changes the list
    if (waiting.empty()) return;
    refresh_pickup_limits(at);
    const size_t start = retry_cursor % waiting.size();
    const size_t count = std::min(kRetryBatch, waiting.size());
    for (size_t i = 0; i < count; ++i) dispatcher->insert(*fleet, waiting[(start + i) % waiting.size()], at.epoch_s);
    retry_cursor = start + count;
  }

  // Rides waiting past their latest pick-up are rejected; the others are offered to the fleet again now and then.
  void housekeeping(const Now& at) {
    take_history(at);
    if (failed || fleet->pending().empty()) return;
    std::vector<uint32_t> expired;
    for (const uint32_t r : fleet->pending()) {
      if (fleet->requests()[r].latest_pickup_s < at.epoch_s) expired.push_back(r);
    }
    const bool retry = at.epoch_s - last_retry_s >= kRetryPendingS && expired.size() < fleet->pending().size();
    if (expired.empty() && !retry) return;
    actor = "service";
    for (const uint32_t r : expired) {
      fleet->reject(r, taxi::RejectReason::kNoVehicleInTime, at.epoch_s);
      audit_entry("rejection", {{"ride", ride_id(r)}, {"reason", "no_vehicle_in_time"}});
    }
    if (retry) {
      last_retry_s = at.epoch_s;
      retry_waiting(at);
    }
    sync_fleet(expired);
    if (dirty_rides.empty() && dirty_vehicles.empty() && audit_entries.empty()) return;
    (void)commit(at);
  }

  Counters counters(double time) const {
    Counters c;
    c.time = time;
    for (uint32_t v = 0; v < vehicles.size(); ++v) {
      if (!vehicles[v].pulled && vehicles[v].status != "offline") ++c.vehicles_online;
    }
    auto count = [&](const char* status) {
      const auto found = rides_by_status.find(status);
      return found == rides_by_status.end() ? int64_t{0} : found->second;
    };
    c.requested = static_cast<int64_t>(rides.size());
    c.completed = count("completed");
    c.rejected = count("rejected");
    c.cancelled = count("cancelled");
    c.waiting = count("waiting") + count("assigned");
    c.onboard = count("onboard");
    if (!waits_s.empty()) {
      double sum = 0.0;
      for (const double w : waits_s) sum += w;
      c.wait_mean_s = sum / static_cast<double>(waits_s.size());
      std::vector<double> sorted = waits_s;
      const size_t k = std::min(sorted.size() - 1, static_cast<size_t>(std::ceil(0.95 * static_cast<double>(sorted.size()))) - 1);
      std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
      c.wait_p95_s = sorted[k];
    }
    // Of the rides decided (no longer waiting), the share that got a vehicle.
    const int64_t decided = c.requested - c.waiting;
    const int64_t served_rides = c.onboard + c.completed;
    c.service_rate = decided > 0 ? static_cast<double>(served_rides) / static_cast<double>(decided) : 0.0;
    return c;
  }

  static json counters_json(const Counters& c) {
    return {{"time", c.time},
            {"vehicles_online", c.vehicles_online},
            {"rides_requested", c.requested},
            {"rides_completed", c.completed},
            {"rides_rejected", c.rejected},
            {"rides_cancelled", c.cancelled},
            {"rides_waiting", c.waiting},
            {"rides_onboard", c.onboard},
            {"wait_mean_s", c.wait_mean_s},
            {"wait_p95_s", c.wait_p95_s},
            {"service_rate", c.service_rate}};
  }

  // The counters at each minute's start (taken by the first request of the minute; minutes without requests are
  // filled with the counters they had, which cannot have changed without a request).
  void take_history(const Now& at) {
    const auto minute = static_cast<int64_t>(std::floor(at.epoch_s / 60.0));
    if (minute == history_minute) return;
    const Counters current = counters(static_cast<double>(minute) * 60.0);
    if (history_minute != INT64_MIN && minute - history_minute > 1 && !history.empty()) {
      Counters last = history.back();
      for (int64_t m = std::max(history_minute + 1, minute - static_cast<int64_t>(kMaxHistoryMinutes)); m < minute; ++m) {
        last.time = static_cast<double>(m) * 60.0;
        history.push_back(last);
      }
    }
    history.push_back(current);
    while (history.size() > kMaxHistoryMinutes) history.pop_front();
    history_minute = minute;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Read-only endpoints of the first part.

  // Who the caller is and what its role may do, from the same table the router authorises by.
  static HttpResponse whoami(const Principal& principal) {
    json may = json::array();
    for (const Action action : actions_of(principal.role)) may.push_back(action_name(action));
    return HttpResponse::json(json{{"role", role_name(principal.role)}, {"id", principal.id}, {"may", std::move(may)}}.dump());
  }

  HttpResponse permit_state() {
    const Now at = now();
    json body = {{"name", permit.name}, {"number", permit.number}, {"holder", permit.holder},
                 {"day", rules::format_date(at.day)}, {"local_time_s", at.local_s}};
    if (!day_rules) return HttpResponse::error(503, "the permit's calendar does not cover " + rules::format_date(at.day));
    const auto type = rules::day_type(at.day, permit.extra_holidays);
    body["day_type"] = type.is_ok() ? rules::day_type_name(*type) : "unknown";
    body["open"] = day_rules->open_at(at.local_s);
    const rules::Suspension* suspension = day_rules->suspension_at(at.local_s);
    body["suspension"] = suspension ? json(suspension->reason) : json(nullptr);
    json open = json::array();
    for (const rules::Interval& interval : day_rules->service()) {
      if (interval.end_s > 0 && interval.start_s < kDay) open.push_back({interval.start_s, interval.end_s});
    }
    body["open_today_s"] = std::move(open);
    json hours = json::object();
    for (const rules::DayType t : {rules::DayType::kWeekday, rules::DayType::kWeekend, rules::DayType::kHoliday}) {
      json windows = json::array();
      for (const rules::DailyWindow& w : permit.hours[static_cast<size_t>(t)]) windows.push_back(rules::format_window(w));
      hours[rules::day_type_name(t)] = std::move(windows);
    }
    body["hours"] = std::move(hours);
    json features = zones_json(permit.permitted, "permitted");
    for (json& feature : zones_json(permit.excluded, "excluded")) features.push_back(std::move(feature));
    for (json& feature : features) {
      const std::string id = feature["properties"]["id"].get<std::string>();
      feature["properties"]["suspended"] = suspended_zones.count(id) > 0;
    }
    body["zones"] = {{"type", "FeatureCollection"}, {"features", std::move(features)}};
    json suspended = json::array();
    for (const std::string& zone : suspended_zones) suspended.push_back(zone);
    body["suspended_zones"] = std::move(suspended);
    json stops = json::array();
    for (const rules::DesignatedStop& stop : permit.stops) {
      stops.push_back({{"id", stop.id}, {"name", stop.name}, {"lat", stop.point.lat}, {"lon", stop.point.lon}});
    }
    body["stops"] = std::move(stops);
    body["max_walk_m"] = permit.max_walk_m;
    return HttpResponse::json(body.dump());
  }

  // The parsed trip of a quote or ride request; an error for a malformed body.
  struct TripBody {
    geo::LatLon origin;
    geo::LatLon destination;
    uint16_t passengers = 1;
  };
  static std::variant<TripBody, HttpResponse> parse_trip(const HttpRequest& request) {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return HttpResponse::error(400, "the body must be a JSON object");
    std::string error;
    const auto origin = body_point(body, "origin", error);
    if (!origin) return HttpResponse::error(400, error);
    const auto destination = body_point(body, "destination", error);
    if (!destination) return HttpResponse::error(400, error);
    TripBody trip{*origin, *destination, 1};
    if (const auto found = body.find("passengers"); found != body.end()) {
      if (!found->is_number_integer() || found->get<int64_t>() < 1 || found->get<int64_t>() > 8) {
        return HttpResponse::error(400, "'passengers' must be an integer from 1 to 8");
      }
      trip.passengers = static_cast<uint16_t>(found->get<int64_t>());
    }
    return trip;
  }

  // The permit's judgement of a trip asked now, and the suspended zones': kNone when admitted (trip rewritten to
  // the designated stops, latest pick-up in local time).
  rules::Admission judge(taxi::TripRequest& trip, const Now& at) {
    rules::Admission admission = day_rules->admit(trip, options.max_wait_s);
    if (admission.reason != taxi::RejectReason::kNone) return admission;
    for (const geo::Zone& zone : permit.permitted) {
      if (suspended_zones.count(zone.id) == 0) continue;
      for (const geo::LatLon& point : {trip.origin, trip.destination}) {
        if (geo::contains(zone, point)) {
          admission.reason = taxi::RejectReason::kServiceSuspended;
          admission.rule = fmt::format("zone {} suspended by an operator", zone.id);
          return admission;
        }
      }
    }
    (void)at;
    return admission;
  }

  HttpResponse quote(const HttpRequest& request) {
    auto parsed = parse_trip(request);
    if (auto* error = std::get_if<HttpResponse>(&parsed)) return *error;
    const TripBody& asked = std::get<TripBody>(parsed);
    const Now at = now();
    if (!day_rules) return HttpResponse::error(503, "the permit's calendar does not cover " + rules::format_date(at.day));
    taxi::TripRequest trip;
    trip.request_time_s = at.local_s;
    trip.origin = asked.origin;
    trip.destination = asked.destination;
    trip.passengers = asked.passengers;
    const rules::Admission admission = judge(trip, at);
    json reply = {{"admitted", admission.reason == taxi::RejectReason::kNone}};
    if (admission.reason != taxi::RejectReason::kNone) {
      reply["reason"] = taxi::reject_reason_name(admission.reason);
      reply["rule"] = admission.rule;
      return HttpResponse::json(reply.dump());
    }
    if (admission.pickup_stop >= 0) {
      const rules::DesignatedStop& up = permit.stops[static_cast<size_t>(admission.pickup_stop)];
      const rules::DesignatedStop& off = permit.stops[static_cast<size_t>(admission.dropoff_stop)];
      reply["pickup_stop"] = {{"id", up.id}, {"name", up.name}, {"point", point_json(up.point)},
                              {"walk_m", admission.walk_to_pickup_m}};
      reply["dropoff_stop"] = {{"id", off.id}, {"name", off.name}, {"point", point_json(off.point)},
                               {"walk_m", admission.walk_from_dropoff_m}};
    }
    auto from = travel->locate(trip.origin, options.max_snap_m);
    auto to = travel->locate(trip.destination, options.max_snap_m);
    if (!from.is_ok() || !to.is_ok()) {
      reply["admitted"] = false;
      reply["reason"] = taxi::reject_reason_name(taxi::RejectReason::kNotOnRoad);
      reply["rule"] = fmt::format("no permitted road within {:.0f} m", options.max_snap_m);
      return HttpResponse::json(reply.dump());
    }
    double best_s = taxi::kUnreachable;
    for (uint8_t i = 0; i < from->option_count; ++i) best_s = std::min(best_s, travel->time_s(from->options[i], *to));
    if (best_s >= taxi::kUnreachable) {
      reply["admitted"] = false;
      reply["reason"] = taxi::reject_reason_name(taxi::RejectReason::kUnroutable);
      return HttpResponse::json(reply.dump());
    }
    reply["direct_time_s"] = best_s;
    reply["crow_fly_m"] = geo::haversine_m(trip.origin, trip.destination);
    reply["latest_pickup_local_s"] = *trip.latest_pickup_s;
    if (fleet) {
      // What the dispatcher would do now, asked with a tentative request that is withdrawn again (nothing is
      // promised: the fleet moves on).
      taxi::TripRequest tentative = trip;
      tentative.id = static_cast<uint32_t>(fleet->requests().size());
      tentative.request_time_s = at.epoch_s;
      tentative.latest_pickup_s = at.to_epoch(*trip.latest_pickup_s);
      std::optional<double> pickup_s, dropoff_s;
      if (!vehicles.empty()) {
        if (fleet->add_request(tentative)) {
          refresh_pickup_limits(at);
          if (const auto best = dispatcher->cheapest(*fleet, tentative.id, at.epoch_s)) {
            std::vector<double> etas;
            fleet->evaluate_plan(fleet->vehicles()[best->vehicle], best->plan, at.epoch_s, &etas);
            for (size_t i = 0; i < best->plan.size() && i < etas.size(); ++i) {
              if (best->plan[i].request != tentative.id) continue;
              (best->plan[i].kind == taxi::Stop::Kind::kPickup ? pickup_s : dropoff_s) = etas[i];
            }
          }
        }
        fleet->withdraw_last_request();  // added whether it could be planned or not
      }
      reply["eta_pickup"] = pickup_s ? json(*pickup_s) : json(nullptr);
      reply["eta_dropoff"] = dropoff_s ? json(*dropoff_s) : json(nullptr);
    }
    return HttpResponse::json(reply.dump());
  }

  std::string metrics_text() {
    std::string text =
        "# HELP bitgoeul_http_responses_total HTTP responses by route and status.\n"
        "# TYPE bitgoeul_http_responses_total counter\n";
    for (const auto& [key, count] : served) {
      text += fmt::format("bitgoeul_http_responses_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, count);
    }
    text += "# HELP bitgoeul_http_request_duration_seconds Time handle() took, by route.\n"
            "# TYPE bitgoeul_http_request_duration_seconds histogram\n";
    for (const auto& [route_name, buckets] : latency_counts) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += buckets[i];
        text += fmt::format("bitgoeul_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route_name,
                            kLatencyBuckets[i], cumulative);
      }
      cumulative += buckets.back();
      text += fmt::format("bitgoeul_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route_name,
                          cumulative);
      text += fmt::format("bitgoeul_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n", route_name,
                          latency_sum_s[route_name]);
      text += fmt::format("bitgoeul_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route_name, cumulative);
    }
    text += fmt::format("# HELP bitgoeul_permitted_road_km Length of the permitted road network.\n"
                        "# TYPE bitgoeul_permitted_road_km gauge\nbitgoeul_permitted_road_km {:.3f}\n",
                        roads.km_kept);
    if (fleet) {
      const Counters c = counters(0.0);
      text += fmt::format("# HELP bitgoeul_vehicles Registered vehicles.\n# TYPE bitgoeul_vehicles gauge\n"
                          "bitgoeul_vehicles {}\n"
                          "# HELP bitgoeul_vehicles_online Vehicles neither offline nor pulled.\n"
                          "# TYPE bitgoeul_vehicles_online gauge\nbitgoeul_vehicles_online {}\n",
                          vehicles.size(), c.vehicles_online);
      text += "# HELP bitgoeul_rides Rides by status.\n# TYPE bitgoeul_rides gauge\n";
      for (const char* status : {"waiting", "assigned", "onboard", "completed", "cancelled", "rejected"}) {
        const auto found = rides_by_status.find(status);
        text += fmt::format("bitgoeul_rides{{status=\"{}\"}} {}\n", status,
                            found == rides_by_status.end() ? 0 : found->second);
      }
      text += fmt::format("# HELP bitgoeul_store_failed 1 once the store failed (changes refused until restart).\n"
                          "# TYPE bitgoeul_store_failed gauge\nbitgoeul_store_failed {}\n",
                          failed ? 1 : 0);
    }
    return text;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Vehicles.

  // The option of a snapped telemetry point the vehicle is on: the direction of its current route when the point
  // lies on it, else the direction of its last position's edge, else the first.
  taxi::RoadPosition choose_direction(uint32_t v, const taxi::Location& location) const {
    if (location.option_count == 1 || v == UINT32_MAX) return location.options[0];
    const taxi::VehicleState& state = fleet->vehicles()[v];
    for (uint8_t i = 0; i < location.option_count; ++i) {
      if (state.driving) {
        for (const taxi::Leg::Piece& piece : state.leg.pieces) {
          if (piece.edge == location.options[i].edge) return location.options[i];
        }
      }
    }
    for (uint8_t i = 0; i < location.option_count; ++i) {
      if (state.anchor.edge == location.options[i].edge) return location.options[i];
    }
    return location.options[0];
  }

  std::optional<ServiceError> vehicle_access(const Principal& principal, const std::string& id, uint32_t& v) {
    if (!valid_id(id)) return ServiceError{400, "a vehicle id is 1 to 64 letters, digits, '-' or '_'"};
    if (principal.role == Role::kVehicle && principal.id != id) {
      return ServiceError{403, fmt::format("vehicle '{}' may act only as itself, not as '{}'", principal.id, id)};
    }
    const auto found = vehicle_index.find(id);
    if (found == vehicle_index.end()) return ServiceError{404, fmt::format("no vehicle '{}' is registered", id)};
    v = found->second;
    return std::nullopt;
  }

  HttpResponse register_vehicle(const HttpRequest& request, const Principal& principal, const std::string& id) {
    if (!valid_id(id)) return HttpResponse::error(400, "a vehicle id is 1 to 64 letters, digits, '-' or '_'");
    if (principal.role == Role::kVehicle && principal.id != id) {
      return HttpResponse::error(403, fmt::format("vehicle '{}' may register only itself, not '{}'", principal.id, id));
    }
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return HttpResponse::error(400, "the body must be a JSON object");
    std::string error;
    const auto point = flat_point(body, "", error);
    if (!point) return HttpResponse::error(400, error);
    std::optional<int64_t> capacity;
    if (const auto found = body.find("capacity"); found != body.end()) {
      if (!found->is_number_integer() || found->get<int64_t>() < 1 || found->get<int64_t>() > 16) {
        return HttpResponse::error(400, "'capacity' must be an integer from 1 to 16");
      }
      capacity = found->get<int64_t>();
    }
    const auto located = travel->locate(*point, options.max_snap_m);
    if (!located.is_ok()) {
      return HttpResponse::error(422, fmt::format("no permitted road within {:.0f} m of {:.6f},{:.6f}", options.max_snap_m,
                                                  point->lat, point->lon));
    }
    const Now at = now();
    const auto existing = vehicle_index.find(id);
    const bool is_new = existing == vehicle_index.end();
    uint32_t v = 0;
    if (!is_new) {
      v = existing->second;
      StoredVehicle& vehicle = vehicles[v];
      taxi::VehicleState& state = fleet->vehicles()[v];
      if (capacity && *capacity != vehicle.capacity && (!state.plan.empty() || state.onboard > 0)) {
        return HttpResponse::error(409, fmt::format("vehicle '{}' has riders planned: its capacity cannot change now", id));
      }
      const taxi::RoadPosition position = choose_direction(v, *located);
      fleet->relocate(v, position, at.epoch_s);
      if (capacity) {
        vehicle.capacity = *capacity;
        state.capacity = static_cast<uint16_t>(*capacity);
      }
      vehicle.lat = point->lat;
      vehicle.lon = point->lon;
      vehicle.edge = position.edge;
      vehicle.fraction = position.fraction;
      vehicle.status = "available";
      vehicle.updated = at.epoch_s;
    } else {
      v = static_cast<uint32_t>(vehicles.size());
      StoredVehicle vehicle;
      vehicle.id = id;
      vehicle.index = v;
      vehicle.capacity = capacity.value_or(4);
      vehicle.lat = point->lat;
      vehicle.lon = point->lon;
      vehicle.edge = located->options[0].edge;
      vehicle.fraction = located->options[0].fraction;
      vehicle.registered = at.epoch_s;
      vehicle.anchor_s = at.epoch_s;
      vehicle.updated = at.epoch_s;
      fleet->add_vehicle(located->options[0], at.epoch_s, static_cast<uint16_t>(vehicle.capacity));
      vehicles.push_back(std::move(vehicle));
      last_report_s.push_back(0.0);
      vehicle_index.emplace(id, v);
    }
    dirty_vehicles.insert(v);
    announce_vehicles.insert(v);
    audit_entry("vehicle_registered", {{"vehicle", id}, {"lat", point->lat}, {"lon", point->lon},
                                       {"capacity", vehicles[v].capacity}});
    // A new vehicle may serve riders still waiting.
    retry_waiting(at);
    sync_fleet();
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(json{{"vehicle", vehicle_json(v)}}.dump(), is_new ? 201 : 200);
  }

  HttpResponse telemetry(const HttpRequest& request, const Principal& principal) {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return HttpResponse::error(400, "the body must be a JSON object");
    const auto positions = body.find("positions");
    if (positions == body.end() || !positions->is_array()) {
      return HttpResponse::error(400, "'positions' must be an array of {vehicle, time, lat, lon, status}");
    }
    if (positions->size() > kMaxTelemetry) {
      return HttpResponse::error(413, fmt::format("at most {} positions per batch, not {}", kMaxTelemetry, positions->size()));
    }
    struct Entry {
      uint32_t vehicle;
      double time;
      geo::LatLon point;
      std::string status;
      std::optional<taxi::RoadPosition> position;
    };
    std::vector<Entry> entries;
    entries.reserve(positions->size());
    const double now_s = static_cast<double>(clock.now_s());
    // Everything is checked before anything is applied: a batch with one bad entry changes nothing.
    for (size_t i = 0; i < positions->size(); ++i) {
      const json& item = (*positions)[i];
      const std::string where = fmt::format("positions[{}]: ", i);
      if (!item.is_object()) return HttpResponse::error(400, where + "must be an object");
      const auto vehicle = item.find("vehicle");
      if (vehicle == item.end() || !vehicle->is_string()) return HttpResponse::error(400, where + "'vehicle' must be a string");
      const std::string id = vehicle->get<std::string>();
      if (!valid_id(id)) return HttpResponse::error(400, where + "'vehicle' is not a vehicle id");
      if (principal.role == Role::kVehicle && principal.id != id) {
        return HttpResponse::error(403, where + fmt::format("vehicle '{}' may report only itself, not '{}'", principal.id, id));
      }
      const auto found = vehicle_index.find(id);
      if (found == vehicle_index.end()) return HttpResponse::error(404, where + fmt::format("no vehicle '{}' is registered", id));
      const auto time = item.find("time");
      if (time == item.end() || !time->is_number() || !std::isfinite(time->get<double>()) || time->get<double>() <= 0) {
        return HttpResponse::error(400, where + "'time' must be a positive number (seconds since the epoch)");
      }
      if (time->get<double>() > now_s + kMaxClockAheadS) {
        // A report from far ahead would make every later one look stale.
        return HttpResponse::error(400, where + "'time' is more than an hour ahead of the service's clock");
      }
      std::string error;
      const auto point = flat_point(item, where, error);
      if (!point) return HttpResponse::error(400, error);
      std::string status = vehicles[found->second].status;
      if (const auto given = item.find("status"); given != item.end()) {
        if (!given->is_string() ||
            (*given != "available" && *given != "busy" && *given != "offline")) {
          return HttpResponse::error(400, where + "'status' must be available, busy or offline");
        }
        status = given->get<std::string>();
      }
      entries.push_back({found->second, time->get<double>(), *point, std::move(status), std::nullopt});
    }
    const Now at = now();
    size_t accepted = 0, stale = 0, off_road = 0;
    for (Entry& entry : entries) {
      if (auto located = travel->locate(entry.point, options.max_snap_m); located.is_ok()) {
        entry.position = choose_direction(entry.vehicle, *located);
      }
    }
    if (!store->in_transaction()) {
      if (Status begun = store->begin(); !begun.is_ok()) {
        failed = true;
        return HttpResponse::error(503, "the store failed: " + begun.message());
      }
    }
    std::set<uint32_t> went_offline;
    for (const Entry& entry : entries) {
      StoredVehicle& vehicle = vehicles[entry.vehicle];
      if (entry.time < last_report_s[entry.vehicle]) {
        ++stale;  // older than what we know: out of order, ignored
        continue;
      }
      last_report_s[entry.vehicle] = entry.time;
      ++accepted;
      if (entry.position) {
        // Reports from the future (a clock ahead of ours) are placed at our now: the fleet never plans backwards.
        fleet->relocate(entry.vehicle, *entry.position, std::min(entry.time, at.epoch_s));
        vehicle.edge = entry.position->edge;
        vehicle.fraction = entry.position->fraction;
      } else {
        ++off_road;  // kept as reported; the fleet plans from its last position on the permitted roads
      }
      if (entry.status != vehicle.status) {
        if (entry.status == "offline") went_offline.insert(entry.vehicle);
        if (vehicle.status == "offline") went_offline.erase(entry.vehicle);
        announce_vehicles.insert(entry.vehicle);
        audit_entry("vehicle_status", {{"vehicle", vehicle.id}, {"status", entry.status}, {"was", vehicle.status}});
      }
      vehicle.lat = entry.point.lat;
      vehicle.lon = entry.point.lon;
      vehicle.status = entry.status;
      vehicle.updated = entry.time;
      if (entry.position) vehicle.anchor_s = fleet->vehicles()[entry.vehicle].anchor_s;
      if (Status put = store->put_position(vehicle.id, vehicle.lat, vehicle.lon, vehicle.edge, vehicle.fraction,
                                           vehicle.anchor_s, vehicle.status, vehicle.updated);
          !put.is_ok()) {
        store->rollback();
        failed = true;
        discard_changes();
        return HttpResponse::error(503, "the store failed, the change was not made: " + put.message());
      }
    }
    // A vehicle gone offline will not come for its riders not yet picked up: they go to other vehicles (or wait).
    std::vector<uint32_t> moved;
    if (!went_offline.empty()) {
      refresh_pickup_limits(at);
      for (const uint32_t v : went_offline) moved_pickups(v, at, moved);
    }
    sync_fleet(moved);
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(json{{"accepted", accepted}, {"stale", stale}, {"off_road", off_road}}.dump());
  }

  // Takes the riders vehicle `v` has not picked up yet out of its plan and dispatches them again (appended to
  // `moved`). REQUIRES: refresh_pickup_limits done, so that `v` itself is barred when it may no longer pick up.
  void moved_pickups(uint32_t v, const Now& at, std::vector<uint32_t>& moved) {
    const size_t first = moved.size();
    for (const taxi::Stop& stop : std::vector<taxi::Stop>(fleet->vehicles()[v].plan)) {
      if (stop.kind == taxi::Stop::Kind::kPickup && fleet->unassign(stop.request, at.epoch_s)) moved.push_back(stop.request);
    }
    for (size_t i = first; i < moved.size(); ++i) dispatcher->on_request(*fleet, moved[i], at.epoch_s);
  }

  HttpResponse assignment(const Principal& principal, const std::string& id) {
    uint32_t v = 0;
    if (auto refused = vehicle_access(principal, id, v)) return HttpResponse::error(refused->status, refused->message);
    return HttpResponse::json(assignment_json(v, now().epoch_s).dump());
  }

  HttpResponse confirm_stop(const HttpRequest& request, const Principal& principal, const std::string& id) {
    uint32_t v = 0;
    if (auto refused = vehicle_access(principal, id, v)) return HttpResponse::error(refused->status, refused->message);
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return HttpResponse::error(400, "the body must be a JSON object");
    const auto ride = body.find("ride");
    const auto kind = body.find("kind");
    if (ride == body.end() || !ride->is_string()) return HttpResponse::error(400, "'ride' must be a ride id such as \"r12\"");
    if (kind == body.end() || !kind->is_string() || (*kind != "pickup" && *kind != "dropoff")) {
      return HttpResponse::error(400, "'kind' must be \"pickup\" or \"dropoff\"");
    }
    const std::optional<uint32_t> r = parse_ride_id(ride->get<std::string>());
    if (!r) return HttpResponse::error(400, "'ride' must be a ride id such as \"r12\"");
    if (*r >= rides.size()) return HttpResponse::error(404, fmt::format("no ride '{}'", ride->get<std::string>()));
    const bool pickup = *kind == "pickup";
    const taxi::Stop stop{pickup ? taxi::Stop::Kind::kPickup : taxi::Stop::Kind::kDropoff, *r};
    const taxi::VehicleState& state = fleet->vehicles()[v];
    const std::string& rid = ride->get<std::string>();
    if (std::find(state.plan.begin(), state.plan.end(), stop) == state.plan.end()) {
      const StoredRide& record = rides[*r];
      if (record.vehicle == id && (pickup ? record.picked_up.has_value() : record.dropped_off.has_value())) {
        return HttpResponse::error(409, fmt::format("the {} of {} was already confirmed", kind->get<std::string>(), rid));
      }
      return HttpResponse::error(409, fmt::format("{} of {} is not in vehicle '{}''s plan", kind->get<std::string>(), rid, id));
    }
    if (!pickup && fleet->requests()[*r].status != taxi::RequestStatus::kOnboard) {
      return HttpResponse::error(409, fmt::format("{} is not aboard: confirm its pick-up first", rid));
    }
    if (pickup && !fleet->fits_aboard(v, *r)) {
      return HttpResponse::error(409, fmt::format("{} does not fit in vehicle '{}' before its drop-offs", rid, id));
    }
    const Now at = now();
    if (!fleet->execute_stop(v, stop, at.epoch_s)) {
      return HttpResponse::error(409, fmt::format("{} of {} cannot be done now", kind->get<std::string>(), rid));
    }
    audit_entry(pickup ? "pickup" : "dropoff", {{"ride", rid}, {"vehicle", id}});
    if (fleet->vehicles()[v].plan.empty()) retry_waiting(at);  // free again: riders still waiting may fit
    sync_fleet({*r});
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(json{{"ride", ride_json(*r, at.epoch_s)}, {"assignment", assignment_json(v, at.epoch_s)}}.dump());
  }

  HttpResponse incident(const HttpRequest& request, const Principal& principal, const std::string& id) {
    uint32_t v = 0;
    if (auto refused = vehicle_access(principal, id, v)) return HttpResponse::error(refused->status, refused->message);
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return HttpResponse::error(400, "the body must be a JSON object");
    const auto kind = body.find("kind");
    if (kind == body.end() || !kind->is_string() || (*kind != "incident" && *kind != "disengagement")) {
      return HttpResponse::error(400, "'kind' must be \"incident\" or \"disengagement\"");
    }
    StoredIncident record;
    record.vehicle = id;
    record.kind = kind->get<std::string>();
    if (const auto note = body.find("note"); note != body.end()) {
      if (!note->is_string() || note->get<std::string>().size() > 2000) {
        return HttpResponse::error(400, "'note' must be a string of at most 2000 bytes");
      }
      record.note = note->get<std::string>();
    }
    if (body.contains("lat") || body.contains("lon")) {
      std::string error;
      const auto point = flat_point(body, "", error);
      if (!point) return HttpResponse::error(400, error);
      record.lat = point->lat;
      record.lon = point->lon;
    }
    const Now at = now();
    record.time = at.epoch_s;
    Status status = store->begin();
    Result<int64_t> added = status.is_ok() ? store->add_incident(record) : Result<int64_t>(status);
    if (!added.is_ok()) {
      store->rollback();
      failed = true;
      return HttpResponse::error(503, "the store failed, the incident was not recorded: " + added.status().message());
    }
    record.id = *added;
    ++incidents;
    AuditFields data = {{"incident", record.id}, {"vehicle", id}, {"type", record.kind}, {"note", record.note}};
    if (record.lat) {
      data["lat"] = *record.lat;
      data["lon"] = *record.lon;
    }
    audit_entry("incident", std::move(data));
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    json reply = {{"incident", record.id}, {"vehicle", id}, {"kind", record.kind}, {"note", record.note}, {"time", record.time}};
    if (record.lat) {
      reply["lat"] = *record.lat;
      reply["lon"] = *record.lon;
    }
    outbox.emplace_back(json{{"type", "incident"}, {"incident", reply}}.dump(), Audience{Role::kOperator, ""});
    return HttpResponse::json(reply.dump(), 201);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rides.

  HttpResponse request_ride(const HttpRequest& request, const Principal& principal) {
    auto parsed = parse_trip(request);
    if (auto* error = std::get_if<HttpResponse>(&parsed)) return *error;
    const TripBody& asked = std::get<TripBody>(parsed);
    const Now at = now();
    if (!day_rules) return HttpResponse::error(503, "the permit's calendar does not cover " + rules::format_date(at.day));
    if (rides.size() >= UINT32_MAX - 1) return HttpResponse::error(503, "the service holds as many rides as it can");
    taxi::TripRequest trip;
    trip.request_time_s = at.local_s;
    trip.origin = asked.origin;
    trip.destination = asked.destination;
    trip.passengers = asked.passengers;
    rules::Admission admission = judge(trip, at);
    const auto r = static_cast<uint32_t>(rides.size());
    StoredRide ride;
    ride.index = r;
    ride.rider = principal.id;
    ride.asked_origin_lat = asked.origin.lat;
    ride.asked_origin_lon = asked.origin.lon;
    ride.asked_destination_lat = asked.destination.lat;
    ride.asked_destination_lon = asked.destination.lon;
    ride.origin_lat = trip.origin.lat;
    ride.origin_lon = trip.origin.lon;
    ride.destination_lat = trip.destination.lat;
    ride.destination_lon = trip.destination.lon;
    // A refused ride may have found one stop and not the other.
    if (admission.pickup_stop >= 0) ride.pickup_stop = permit.stops[static_cast<size_t>(admission.pickup_stop)].id;
    if (admission.dropoff_stop >= 0) ride.dropoff_stop = permit.stops[static_cast<size_t>(admission.dropoff_stop)].id;
    ride.passengers = asked.passengers;
    ride.requested = at.epoch_s;
    ride.latest_pickup = trip.latest_pickup_s ? at.to_epoch(*trip.latest_pickup_s) : at.epoch_s + options.max_wait_s;
    trip.id = r;
    trip.request_time_s = at.epoch_s;
    trip.latest_pickup_s = ride.latest_pickup;
    if (admission.reason == taxi::RejectReason::kNone && vehicles.empty()) {
      admission.reason = taxi::RejectReason::kNoVehicleInTime;
      admission.rule = "no vehicle is registered";
    }
    rides.push_back(ride);
    if (admission.reason != taxi::RejectReason::kNone) {
      fleet->add_refused_request(trip, admission.reason);
      rides[r].rule = admission.rule;
    } else if (fleet->add_request(trip)) {
      refresh_pickup_limits(at);
      dispatcher->on_request(*fleet, r, at.epoch_s);
    }
    const taxi::RequestState& state = fleet->requests()[r];
    rides[r].status = "";
    set_ride_status(r, "waiting", "requested");
    const size_t audit_at = audit_entries.size();  // the request's record comes before the assignment it caused
    sync_fleet({r});
    dirty_rides.insert(r);
    AuditFields data = {{"ride", ride_id(r)}, {"rider", principal.id}, {"status", rides[r].status}};
    if (state.status == taxi::RequestStatus::kRejected) {
      data["reason"] = rides[r].reason;
      if (!rides[r].rule.empty()) data["rule"] = rides[r].rule;
    }
    if (!rides[r].vehicle.empty()) data["vehicle"] = rides[r].vehicle;
    audit_entries.insert(audit_entries.begin() + static_cast<std::ptrdiff_t>(audit_at),
                         AuditEntry{state.status == taxi::RequestStatus::kRejected ? "rejection" : "ride_request",
                                    std::move(data)});
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(ride_json(r, at.epoch_s).dump(), 201);
  }

  std::optional<ServiceError> ride_access(const Principal& principal, const std::string& id, uint32_t& r) {
    const std::optional<uint32_t> parsed = parse_ride_id(id);
    if (!parsed) return ServiceError{400, fmt::format("'{}' is not a ride id such as r12", id.substr(0, 40))};
    if (*parsed >= rides.size()) return ServiceError{404, fmt::format("no ride '{}'", id)};
    if (principal.role == Role::kRider && rides[*parsed].rider != principal.id) {
      return ServiceError{403, fmt::format("ride {} is not rider '{}''s", id, principal.id)};
    }
    r = *parsed;
    return std::nullopt;
  }

  HttpResponse get_ride(const Principal& principal, const std::string& id) {
    uint32_t r = 0;
    if (auto refused = ride_access(principal, id, r)) return HttpResponse::error(refused->status, refused->message);
    return HttpResponse::json(ride_json(r, now().epoch_s).dump());
  }

  // Takes ride `r` out of planning for good, as cancelled.
  void cancel(uint32_t r, const std::string& reason, const Now& at) {
    fleet->unassign(r, at.epoch_s);
    fleet->reject(r, taxi::RejectReason::kNone, at.epoch_s);
    StoredRide& ride = rides[r];
    AuditFields data = {{"ride", ride_id(ride.index)}, {"reason", reason}};
    if (!ride.vehicle.empty()) data["vehicle"] = ride.vehicle;
    audit_entry("ride_cancelled", std::move(data));
    ride.reason = reason;
    ride.ended = at.epoch_s;
    ride.vehicle.clear();
    ride.assigned.reset();
    set_ride_status(r, "cancelled", reason);
  }

  HttpResponse cancel_ride(const Principal& principal, const std::string& id) {
    uint32_t r = 0;
    if (auto refused = ride_access(principal, id, r)) return HttpResponse::error(refused->status, refused->message);
    const std::string& status = rides[r].status;
    if (status == "onboard") return HttpResponse::error(409, fmt::format("{} is aboard: it can no longer be cancelled", id));
    if (status != "waiting" && status != "assigned") {
      return HttpResponse::error(409, fmt::format("{} is {}: nothing to cancel", id, status));
    }
    const Now at = now();
    cancel(r, principal.role == Role::kRider ? "cancelled_by_rider" : "cancelled_by_operator", at);
    sync_fleet({r});
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(ride_json(r, at.epoch_s).dump());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Operators.

  HttpResponse kpis() {
    const Now at = now();
    json body = counters_json(counters(at.epoch_s));
    body["incidents"] = incidents;
    json minutes = json::array();
    for (const Counters& c : history) minutes.push_back(counters_json(c));
    body["history"] = std::move(minutes);
    return HttpResponse::json(body.dump());
  }

  // The regulator's daily report of one local day (docs/taxi-service.md): read from the store, and every pick-up
  // and drop-off of the day checked again against the permit and the operators' zone suspensions.
  HttpResponse daily_report(const HttpRequest& request) {
    if (!store) return HttpResponse::error(503, "this service keeps no store (no --db): no report");
    const Now at = now();
    rules::Date day = at.day;
    if (const auto asked = request.query.find("day"); asked != request.query.end()) {
      const std::string& text = asked->second;
      if (text.size() != 10) return HttpResponse::error(400, "'day' must be a date YYYY-MM-DD");
      auto parsed = rules::parse_date(text, "day");
      if (!parsed.is_ok()) return HttpResponse::error(400, parsed.status().message());
      day = *parsed;
    }
    auto type = rules::day_type(day, permit.extra_holidays);
    if (!type.is_ok()) return HttpResponse::error(400, "'day': " + type.status().message());
    auto made = rules::PermitRules::create(permit, day, kDay);
    if (!made.is_ok()) return HttpResponse::error(400, "'day': " + made.status().message());
    const rules::PermitRules& day_rules_checked = *made;
    // The day's local midnight, in the fleet's time (seconds since the epoch).
    const double from_s = static_cast<double>(rules::midnight_s(day)) - options.utc_offset_hours * 3600.0;
    const double to_s = from_s + kDay;
    auto loaded = store->load_day(from_s, to_s);
    if (!loaded.is_ok()) return HttpResponse::error(503, "cannot read the store: " + loaded.status().message());
    const StoredDay& stored = *loaded;

    rules::RegulatorReport report;
    report.permit_name = permit.name;
    report.permit_number = permit.number;
    report.holder = permit.holder;
    report.day = rules::format_date(day);
    report.day_type = rules::day_type_name(*type);
    report.start_s = 0.0;
    report.end_s = kDay;
    const auto in_day = [&](const std::optional<double>& time) { return time && *time >= from_s && *time < to_s; };
    const auto clock_text = [](double local_s) {
      const auto seconds = static_cast<int64_t>(std::floor(local_s));
      return fmt::format("{:02d}:{:02d}:{:02d}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    };
    const auto fleet_index = [&](const std::string& id) {
      const auto found = vehicle_index.find(id);
      return found == vehicle_index.end() ? UINT32_MAX : found->second;
    };
    std::map<std::string, uint64_t> refusals_by_rule;
    uint64_t cancellations = 0, open_rides = 0;
    double walk_m = 0.0;
    std::set<uint32_t> used;
    std::vector<std::string> violation_rides;  // parallel to report.violations
    const auto violate = [&](double time_s, uint32_t v, const std::string& rule, const geo::LatLon& point,
                             const std::string& detail, const std::string& ride) {
      report.violations.push_back({time_s - from_s, v, rule, point, detail});
      violation_rides.push_back(ride);
    };
    for (const StoredRide& ride : stored.rides) {
      const std::string id = ride_id(ride.index);
      const geo::LatLon origin{ride.origin_lat, ride.origin_lon};
      const geo::LatLon destination{ride.destination_lat, ride.destination_lon};
      if (in_day(ride.requested)) {
        ++report.requests;
        if (ride.status == "rejected") {
          ++report.refusals[ride.reason];
          ++refusals_by_rule[ride.rule.empty() ? ride.reason : ride.rule];
        } else if (ride.status == "cancelled") {
          ++cancellations;
        } else if (ride.status == "completed") {
          ++report.trips;
          report.passengers += static_cast<uint64_t>(std::max<int64_t>(ride.passengers, 0));
          if (!ride.pickup_stop.empty()) walk_m += geo::haversine_m({ride.asked_origin_lat, ride.asked_origin_lon}, origin);
          if (!ride.dropoff_stop.empty()) {
            walk_m += geo::haversine_m(destination, {ride.asked_destination_lat, ride.asked_destination_lon});
          }
          if (!day_rules_checked.open_at(ride.requested - from_s)) {
            violate(ride.requested, fleet_index(ride.vehicle), "operating hours", origin,
                    fmt::format("ride {} accepted at {} while the service was closed", id,
                                clock_text(ride.requested - from_s)),
                    id);
          }
        } else {
          ++open_rides;
        }
      }
      if (in_day(ride.picked_up)) {
        ++report.events_checked;
        const uint32_t v = fleet_index(ride.vehicle);
        used.insert(v);
        const double local_s = *ride.picked_up - from_s;
        const std::string when = clock_text(local_s);
        if (!rules::in_permitted_area(permit, origin)) {
          violate(*ride.picked_up, v, "area", origin, fmt::format("pick-up of ride {} outside the permitted area", id), id);
        }
        const std::string rule = rules::broken_pickup_rule(day_rules_checked, v, local_s);
        if (!rule.empty()) violate(*ride.picked_up, v, rule, origin, fmt::format("pick-up of ride {} at {}", id, when), id);
        for (const StoredZone& suspended : stored.zones) {
          if (!suspended.suspended || suspended.time > *ride.picked_up) continue;
          for (const geo::Zone& zone : permit.permitted) {
            if (zone.id == suspended.id && geo::contains(zone, origin)) {
              violate(*ride.picked_up, v, "zone suspension", origin,
                      fmt::format("pick-up of ride {} at {} in zone {}, suspended by {} since {}", id, when, zone.id,
                                  suspended.actor, clock_text(suspended.time - from_s)),
                      id);
            }
          }
        }
      }
      if (in_day(ride.dropped_off)) {
        ++report.events_checked;
        if (!rules::in_permitted_area(permit, destination)) {
          violate(*ride.dropped_off, fleet_index(ride.vehicle), "area", destination,
                  fmt::format("drop-off of ride {} outside the permitted area", id), id);
        }
      }
    }
    used.erase(UINT32_MAX);
    report.vehicles_used = static_cast<uint32_t>(used.size());
    if (report.trips > 0) report.walk_mean_m = walk_m / static_cast<double>(report.trips);
    std::vector<std::string> incident_vehicles;
    for (const StoredIncident& incident : stored.incidents) {
      rules::RecordedIncident recorded;
      recorded.time_s = incident.time - from_s;
      recorded.vehicle = fleet_index(incident.vehicle);
      recorded.kind = incident.kind;
      if (incident.lat && incident.lon) recorded.point = {*incident.lat, *incident.lon};
      recorded.description = incident.note;
      report.incidents.push_back(std::move(recorded));
      incident_vehicles.push_back(incident.vehicle);
    }
    // Violations in time order, each with its ride.
    std::vector<size_t> order(report.violations.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return report.violations[a].time_s < report.violations[b].time_s;
    });

    const auto vehicle_name = [&](uint32_t v) { return v < vehicles.size() ? json(vehicles[v].id) : json(nullptr); };
    json violations = json::array();
    for (const size_t i : order) {
      const rules::Violation& v = report.violations[i];
      violations.push_back({{"time", from_s + v.time_s},
                            {"clock", clock_text(v.time_s)},
                            {"vehicle", vehicle_name(v.vehicle)},
                            {"ride", violation_rides[i]},
                            {"rule", v.rule},
                            {"lat", v.point.lat},
                            {"lon", v.point.lon},
                            {"detail", v.detail}});
    }
    json incidents_json = json::array();
    uint64_t disengagements = 0;
    for (size_t i = 0; i < report.incidents.size(); ++i) {
      const rules::RecordedIncident& incident = report.incidents[i];
      disengagements += incident.kind == "disengagement";
      json entry = {{"id", stored.incidents[i].id},
                    {"time", from_s + incident.time_s},
                    {"clock", clock_text(incident.time_s)},
                    {"vehicle", incident_vehicles[i]},
                    {"kind", incident.kind},
                    {"note", incident.description}};
      if (stored.incidents[i].lat && stored.incidents[i].lon) {
        entry["lat"] = incident.point.lat;
        entry["lon"] = incident.point.lon;
      }
      incidents_json.push_back(std::move(entry));
    }
    json refusals = json::object();
    for (const auto& [reason, count] : report.refusals) refusals[reason] = count;
    json by_rule = json::object();
    for (const auto& [rule, count] : refusals_by_rule) by_rule[rule] = count;
    const json body = {
        {"permit", {{"name", report.permit_name}, {"number", report.permit_number}, {"holder", report.holder}}},
        {"day", report.day},
        {"day_type", report.day_type},
        {"utc_offset_hours", options.utc_offset_hours},
        {"from", from_s},
        {"to", to_s},
        {"requests", report.requests},
        {"trips", report.trips},
        {"passengers", report.passengers},
        {"cancellations", cancellations},
        {"open", open_rides},
        {"refusals", std::move(refusals)},
        {"refusals_by_rule", std::move(by_rule)},
        {"vehicles_used", report.vehicles_used},
        {"vehicle_km", nullptr},  // the service is told positions, not distances driven
        {"walk_mean_m", report.walk_mean_m},
        {"incidents", report.incidents.size() - disengagements},
        {"disengagements", disengagements},
        {"incident_records", std::move(incidents_json)},
        {"events_checked", report.events_checked},
        {"violations", std::move(violations)},
    };
    return HttpResponse::json(body.dump());
  }

  HttpResponse zone(const std::string& id, bool suspend) {
    const auto found = std::find_if(permit.permitted.begin(), permit.permitted.end(),
                                    [&](const geo::Zone& zone) { return zone.id == id; });
    if (found == permit.permitted.end()) {
      return HttpResponse::error(404, fmt::format("no permitted zone '{}' (see /api/v1/permit)", id.substr(0, 64)));
    }
    const Now at = now();
    json cancelled = json::array();
    const bool changed = suspend ? suspended_zones.insert(id).second : suspended_zones.erase(id) > 0;
    if (changed) {
      if (suspend) {
        // Rides not yet picked up that would stop in the zone: a pick-up or drop-off there is no longer allowed.
        for (uint32_t r = 0; r < rides.size(); ++r) {
          const StoredRide& ride = rides[r];
          if (ride.status != "waiting" && ride.status != "assigned") continue;
          if (geo::contains(*found, {ride.origin_lat, ride.origin_lon}) ||
              geo::contains(*found, {ride.destination_lat, ride.destination_lon})) {
            cancel(r, "permit_suspension", at);
            cancelled.push_back(ride_id(r));
          }
        }
      } else {
        retry_waiting(at);
      }
      Status status = store->begin();
      if (status.is_ok()) status = store->set_zone_suspended(id, suspend, at.epoch_s, actor);
      if (!status.is_ok()) {
        store->rollback();
        failed = true;
        discard_changes();
        return HttpResponse::error(503, "the store failed, the change was not made: " + status.message());
      }
      audit_entry(suspend ? "zone_suspended" : "zone_resumed", {{"zone", id}, {"cancelled", cancelled.size()}});
      sync_fleet();
      if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
      outbox.emplace_back(json{{"type", "zone"}, {"zone", id}, {"suspended", suspend}}.dump(), Audience{Role::kOperator, ""});
    }
    return HttpResponse::json(json{{"zone", id}, {"suspended", suspend}, {"changed", changed}, {"cancelled", cancelled}}.dump());
  }

  HttpResponse pull(const Principal& principal, const std::string& id) {
    uint32_t v = 0;
    if (auto refused = vehicle_access(principal, id, v)) return HttpResponse::error(refused->status, refused->message);
    if (vehicles[v].pulled) return HttpResponse::error(409, fmt::format("vehicle '{}' is already pulled", id));
    const Now at = now();
    vehicles[v].pulled = true;
    dirty_vehicles.insert(v);
    announce_vehicles.insert(v);
    // Its riders not yet picked up go to other vehicles (or wait); those aboard are still driven home.
    std::vector<uint32_t> moved;
    refresh_pickup_limits(at);
    moved_pickups(v, at, moved);
    sync_fleet(moved);
    json reassigned = json::array();
    for (const uint32_t r : moved) reassigned.push_back({{"ride", ride_id(r)}, {"status", rides[r].status}, {"vehicle", rides[r].vehicle}});
    audit_entry("vehicle_pulled", {{"vehicle", id}, {"rides_moved", moved.size()}});
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(json{{"vehicle", vehicle_json(v)}, {"reassigned", std::move(reassigned)}}.dump());
  }

  HttpResponse reassign(const Principal& principal, const std::string& id) {
    uint32_t r = 0;
    if (auto refused = ride_access(principal, id, r)) return HttpResponse::error(refused->status, refused->message);
    const std::string status = rides[r].status;
    if (status != "waiting" && status != "assigned") {
      return HttpResponse::error(409, fmt::format("{} is {}: only a ride not yet picked up can be reassigned", id, status));
    }
    const Now at = now();
    const std::string from = rides[r].vehicle;
    refresh_pickup_limits(at);
    if (!from.empty()) {
      // To another vehicle if any can take the rider in time; back to the same one otherwise.
      const uint32_t old = vehicle_index.at(from);
      fleet->unassign(r, at.epoch_s);
      const double until_s = fleet->vehicles()[old].pickups_until_s;
      fleet->vehicles()[old].pickups_until_s = -kInfinity;
      const bool moved = dispatcher->insert(*fleet, r, at.epoch_s);
      fleet->vehicles()[old].pickups_until_s = until_s;
      if (!moved) dispatcher->insert(*fleet, r, at.epoch_s);
    } else {
      dispatcher->insert(*fleet, r, at.epoch_s);
    }
    audit_entry("ride_reassigned", {{"ride", id}, {"from", from}});
    sync_fleet({r});  // the new assignment's record follows
    if (auto failure = commit(at)) return HttpResponse::error(failure->status, failure->message);
    return HttpResponse::json(ride_json(r, at.epoch_s).dump());
  }

  HttpResponse audit_records(const HttpRequest& request) {
    auto number = [&](const char* key, uint64_t fallback, uint64_t max, uint64_t& value) -> std::optional<std::string> {
      const auto found = request.query.find(key);
      if (found == request.query.end()) {
        value = fallback;
        return std::nullopt;
      }
      const std::string& text = found->second;
      if (text.empty() || text.size() > 12 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return fmt::format("'{}' must be a whole number", key);
      }
      value = std::stoull(text);
      if (value > max) return fmt::format("'{}' must be at most {}", key, max);
      return std::nullopt;
    };
    uint64_t after = 0, limit = 0;
    if (auto error = number("after", 0, 999999999999ULL, after)) return HttpResponse::error(400, *error);
    if (auto error = number("limit", 1000, 10000, limit)) return HttpResponse::error(400, *error);
    if (limit == 0) return HttpResponse::error(400, "'limit' must be at least 1");
    if (!audit) return HttpResponse::error(503, "this service keeps no audit log (no --db)");
    std::ifstream in(audit_path, std::ios::binary);
    if (!in) return HttpResponse::error(503, "cannot read the audit log");
    std::string line, body;
    uint64_t seq = 0, sent = 0;
    // In an intact log a record's seq is its line number (core/audit_log.h); only whole lines are sent.
    while (sent < limit && std::getline(in, line)) {
      if (in.eof()) break;  // a last line without its newline is still being written
      if (++seq <= after) continue;
      body += line;
      body += '\n';
      ++sent;
    }
    return {200, "application/x-ndjson", std::move(body), {{"X-Audit-Count", std::to_string(audit->count())}}};
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Routing.

  enum class Handler {
    kHealth, kMetrics, kWhoami, kNetwork, kPermit, kQuote, kRegister, kTelemetry, kAssignment, kStops, kIncidents,
    kPull, kRequestRide, kGetRide, kCancelRide, kReassign, kFleet, kKpis, kSuspend, kResume, kAudit, kReport,
  };
  enum class Gate {
    kOpen,       // no token
    kSignedIn,   // any valid token
    kAuthorised  // a valid token whose role may take the route's action (access.h)
  };
  struct Route {
    const char* method;
    const char* pattern;
    Handler handler;
    Gate gate;
    Action action;  // with Gate::kAuthorised
    bool changes;   // changes state: needs the store
  };

  HttpResponse route(const HttpRequest& request, std::string& route_name, std::string& principal_text) {
    using A = Action;
    constexpr Gate kOpen = Gate::kOpen, kSignedIn = Gate::kSignedIn, kAuth = Gate::kAuthorised;
    static const std::vector<Route> kRoutes = {
        {"GET", "/health", Handler::kHealth, kOpen, {}, false},
        {"GET", "/metrics", Handler::kMetrics, kOpen, {}, false},
        {"GET", "/api/v1/whoami", Handler::kWhoami, kSignedIn, {}, false},
        {"GET", "/api/v1/network", Handler::kNetwork, kAuth, A::kViewNetwork, false},
        {"GET", "/api/v1/permit", Handler::kPermit, kAuth, A::kViewPermit, false},
        {"POST", "/api/v1/quote", Handler::kQuote, kAuth, A::kQuote, false},
        {"POST", "/api/v1/vehicles/*/register", Handler::kRegister, kAuth, A::kRegisterVehicle, true},
        {"POST", "/api/v1/telemetry", Handler::kTelemetry, kAuth, A::kSendTelemetry, true},
        {"GET", "/api/v1/vehicles/*/assignment", Handler::kAssignment, kAuth, A::kViewAssignment, false},
        {"POST", "/api/v1/vehicles/*/stops", Handler::kStops, kAuth, A::kConfirmStop, true},
        {"POST", "/api/v1/vehicles/*/incidents", Handler::kIncidents, kAuth, A::kReportIncident, true},
        {"POST", "/api/v1/vehicles/*/pull", Handler::kPull, kAuth, A::kPullVehicle, true},
        {"POST", "/api/v1/rides", Handler::kRequestRide, kAuth, A::kRequestRide, true},
        {"GET", "/api/v1/rides/*", Handler::kGetRide, kAuth, A::kViewRide, false},
        {"DELETE", "/api/v1/rides/*", Handler::kCancelRide, kAuth, A::kCancelRide, true},
        {"POST", "/api/v1/rides/*/reassign", Handler::kReassign, kAuth, A::kReassignRide, true},
        {"GET", "/api/v1/fleet", Handler::kFleet, kAuth, A::kViewFleet, false},
        {"GET", "/api/v1/kpis", Handler::kKpis, kAuth, A::kViewKpis, false},
        {"POST", "/api/v1/zones/*/suspend", Handler::kSuspend, kAuth, A::kSuspendZone, true},
        {"POST", "/api/v1/zones/*/resume", Handler::kResume, kAuth, A::kResumeZone, true},
        {"GET", "/api/v1/audit", Handler::kAudit, kAuth, A::kReadAudit, false},
        {"GET", "/api/v1/report", Handler::kReport, kAuth, A::kReadReport, false},
    };
    const Route* matched = nullptr;
    const Route* path_match = nullptr;
    std::string captured;
    for (const Route& r : kRoutes) {
      std::string piece;
      if (!match_path(r.pattern, request.path, piece)) continue;
      path_match = &r;
      if (request.method == r.method) {
        matched = &r;
        captured = piece;
        break;
      }
    }
    if (path_match == nullptr) {
      route_name = "unknown";
      return HttpResponse::error(404, "no such resource");
    }
    route_name = path_match->pattern;
    if (matched == nullptr) return HttpResponse::error(405, "method not allowed on " + request.path);
    route_name = matched->pattern;
    Principal principal;
    if (matched->gate != Gate::kOpen) {
      const std::optional<Principal> found = access.authenticate(request.bearer_token());
      if (!found) return HttpResponse::error(401, "a valid bearer token is required");
      principal = *found;
      principal_text = principal_name(principal);
      if (matched->gate == Gate::kAuthorised && !role_may(principal.role, matched->action)) {
        return HttpResponse::error(403, fmt::format("a {} may not call {} {} ({})", role_name(principal.role),
                                                    request.method, request.path, action_name(matched->action)));
      }
    }
    if (matched->gate != Gate::kOpen && matched->handler != Handler::kWhoami && matched->handler != Handler::kNetwork &&
        matched->handler != Handler::kPermit && matched->handler != Handler::kQuote) {
      if (!fleet) return HttpResponse::error(503, "this service keeps no fleet (started without a store)");
      if (matched->changes && (failed || !store)) {
        return HttpResponse::error(503, "the store failed earlier: no changes until the service is restarted");
      }
      housekeeping(now());
    }
    actor = principal_name(principal);
    switch (matched->handler) {
      case Handler::kHealth: return HttpResponse::json(failed ? R"({"status":"store_failed"})" : R"({"status":"ok"})");
      case Handler::kMetrics: return {200, "text/plain; version=0.0.4", metrics_text(), {}};
      case Handler::kWhoami: return whoami(principal);
      case Handler::kNetwork: return {200, "application/geo+json", network_geojson, {}};
      case Handler::kPermit: return permit_state();
      case Handler::kQuote: return quote(request);
      case Handler::kRegister: return register_vehicle(request, principal, captured);
      case Handler::kTelemetry: return telemetry(request, principal);
      case Handler::kAssignment: return assignment(principal, captured);
      case Handler::kStops: return confirm_stop(request, principal, captured);
      case Handler::kIncidents: return incident(request, principal, captured);
      case Handler::kPull: return pull(principal, captured);
      case Handler::kRequestRide: return request_ride(request, principal);
      case Handler::kGetRide: return get_ride(principal, captured);
      case Handler::kCancelRide: return cancel_ride(principal, captured);
      case Handler::kReassign: return reassign(principal, captured);
      case Handler::kFleet: return HttpResponse::json(fleet_json(now()).dump());
      case Handler::kKpis: return kpis();
      case Handler::kSuspend: return zone(captured, true);
      case Handler::kResume: return zone(captured, false);
      case Handler::kAudit: return audit_records(request);
      case Handler::kReport: return daily_report(request);
    }
    return HttpResponse::error(500, "unrouted");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Recovery.

  Status recover() {
    BITGOEUL_ASSIGN_OR_RETURN(StoredState state, store->load());
    const std::string& path = store->path();
    for (StoredVehicle& vehicle : state.vehicles) {
      if (vehicle.edge < 0 || static_cast<uint64_t>(vehicle.edge) >= roads.graph.edge_count() ||
          !(vehicle.fraction >= 0.0 && vehicle.fraction <= 1.0) || vehicle.capacity < 1 || vehicle.capacity > 16) {
        return corrupt("{}: vehicle '{}' stands on edge {} at {} with {} seats: not on this map's permitted roads "
                       "(was the store made with another map or permit?)",
                       path, vehicle.id, vehicle.edge, vehicle.fraction, vehicle.capacity);
      }
      fleet->add_vehicle({static_cast<road::EdgeId>(vehicle.edge), vehicle.fraction}, vehicle.anchor_s,
                         static_cast<uint16_t>(vehicle.capacity));
      vehicle_index.emplace(vehicle.id, static_cast<uint32_t>(vehicles.size()));
      last_report_s.push_back(vehicle.updated);
      vehicles.push_back(std::move(vehicle));
    }
    for (StoredRide& ride : state.rides) {
      taxi::TripRequest trip;
      trip.id = static_cast<uint32_t>(ride.index);
      trip.request_time_s = ride.requested;
      trip.origin = {ride.origin_lat, ride.origin_lon};
      trip.destination = {ride.destination_lat, ride.destination_lon};
      trip.passengers = static_cast<uint16_t>(std::clamp<int64_t>(ride.passengers, 1, 8));
      trip.latest_pickup_s = ride.latest_pickup;
      const bool active = ride.status == "waiting" || ride.status == "assigned" || ride.status == "onboard";
      if (active) {
        if (!fleet->add_request(trip)) {
          return corrupt("{}: active ride {} cannot be planned on this map ({}): was the store made with another map?",
                         path, ride_id(ride.index), taxi::reject_reason_name(fleet->requests().back().reject_reason));
        }
      } else {
        fleet->add_refused_request(trip, reason_from_name(ride.reason));
      }
      if (!ride.vehicle.empty() && active && vehicle_index.count(ride.vehicle) == 0) {
        return corrupt("{}: ride {} names vehicle '{}', which is not registered", path, ride_id(ride.index), ride.vehicle);
      }
      if (ride.status == "onboard") {
        if (!ride.picked_up) return corrupt("{}: ride {} is aboard with no pick-up time", path, ride_id(ride.index));
        fleet->restore_onboard(static_cast<uint32_t>(ride.index), vehicle_index.at(ride.vehicle), *ride.picked_up);
        waits_s.push_back(*ride.picked_up - ride.requested);
      } else if (ride.status == "completed" && ride.picked_up) {
        waits_s.push_back(*ride.picked_up - ride.requested);
      }
      ++rides_by_status[ride.status];
      rides.push_back(std::move(ride));
    }
    for (uint32_t v = 0; v < vehicles.size(); ++v) {
      std::vector<taxi::Stop> plan;
      for (const StoredStop& stop : vehicles[v].plan) {
        if (stop.ride < 0 || static_cast<size_t>(stop.ride) >= rides.size()) {
          return corrupt("{}: vehicle '{}' plans a stop of ride {}, which does not exist", path, vehicles[v].id, stop.ride);
        }
        const StoredRide& ride = rides[static_cast<size_t>(stop.ride)];
        const bool fits = ride.vehicle == vehicles[v].id &&
                          (stop.pickup ? ride.status == "assigned" : (ride.status == "assigned" || ride.status == "onboard"));
        if (!fits) {
          return corrupt("{}: vehicle '{}' plans the {} of ride {}, which is {} with vehicle '{}'", path, vehicles[v].id,
                         stop.pickup ? "pick-up" : "drop-off", ride_id(ride.index), ride.status, ride.vehicle);
        }
        plan.push_back({stop.pickup ? taxi::Stop::Kind::kPickup : taxi::Stop::Kind::kDropoff,
                        static_cast<uint32_t>(stop.ride)});
      }
      // Set on its way from where and when it last was, as it was then: it has been driving since.
      if (!plan.empty()) fleet->commit_plan(v, std::move(plan), vehicles[v].anchor_s);
    }
    if (const std::string broken = fleet->verify(); !broken.empty()) {
      return corrupt("{}: the stored fleet breaks an invariant: {}", path, broken);
    }
    // The fleet and the stored rides agree on who is where.
    for (const StoredRide& ride : rides) {
      const taxi::RequestState& planned = fleet->requests()[static_cast<size_t>(ride.index)];
      const bool agrees = ride.status == "assigned"  ? planned.status == taxi::RequestStatus::kAssigned
                          : ride.status == "onboard" ? planned.status == taxi::RequestStatus::kOnboard
                          : ride.status == "waiting" ? planned.status == taxi::RequestStatus::kPending
                                                     : true;
      if (!agrees) {
        return corrupt("{}: ride {} is stored as {} but no vehicle's plan agrees", path, ride_id(ride.index), ride.status);
      }
    }
    (void)fleet->take_changed_vehicles();
    for (const std::string& zone : state.suspended_zones) suspended_zones.insert(zone);
    incidents = state.incidents;
    return Status::ok();
  }

  void log_request(const HttpRequest& request, const std::string& route_name, int status, double seconds,
                   const std::string& principal_text) {
    if (log == nullptr) return;
    const json line = {{"time", static_cast<double>(clock.now_s())},
                       {"method", request.method},
                       {"route", route_name},
                       {"status", status},
                       {"ms", seconds * 1000.0},
                       {"principal", principal_text.empty() ? json(nullptr) : json(principal_text)},
                       {"remote", request.remote_address}};
    const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::lock_guard lock(log_mutex);
    std::fwrite(text.data(), 1, text.size(), log);
    std::fflush(log);
  }
};

TaxiService::TaxiService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TaxiService::~TaxiService() = default;

Result<std::unique_ptr<TaxiService>> TaxiService::create(const ServiceOptions& options, const Clock& clock) {
  BITGOEUL_ASSIGN_OR_RETURN(AccessList access, AccessList::read(options.access));
  auto impl = std::make_unique<Impl>(options, clock, std::move(access));
  BITGOEUL_ASSIGN_OR_RETURN(impl->permit, rules::read_permit_file(options.permit));
  BITGOEUL_ASSIGN_OR_RETURN(impl->graph, taxi::load_map(options.map));
  BITGOEUL_ASSIGN_OR_RETURN(impl->roads, rules::restrict_to_permit(impl->graph, impl->permit));
  impl->ch = road::ContractionHierarchy::build(impl->roads.graph, {.show_progress = options.show_progress});
  impl->travel = std::make_unique<taxi::RoadTravel>(impl->roads.graph, impl->ch);
  const road::RoadGraph& roads = impl->roads.graph;
  json features = json::array();
  for (road::EdgeId e = 0; e < roads.edge_count(); ++e) {
    json coordinates = json::array();
    for (const geo::LatLon& p : roads.edge_geometry(e)) coordinates.push_back({p.lon, p.lat});
    features.push_back({{"type", "Feature"},
                        {"properties", {{"edge", e}, {"class", road::road_class_name(roads.road_class[e])},
                                        {"seconds", roads.travel_time_ms[e] / 1000.0}}},
                        {"geometry", {{"type", "LineString"}, {"coordinates", std::move(coordinates)}}}});
  }
  impl->network_geojson = json{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump();

  if (options.log == "-") {
    impl->log = stderr;
  } else if (!options.log.empty()) {
    impl->log = std::fopen(options.log.c_str(), "a");
    if (impl->log == nullptr) return io_error("{}: cannot open the request log for appending", options.log);
    impl->own_log = true;
  }
  if (!options.db.empty()) {
    impl->scenario.limits.max_wait_s = options.max_wait_s;
    impl->scenario.limits.max_snap_m = options.max_snap_m;
    impl->scenario.dispatch.policy = taxi::DispatchPolicy::kInsertion;
    impl->fleet = std::make_unique<taxi::FleetState>(*impl->travel, impl->scenario);
    impl->dispatcher = std::make_unique<taxi::InsertionDispatcher>(0.0);
    BITGOEUL_ASSIGN_OR_RETURN(impl->store, ServiceStore::open(options.db));
    std::filesystem::path audit_path = std::filesystem::path(options.db).parent_path() / "audit.jsonl";
    impl->audit_path = audit_path.string();
    BITGOEUL_ASSIGN_OR_RETURN(AuditLog audit, AuditLog::open(impl->audit_path, {.fsync = false, .drop_torn_tail = true}));
    impl->audit.emplace(std::move(audit));
    BITGOEUL_RETURN_IF_ERROR(impl->recover());
  }
  return std::unique_ptr<TaxiService>(new TaxiService(std::move(impl)));
}

HttpResponse TaxiService::handle(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route_name;
  std::string principal_text;
  HttpResponse response;
  std::vector<std::pair<std::string, Audience>> outbox;
  {
    std::lock_guard lock(impl_->mutex);
    try {
      response = impl_->route(request, route_name, principal_text);
    } catch (const std::exception& exception) {
      if (impl_->store && impl_->store->in_transaction()) {
        impl_->store->rollback();
        impl_->failed = true;  // memory may be ahead of the store
      }
      impl_->discard_changes();
      response = HttpResponse::error(500, std::string("internal error: ") + exception.what());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ++impl_->served[{route_name, response.status}];
    auto& buckets = impl_->latency_counts[route_name];
    const auto bucket = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds) - kLatencyBuckets.begin();
    ++buckets[static_cast<size_t>(bucket)];
    impl_->latency_sum_s[route_name] += seconds;
    outbox.swap(impl_->outbox);
    impl_->log_request(request, route_name, response.status, seconds, principal_text);
  }
  if (!outbox.empty()) {
    ChangeListener listener;
    {
      std::lock_guard lock(impl_->listener_mutex);
      listener = impl_->listener;
    }
    if (listener) {
      for (const auto& [message, audience] : outbox) listener(message, audience);
    }
  }
  return response;
}

std::optional<Principal> TaxiService::authenticate(const std::string& token) const {
  return impl_->access.authenticate(token);
}

void TaxiService::set_listener(ChangeListener listener) {
  std::lock_guard lock(impl_->listener_mutex);
  impl_->listener = std::move(listener);
}

std::string TaxiService::fleet_snapshot_json() {
  std::lock_guard lock(impl_->mutex);
  const Impl::Now at = impl_->now();
  json body = impl_->fleet ? impl_->fleet_json(at)
                           : json{{"time", at.epoch_s}, {"version", impl_->version.load()}, {"vehicles", json::array()},
                                  {"rides", json::array()}, {"suspended_zones", json::array()}};
  body["type"] = "fleet";
  return body.dump();
}

uint64_t TaxiService::version() const { return impl_->version.load(); }

}  // namespace bitgoeul::taxi_service
