#include "taxi_service/service.h"

#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "road/contraction_hierarchy.h"
#include "taxi/road_travel.h"
#include "taxi/rules/permit_file.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/permitted_roads.h"
#include "taxi/scenario_world.h"
#include "taxi_service/access.h"

namespace bitgoeul::taxi_service {
namespace {

using nlohmann::json;
namespace rules = taxi::rules;

constexpr double kDay = 86400.0;

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

  std::mutex mutex;  // guards what follows (routing queries keep state, the rules change at midnight)
  std::unique_ptr<taxi::RoadTravel> travel;
  std::optional<rules::PermitRules> day_rules;
  int64_t rules_day = INT64_MIN;
  std::map<std::pair<std::string, int>, uint64_t> served;  // (route, status) -> responses, for /metrics

  std::atomic<uint64_t> version{0};  // bumped by every committed change
  std::mutex listener_mutex;         // guards listener (set from another thread than the requests')
  ChangeListener listener;

  Impl(const ServiceOptions& service_options, const Clock& service_clock, AccessList access_list)
      : options(service_options), clock(service_clock), access(std::move(access_list)) {}

  // Seconds since the local midnight of today, with the permit's rules for today (rebuilt when the day changes).
  double local_now(rules::Date& day) {
    const double local_s = static_cast<double>(clock.now_s()) + options.utc_offset_hours * 3600.0;
    const auto days = static_cast<int64_t>(std::floor(local_s / kDay));
    day = rules::date_from_days(days);
    if (days != rules_day) {
      auto created = rules::PermitRules::create(permit, day, 2 * kDay);
      day_rules = created.is_ok() ? std::optional<rules::PermitRules>(std::move(*created)) : std::nullopt;
      rules_day = days;
    }
    return local_s - static_cast<double>(days) * kDay;
  }

  HttpResponse permit_state() {
    rules::Date day;
    const double now_s = local_now(day);
    json body = {{"name", permit.name}, {"number", permit.number}, {"holder", permit.holder},
                 {"day", rules::format_date(day)}, {"local_time_s", now_s}};
    if (!day_rules) return HttpResponse::error(503, "the permit's calendar does not cover " + rules::format_date(day));
    const auto type = rules::day_type(day, permit.extra_holidays);
    body["day_type"] = type.is_ok() ? rules::day_type_name(*type) : "unknown";
    body["open"] = day_rules->open_at(now_s);
    const rules::Suspension* suspension = day_rules->suspension_at(now_s);
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
    body["zones"] = {{"type", "FeatureCollection"}, {"features", std::move(features)}};
    json stops = json::array();
    for (const rules::DesignatedStop& stop : permit.stops) {
      stops.push_back({{"id", stop.id}, {"name", stop.name}, {"lat", stop.point.lat}, {"lon", stop.point.lon}});
    }
    body["stops"] = std::move(stops);
    body["max_walk_m"] = permit.max_walk_m;
    return HttpResponse::json(body.dump());
  }

  HttpResponse quote(const HttpRequest& request) {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return HttpResponse::error(400, "the body must be a JSON object");
    std::string error;
    const auto origin = body_point(body, "origin", error);
    if (!origin) return HttpResponse::error(400, error);
    const auto destination = body_point(body, "destination", error);
    if (!destination) return HttpResponse::error(400, error);
    int64_t passengers = 1;
    if (const auto found = body.find("passengers"); found != body.end()) {
      if (!found->is_number_integer() || found->get<int64_t>() < 1 || found->get<int64_t>() > 8) {
        return HttpResponse::error(400, "'passengers' must be an integer from 1 to 8");
      }
      passengers = found->get<int64_t>();
    }
    rules::Date day;
    const double now_s = local_now(day);
    if (!day_rules) return HttpResponse::error(503, "the permit's calendar does not cover " + rules::format_date(day));
    taxi::TripRequest trip;
    trip.request_time_s = now_s;
    trip.origin = *origin;
    trip.destination = *destination;
    trip.passengers = static_cast<uint16_t>(passengers);
    const rules::Admission admission = day_rules->admit(trip, options.max_wait_s);
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
    return HttpResponse::json(reply.dump());
  }

  std::string metrics_text() {
    std::string text =
        "# HELP bitgoeul_http_responses_total HTTP responses by route and status.\n"
        "# TYPE bitgoeul_http_responses_total counter\n";
    for (const auto& [key, count] : served) {
      text += fmt::format("bitgoeul_http_responses_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, count);
    }
    text += fmt::format("# HELP bitgoeul_permitted_road_km Length of the permitted road network.\n"
                        "# TYPE bitgoeul_permitted_road_km gauge\nbitgoeul_permitted_road_km {:.3f}\n",
                        roads.km_kept);
    return text;
  }

  // Routes a request; `route` gets the route's name for the metrics (never the raw path: ids would explode them).
  HttpResponse route(const HttpRequest& request, std::string& route_name) {
    struct Route {
      const char* method;
      const char* path;
      bool authenticated;
      std::vector<Role> roles;  // empty: every role
    };
    static const std::vector<Route> kRoutes = {
        {"GET", "/health", false, {}},
        {"GET", "/metrics", false, {}},
        {"GET", "/api/v1/network", true, {}},
        {"GET", "/api/v1/permit", true, {}},
        {"POST", "/api/v1/quote", true, {Role::kRider, Role::kOperator}},
    };
    const Route* matched = nullptr;
    bool path_known = false;
    for (const Route& r : kRoutes) {
      if (request.path != r.path) continue;
      path_known = true;
      if (request.method == r.method) matched = &r;
    }
    if (!path_known) {
      route_name = "unknown";
      return HttpResponse::error(404, "no such resource");
    }
    route_name = request.path;
    if (matched == nullptr) return HttpResponse::error(405, "method not allowed on " + request.path);
    if (matched->authenticated) {
      const std::optional<Principal> principal = access.authenticate(request.bearer_token());
      if (!principal) return HttpResponse::error(401, "a valid bearer token is required");
      if (!matched->roles.empty() &&
          std::find(matched->roles.begin(), matched->roles.end(), principal->role) == matched->roles.end()) {
        return HttpResponse::error(403, fmt::format("a {} may not call {} {}", role_name(principal->role),
                                                    request.method, request.path));
      }
    }
    if (request.path == "/health") return HttpResponse::json(R"({"status":"ok"})");
    if (request.path == "/metrics") return {200, "text/plain; version=0.0.4", metrics_text(), {}};
    if (request.path == "/api/v1/network") return {200, "application/geo+json", network_geojson, {}};
    if (request.path == "/api/v1/permit") return permit_state();
    return quote(request);
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
  return std::unique_ptr<TaxiService>(new TaxiService(std::move(impl)));
}

HttpResponse TaxiService::handle(const HttpRequest& request) {
  std::lock_guard lock(impl_->mutex);
  std::string route_name;
  HttpResponse response;
  try {
    response = impl_->route(request, route_name);
  } catch (const std::exception& exception) {
    response = HttpResponse::error(500, std::string("internal error: ") + exception.what());
  }
  ++impl_->served[{route_name, response.status}];
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
  return json{{"type", "fleet"}, {"version", impl_->version.load()}, {"time", impl_->clock.now_s()},
              {"vehicles", json::array()}, {"rides", json::array()}}
      .dump();
}

uint64_t TaxiService::version() const { return impl_->version.load(); }

}  // namespace bitgoeul::taxi_service
