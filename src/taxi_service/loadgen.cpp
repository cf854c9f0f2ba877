#include "taxi_service/loadgen.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config_reader.h"
#include "core/config_value.h"
#include "taxi/road_travel.h"
#include "taxi/scenario_file.h"
#include "taxi/scenario_world.h"

namespace bitgoeul::taxi_service {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

double epoch_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One HTTP call and what came of it.
struct Call {
  std::string endpoint;  // for the figures: "telemetry", "rides", ...
  http::verb method = http::verb::get;
  std::string target;
  std::string body;
  const std::string* token = nullptr;
  std::function<void(int status, const std::string& body)> done;  // status 0: no answer (connection failed)
};

// Figures gathered by the client threads.
class Figures {
 public:
  void latency(const std::string& endpoint, double ms) {
    std::lock_guard lock(mutex_);
    latency_[endpoint].push_back(ms);
  }
  void error(const std::string& what) {
    std::lock_guard lock(mutex_);
    ++errors_[what];
  }
  std::map<std::string, std::vector<double>> take_latency() {
    std::lock_guard lock(mutex_);
    return std::move(latency_);
  }
  std::map<std::string, uint64_t> errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
  }
  uint64_t error_count() const {
    std::lock_guard lock(mutex_);
    uint64_t total = 0;
    for (const auto& [what, n] : errors_) total += n;
    return total;
  }
  std::atomic<uint64_t> positions{0}, rides{0}, assigned{0}, rejected{0}, stops{0}, shed{0};

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<double>> latency_;
  std::map<std::string, uint64_t> errors_;
};

// A keep-alive HTTP/1.1 connection, reconnected after any failure. Used by one thread.
class Connection {
 public:
  explicit Connection(const HttpUrl& url) : url_(url) {}

  // The status and body, or status 0 when there was no complete answer (`error` says why).
  int call(const Call& call, std::string& body, std::string& error, double& latency_ms) {
    if (!stream_ && !connect(error)) return 0;
    http::request<http::string_body> request{call.method, call.target, 11};
    request.set(http::field::host, url_.host);
    request.set(http::field::user_agent, "bitgoeul-loadgen");
    if (call.token) request.set(http::field::authorization, "Bearer " + *call.token);
    if (!call.body.empty() || call.method == http::verb::post) {
      request.set(http::field::content_type, "application/json");
      request.body() = call.body;
    }
    request.keep_alive(true);
    request.prepare_payload();
    http::response<http::string_body> response;
    beast::error_code failure;
    const auto start = SteadyClock::now();
    stream_->expires_after(std::chrono::seconds(10));
    http::async_write(*stream_, request, [&](beast::error_code written, size_t) {
      if (written) {
        failure = written;
        return;
      }
      http::async_read(*stream_, buffer_, response, [&](beast::error_code read, size_t) { failure = read; });
    });
    io_.restart();
    io_.run();
    latency_ms = seconds_since(start) * 1000.0;
    if (failure) {
      error = failure.message();
      reset();
      return 0;
    }
    body = std::move(response.body());
    if (!response.keep_alive()) reset();
    return static_cast<int>(response.result_int());
  }

 private:
  bool connect(std::string& error) {
    stream_.emplace(io_);
    buffer_.clear();
    beast::error_code failure;
    tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), failure);
    if (!failure) {
      stream_->expires_after(std::chrono::seconds(2));
      stream_->async_connect(endpoints, [&](beast::error_code connected, const tcp::endpoint&) { failure = connected; });
      io_.restart();
      io_.run();
    }
    if (failure) {
      error = failure.message();
      reset();
      return false;
    }
    stream_->socket().set_option(tcp::no_delay(true));
    return true;
  }

  void reset() {
    if (stream_) {
      beast::error_code ignored;
      stream_->socket().close(ignored);
    }
    stream_.reset();
    buffer_.clear();
  }

  HttpUrl url_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// A few threads, each with its own keep-alive connection, taking calls from one bounded queue.
class ClientPool {
 public:
  ClientPool(const HttpUrl& url, int connections, size_t max_queue, Figures& figures)
      : max_queue_(max_queue), figures_(figures) {
    for (int i = 0; i < connections; ++i) {
      threads_.emplace_back([this, url] { work(url); });
    }
  }
  ~ClientPool() { stop(); }

  // False (and counted as shed) when the queue is full.
  bool submit(Call call) {
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= max_queue_) {
        figures_.shed.fetch_add(1);
        return false;
      }
      queue_.push_back(std::move(call));
    }
    ready_.notify_one();
    return true;
  }

  size_t pending() {
    std::lock_guard lock(mutex_);
    return queue_.size() + busy_;
  }

  // Lets the queued calls finish, then joins.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  void work(const HttpUrl& url) {
    Connection connection(url);
    while (true) {
      Call call;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        call = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
      }
      std::string body, error;
      double latency_ms = 0.0;
      const int status = connection.call(call, body, error, latency_ms);
      if (status == 0) {
        figures_.error(call.endpoint + " connection");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the service is down: do not spin
      } else {
        figures_.latency(call.endpoint, latency_ms);
        if (status >= 300) figures_.error(fmt::format("{} {}", call.endpoint, status));
      }
      if (call.done) call.done(status, body);
      std::lock_guard lock(mutex_);
      --busy_;
    }
  }

  const size_t max_queue_;
  Figures& figures_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Call> queue_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

Result<double> number_field(const json& object, const char* name, const std::string& where) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_number() || !std::isfinite(found->get<double>())) {
    return invalid_input("{}'{}' must be a finite number", where, name);
  }
  return found->get<double>();
}

Result<std::string> string_field(const json& object, const char* name, const std::string& where) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string() || found->get<std::string>().empty()) {
    return invalid_input("{}'{}' must be a non-empty string", where, name);
  }
  return found->get<std::string>();
}

// A simulated vehicle: parked at `position`, or driving `leg` (started at simulated time leg_start_s) to the first
// of its stops.
struct SimVehicle {
  std::string id;
  taxi::RoadPosition position;
  std::optional<taxi::Leg> leg;
  double leg_start_s = 0.0;
  std::vector<PlannedStop> stops;
  std::set<std::pair<std::string, bool>> done;  // (ride, pickup) confirmed: a stale assignment must not repeat them
  uint64_t version = 0;
  bool registered = false;
  bool registering = false;
  bool fetching = false;
  // Stops reached and not yet confirmed, in order: one confirmation in flight per vehicle, so that the service sees
  // them in the order they were made (a drop-off before the next pick-up, when a seat is needed).
  std::deque<PlannedStop> unconfirmed;
  bool confirming = false;
  double next_fetch_wall_s = 0.0;
  double next_register_wall_s = 0.0;
};

// What the client threads hand back to the simulation thread.
struct Inbox {
  std::mutex mutex;
  std::vector<std::pair<uint32_t, AssignmentReply>> assignments;
  std::vector<uint32_t> fetch_failed;
  std::vector<uint32_t> refetch;  // a ride was assigned to it, or a stop confirmed
  std::vector<uint32_t> confirmed;  // its confirmation in flight was answered (or failed)
  std::vector<std::pair<uint32_t, bool>> registered;  // (vehicle, ok)
};

}  // namespace

Status validate_loadgen_options(const LoadgenOptions& options) {
  if (options.scenario.empty()) return invalid_input("--scenario: required");
  if (options.token_file.empty()) return invalid_input("--token-file: required");
  BITGOEUL_RETURN_IF_ERROR(parse_http_url(options.url).status());
  if (!(options.duration_s > 0) || !std::isfinite(options.duration_s)) {
    return invalid_input("--duration: must be > 0 seconds, not {}", options.duration_s);
  }
  if (!(options.speedup > 0) || !std::isfinite(options.speedup) || options.speedup > 1000) {
    return invalid_input("--speedup: must be in (0, 1000], not {}", options.speedup);
  }
  if (options.vehicles > 100000) return invalid_input("--vehicles: at most 100000, not {}", options.vehicles);
  if (!(options.rate >= 0) || !std::isfinite(options.rate) || options.rate > 100000) {
    return invalid_input("--rate: must be in [0, 100000] requests per second, not {}", options.rate);
  }
  if (!(options.telemetry_interval_s >= 0.01) || !std::isfinite(options.telemetry_interval_s)) {
    return invalid_input("--telemetry-interval: must be >= 0.01 seconds, not {}", options.telemetry_interval_s);
  }
  if (options.batch_size < 1 || options.batch_size > 10000) {
    return invalid_input("--batch: must be in [1, 10000] positions, not {}", options.batch_size);
  }
  if (options.vehicle_connections < 1 || options.vehicle_connections > 64 || options.rider_connections < 1 ||
      options.rider_connections > 64) {
    return invalid_input("--connections: must be in [1, 64]");
  }
  if (options.vehicle_prefix.empty() || options.vehicle_prefix.size() > 32) {
    return invalid_input("--vehicle-prefix: 1 to 32 characters");
  }
  return Status::ok();
}

Result<HttpUrl> parse_http_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  const auto bad = [&](const char* why) {
    return invalid_input("--url: '{}' {} (expected http://HOST:PORT, e.g. http://127.0.0.1:8080)", url, why);
  };
  if (url.compare(0, kScheme.size(), kScheme) != 0) return bad("does not start with http://");
  std::string rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) return bad("has a path");
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("has no host and port");
  const std::string port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad("has no valid port");
  }
  const int number = std::stoi(port);
  if (number < 1 || number > 65535) return bad("has a port out of 1..65535");
  HttpUrl parsed;
  parsed.host = rest.substr(0, colon);
  parsed.port = static_cast<uint16_t>(number);
  if (parsed.host.find_first_of(" \t\r\n@?#") != std::string::npos) return bad("has a malformed host");
  return parsed;
}

Result<LoadgenTokens> read_loadgen_tokens(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue document, parse_toml_file(path));
  ConfigReader reader(document, path, "");
  LoadgenTokens tokens;
  BITGOEUL_ASSIGN_OR_RETURN(tokens.gateway, reader.string("gateway"));
  BITGOEUL_ASSIGN_OR_RETURN(tokens.rider, reader.string("rider"));
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  for (const auto& [key, value] : {std::pair{"gateway", &tokens.gateway}, std::pair{"rider", &tokens.rider}}) {
    if (value->empty() || value->find_first_of(" \t\r\n") != std::string::npos) {
      return reader.error(key, "a token is a non-empty string without spaces");
    }
  }
  return tokens;
}

Result<AssignmentReply> parse_assignment(const std::string& body) {
  const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return invalid_input("assignment: not a JSON object");
  AssignmentReply reply;
  const auto version = document.find("version");
  if (version == document.end() || !version->is_number_unsigned()) {
    return invalid_input("assignment: 'version' must be a non-negative integer");
  }
  reply.version = version->get<uint64_t>();
  const auto stops = document.find("stops");
  if (stops == document.end() || !stops->is_array()) return invalid_input("assignment: 'stops' must be an array");
  for (size_t i = 0; i < stops->size(); ++i) {
    const json& item = (*stops)[i];
    const std::string where = fmt::format("assignment: stops[{}]: ", i);
    if (!item.is_object()) return invalid_input("{}must be an object", where);
    PlannedStop stop;
    BITGOEUL_ASSIGN_OR_RETURN(stop.ride, string_field(item, "ride", where));
    BITGOEUL_ASSIGN_OR_RETURN(const std::string kind, string_field(item, "kind", where));
    if (kind != "pickup" && kind != "dropoff") return invalid_input("{}'kind' must be pickup or dropoff, not '{}'", where, kind);
    stop.pickup = kind == "pickup";
    BITGOEUL_ASSIGN_OR_RETURN(stop.lat, number_field(item, "lat", where));
    BITGOEUL_ASSIGN_OR_RETURN(stop.lon, number_field(item, "lon", where));
    if (std::abs(stop.lat) > 90 || std::abs(stop.lon) > 180) return invalid_input("{}coordinates out of range", where);
    reply.stops.push_back(std::move(stop));
  }
  return reply;
}

Result<RideReply> parse_ride_reply(const std::string& body) {
  const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return invalid_input("ride: not a JSON object");
  RideReply reply;
  BITGOEUL_ASSIGN_OR_RETURN(reply.id, string_field(document, "id", "ride: "));
  BITGOEUL_ASSIGN_OR_RETURN(reply.status, string_field(document, "status", "ride: "));
  if (const auto vehicle = document.find("vehicle"); vehicle != document.end() && !vehicle->is_null()) {
    if (!vehicle->is_string()) return invalid_input("ride: 'vehicle' must be a string");
    reply.vehicle = vehicle->get<std::string>();
  }
  if (reply.status == "assigned" && reply.vehicle.empty()) return invalid_input("ride: assigned without a 'vehicle'");
  return reply;
}

LatencySummary summarize_latency(std::vector<double>& samples_ms) {
  LatencySummary summary;
  summary.count = samples_ms.size();
  if (samples_ms.empty()) return summary;
  std::sort(samples_ms.begin(), samples_ms.end());
  const auto rank = [&](double p) {
    const size_t index = static_cast<size_t>(std::ceil(p * static_cast<double>(samples_ms.size())));
    return samples_ms[std::clamp<size_t>(index, 1, samples_ms.size()) - 1];
  };
  summary.p50_ms = rank(0.50);
  summary.p95_ms = rank(0.95);
  summary.p99_ms = rank(0.99);
  summary.max_ms = samples_ms.back();
  return summary;
}

std::string LoadgenReport::to_json() const {
  json latency_json = json::object();
  for (const auto& [endpoint, s] : latency) {
    latency_json[endpoint] = {{"count", s.count}, {"p50_ms", s.p50_ms}, {"p95_ms", s.p95_ms}, {"p99_ms", s.p99_ms},
                              {"max_ms", s.max_ms}};
  }
  json document = {{"duration_s", duration_s},
                   {"drain_s", drain_s},
                   {"vehicles", vehicles},
                   {"position_updates", position_updates},
                   {"position_updates_per_s", position_updates_per_s()},
                   {"ride_requests", ride_requests},
                   {"ride_requests_per_s", ride_requests_per_s()},
                   {"rides_assigned", rides_assigned},
                   {"rides_rejected", rides_rejected},
                   {"stops_confirmed", stops_confirmed},
                   {"shed", shed},
                   {"errors", errors},
                   {"latency", latency_json}};
  if (const auto rides = latency.find("rides"); rides != latency.end()) {
    document["assignment_latency_p99_ms"] = rides->second.p99_ms;
  }
  return document.dump(2);
}

std::string LoadgenReport::to_text() const {
  std::string text = fmt::format(
      "{:.1f} s (+{:.2f} s for the last answers), {} vehicles: {:.0f} position updates/s ({}), {:.1f} ride requests/s "
      "({}: {} assigned, {} rejected), {} stops confirmed, {} shed\n",
      duration_s, drain_s, vehicles, position_updates_per_s(), position_updates, ride_requests_per_s(), ride_requests,
      rides_assigned, rides_rejected, stops_confirmed, shed);
  text += fmt::format("{:<12} {:>8} {:>9} {:>9} {:>9} {:>9}\n", "endpoint", "calls", "p50 ms", "p95 ms", "p99 ms", "max ms");
  for (const auto& [endpoint, s] : latency) {
    text += fmt::format("{:<12} {:>8} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f}\n", endpoint, s.count, s.p50_ms, s.p95_ms,
                        s.p99_ms, s.max_ms);
  }
  if (!errors.empty()) {
    text += "errors:";
    for (const auto& [what, n] : errors) text += fmt::format(" {} x{};", what, n);
    text += "\n";
  }
  return text;
}

Result<LoadgenReport> run_loadgen(const LoadgenOptions& options) {
  BITGOEUL_RETURN_IF_ERROR(validate_loadgen_options(options));
  BITGOEUL_ASSIGN_OR_RETURN(const HttpUrl url, parse_http_url(options.url));
  BITGOEUL_ASSIGN_OR_RETURN(const LoadgenTokens tokens, read_loadgen_tokens(options.token_file));
  BITGOEUL_ASSIGN_OR_RETURN(const taxi::ScenarioFile scenario, taxi::read_scenario_file(options.scenario, options.data_dir));
  BITGOEUL_ASSIGN_OR_RETURN(const std::unique_ptr<taxi::ScenarioWorld> world, taxi::load_scenario_world(scenario));
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<taxi::TripRequest> demand, taxi::load_scenario_demand(scenario, world->graph));
  if (demand.empty()) return invalid_input("{}: the scenario's demand has no requests", options.scenario);
  std::FILE* journal = nullptr;
  if (!options.journal.empty()) {
    journal = std::fopen(options.journal.c_str(), "a");
    if (!journal) return io_error("--journal: cannot open '{}' for appending", options.journal);
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> journal_closer(journal, [](std::FILE* f) {
    return f ? std::fclose(f) : 0;
  });
  std::mutex journal_mutex;

  taxi::RoadTravel travel(world->fleet_graph(), world->ch);
  const uint32_t vehicle_count = options.vehicles > 0 ? options.vehicles : scenario.scenario.fleet.size;
  const double span_s = std::max(1.0, scenario.scenario.end_s - scenario.scenario.start_s);
  const double rate = options.rate > 0 ? options.rate : static_cast<double>(demand.size()) / span_s * options.speedup;
  const auto log = [&](const std::string& line) {
    if (!options.quiet) std::fprintf(stderr, "loadgen: %s\n", line.c_str());
  };

  // Start places: seeded random points on the fleet's roads from which a depot (or the first request) is reachable,
  // so that every vehicle can drive to its stops.
  std::vector<SimVehicle> vehicles(vehicle_count);
  std::unordered_map<std::string, uint32_t> vehicle_index;
  {
    std::mt19937_64 random(scenario.scenario.seed);
    const auto& graph = world->fleet_graph();
    if (graph.edge_count() == 0) return invalid_input("{}: the fleet's road network is empty", options.scenario);
    std::vector<taxi::Location> anchors;
    for (const geo::LatLon& depot : scenario.scenario.fleet.depots) {
      if (auto located = travel.locate(depot, 500.0); located.is_ok()) anchors.push_back(*located);
    }
    for (const taxi::TripRequest& request : demand) {
      if (!anchors.empty()) break;
      if (auto located = travel.locate(request.origin, 300.0); located.is_ok()) anchors.push_back(*located);
    }
    std::uniform_int_distribution<uint32_t> pick_edge(0, graph.edge_count() - 1);
    for (uint32_t v = 0; v < vehicle_count; ++v) {
      SimVehicle& vehicle = vehicles[v];
      vehicle.id = options.vehicle_prefix + std::to_string(v + 1);
      vehicle_index.emplace(vehicle.id, v);
      taxi::RoadPosition start{pick_edge(random), 0.5};
      for (int attempt = 0; attempt < 20 && !anchors.empty(); ++attempt) {
        if (travel.time_s(start, anchors[v % anchors.size()]) < taxi::kUnreachable) break;
        start = {pick_edge(random), 0.5};
      }
      vehicle.position = start;
    }
  }

  Figures figures;
  Inbox inbox;  // before the pools: their threads hand answers to it until they are joined
  ClientPool vehicle_pool(url, options.vehicle_connections, 4 * vehicle_count + 1000, figures);
  ClientPool rider_pool(url, options.rider_connections, std::max<size_t>(100, static_cast<size_t>(rate * 2)), figures);

  const auto register_vehicle = [&](uint32_t v, double wall_s) {
    SimVehicle& vehicle = vehicles[v];
    vehicle.registering = true;
    vehicle.next_register_wall_s = wall_s + 1.0;
    const geo::LatLon point = travel.point_of(vehicle.position);
    Call call;
    call.endpoint = "register";
    call.method = http::verb::post;
    call.target = "/api/v1/vehicles/" + vehicle.id + "/register";
    call.body = json{{"lat", point.lat}, {"lon", point.lon}, {"capacity", scenario.scenario.fleet.capacity}}.dump();
    call.token = &tokens.gateway;
    call.done = [&inbox, v](int status, const std::string&) {
      std::lock_guard lock(inbox.mutex);
      inbox.registered.emplace_back(v, status == 200 || status == 201);
    };
    if (!vehicle_pool.submit(std::move(call))) vehicle.registering = false;
  };

  const auto fetch_assignment = [&](uint32_t v, double wall_s) {
    SimVehicle& vehicle = vehicles[v];
    if (vehicle.fetching) return;
    vehicle.fetching = true;
    vehicle.next_fetch_wall_s = wall_s + 10.0;
    Call call;
    call.endpoint = "assignment";
    call.target = "/api/v1/vehicles/" + vehicle.id + "/assignment";
    call.token = &tokens.gateway;
    call.done = [&inbox, &figures, v](int status, const std::string& body) {
      std::optional<AssignmentReply> reply;
      if (status == 200) {
        auto parsed = parse_assignment(body);
        if (parsed.is_ok()) {
          reply = std::move(*parsed);
        } else {
          figures.error("assignment unreadable");
        }
      }
      std::lock_guard lock(inbox.mutex);
      if (reply) {
        inbox.assignments.emplace_back(v, std::move(*reply));
      } else {
        inbox.fetch_failed.push_back(v);
      }
    };
    if (!vehicle_pool.submit(std::move(call))) vehicle.fetching = false;
  };

  // Drives toward the first stop from wherever the vehicle is at simulated time `sim_s`. Stops it cannot reach are
  // dropped (counted); the service's dispatcher planned them on the same roads, so this should not happen.
  const auto start_leg = [&](SimVehicle& vehicle, double sim_s) {
    vehicle.leg.reset();
    while (!vehicle.stops.empty()) {
      const PlannedStop& stop = vehicle.stops.front();
      auto located = travel.locate({stop.lat, stop.lon}, 300.0);
      if (located.is_ok()) {
        taxi::Leg leg = travel.leg(vehicle.position, *located);
        if (leg.reachable) {
          vehicle.leg = std::move(leg);
          vehicle.leg_start_s = sim_s;
          return;
        }
      }
      figures.error("stop unreachable");
      vehicle.stops.erase(vehicle.stops.begin());
    }
  };

  const auto current_position = [&](const SimVehicle& vehicle, double sim_s) {
    return vehicle.leg ? travel.position_at(*vehicle.leg, sim_s - vehicle.leg_start_s) : vehicle.position;
  };

  // Sends the vehicle's next unconfirmed stop unless one is in flight.
  const auto send_confirmation = [&](uint32_t v) {
    SimVehicle& vehicle = vehicles[v];
    while (!vehicle.confirming && !vehicle.unconfirmed.empty()) {
      const PlannedStop& stop = vehicle.unconfirmed.front();
      Call call;
      call.endpoint = "stops";
      call.method = http::verb::post;
      call.target = "/api/v1/vehicles/" + vehicle.id + "/stops";
      call.body = json{{"ride", stop.ride}, {"kind", stop.pickup ? "pickup" : "dropoff"}}.dump();
      call.token = &tokens.gateway;
      call.done = [&inbox, &figures, v](int status, const std::string&) {
        if (status == 200 || status == 201) figures.stops.fetch_add(1);
        std::lock_guard lock(inbox.mutex);
        inbox.confirmed.push_back(v);
        inbox.refetch.push_back(v);
      };
      vehicle.confirming = vehicle_pool.submit(std::move(call));
      if (!vehicle.confirming) vehicle.unconfirmed.pop_front();  // shed (counted): the service never hears of it
    }
  };
  const auto confirm_stop = [&](uint32_t v, const PlannedStop& stop) {
    vehicles[v].unconfirmed.push_back(stop);
    send_confirmation(v);
  };

  const auto request_ride = [&](const taxi::TripRequest& request) {
    Call call;
    call.endpoint = "rides";
    call.method = http::verb::post;
    call.target = "/api/v1/rides";
    call.body = json{{"origin", {{"lat", request.origin.lat}, {"lon", request.origin.lon}}},
                     {"destination", {{"lat", request.destination.lat}, {"lon", request.destination.lon}}},
                     {"passengers", request.passengers}}
                    .dump();
    call.token = &tokens.rider;
    call.done = [&, journal](int status, const std::string& body) {
      if (status != 201) return;
      auto reply = parse_ride_reply(body);
      if (!reply.is_ok()) {
        figures.error("rides unreadable");
        return;
      }
      figures.rides.fetch_add(1);
      if (reply->status == "assigned") figures.assigned.fetch_add(1);
      if (reply->status == "rejected") figures.rejected.fetch_add(1);
      if (journal) {
        const std::string line = json{{"ride", reply->id}, {"status", reply->status}}.dump() + "\n";
        std::lock_guard lock(journal_mutex);
        std::fputs(line.c_str(), journal);
        std::fflush(journal);
      }
      if (const auto found = vehicle_index.find(reply->vehicle); found != vehicle_index.end()) {
        std::lock_guard lock(inbox.mutex);
        inbox.refetch.push_back(found->second);
      }
    };
    rider_pool.submit(std::move(call));
  };

  // Registration: every vehicle, retried each second, until all are registered or 60 s passed.
  const auto registration_start = SteadyClock::now();
  uint32_t registered = 0;
  while (registered < vehicle_count && seconds_since(registration_start) < 60.0) {
    const double wall_s = seconds_since(registration_start);
    {
      std::lock_guard lock(inbox.mutex);
      for (const auto& [v, ok] : inbox.registered) {
        vehicles[v].registering = false;
        if (ok && !vehicles[v].registered) {
          vehicles[v].registered = true;
          ++registered;
        }
      }
      inbox.registered.clear();
    }
    for (uint32_t v = 0; v < vehicle_count; ++v) {
      if (!vehicles[v].registered && !vehicles[v].registering && wall_s >= vehicles[v].next_register_wall_s) {
        register_vehicle(v, wall_s);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (registered == 0) {
    return io_error("no vehicle could register at {} in 60 s: {}", options.url,
                    figures.error_count() ? "see the errors above" : "no answer");
  }
  log(fmt::format("{} of {} vehicles registered in {:.1f} s; load for {:.0f} s at {:.1f} rides/s", registered,
                  vehicle_count, seconds_since(registration_start), options.duration_s, rate));
  figures.take_latency();  // the figures are for the load, not the registration

  // The load.
  const auto start = SteadyClock::now();
  const double sim_start_s = scenario.scenario.start_s;
  double next_telemetry_s = 0.0, next_progress_s = 5.0;
  uint64_t rides_sent = 0;
  size_t next_request = 0;
  for (uint32_t v = 0; v < vehicle_count; ++v) {
    vehicles[v].next_fetch_wall_s = 10.0 * (v + 1) / vehicle_count;  // staggered periodic refresh
  }
  while (true) {
    const double wall_s = seconds_since(start);
    if (wall_s >= options.duration_s) break;
    const double sim_s = sim_start_s + wall_s * options.speedup;
    // Answers from the client threads.
    std::vector<std::pair<uint32_t, AssignmentReply>> assignments;
    std::vector<uint32_t> refetch, failed, confirmed;
    std::vector<std::pair<uint32_t, bool>> registrations;
    {
      std::lock_guard lock(inbox.mutex);
      confirmed.swap(inbox.confirmed);
      assignments.swap(inbox.assignments);
      refetch.swap(inbox.refetch);
      failed.swap(inbox.fetch_failed);
      registrations.swap(inbox.registered);
    }
    for (const auto& [v, ok] : registrations) {
      vehicles[v].registering = false;
      if (ok) vehicles[v].registered = true;
    }
    for (const uint32_t v : failed) vehicles[v].fetching = false;
    for (const uint32_t v : confirmed) {
      vehicles[v].confirming = false;
      vehicles[v].unconfirmed.pop_front();
      send_confirmation(v);
    }
    for (auto& [v, reply] : assignments) {
      SimVehicle& vehicle = vehicles[v];
      vehicle.fetching = false;
      if (reply.version == vehicle.version && !vehicle.stops.empty()) continue;
      vehicle.version = reply.version;
      std::erase_if(reply.stops, [&](const PlannedStop& stop) { return vehicle.done.count({stop.ride, stop.pickup}) > 0; });
      const bool same_target = !reply.stops.empty() && !vehicle.stops.empty() &&
                               reply.stops.front().ride == vehicle.stops.front().ride &&
                               reply.stops.front().pickup == vehicle.stops.front().pickup;
      vehicle.stops = std::move(reply.stops);
      if (!same_target) {
        vehicle.position = current_position(vehicle, sim_s);
        start_leg(vehicle, sim_s);
      }
    }
    for (const uint32_t v : refetch) fetch_assignment(v, wall_s);
    // Motion: arrivals confirm their stop and drive on to the next one.
    for (uint32_t v = 0; v < vehicle_count; ++v) {
      SimVehicle& vehicle = vehicles[v];
      if (!vehicle.registered) {
        if (!vehicle.registering && wall_s >= vehicle.next_register_wall_s) register_vehicle(v, wall_s);
        continue;
      }
      while (vehicle.leg && sim_s - vehicle.leg_start_s >= vehicle.leg->duration_s) {
        const double arrived_s = vehicle.leg_start_s + vehicle.leg->duration_s;
        vehicle.position = vehicle.leg->end;
        const PlannedStop stop = vehicle.stops.front();
        vehicle.stops.erase(vehicle.stops.begin());
        vehicle.done.insert({stop.ride, stop.pickup});
        confirm_stop(v, stop);
        start_leg(vehicle, arrived_s);
      }
      if (wall_s >= vehicle.next_fetch_wall_s) fetch_assignment(v, wall_s);
    }
    // Telemetry: every vehicle's position, in batches.
    if (wall_s >= next_telemetry_s) {
      // On a fixed schedule (no drift); ticks the loadgen fell behind on are skipped, not bunched.
      next_telemetry_s = std::max(next_telemetry_s + options.telemetry_interval_s, wall_s);
      const double now_s = epoch_now_s();
      json batch = json::array();
      const auto send = [&] {
        if (batch.empty()) return;
        Call call;
        call.endpoint = "telemetry";
        call.method = http::verb::post;
        call.target = "/api/v1/telemetry";
        call.body = json{{"positions", std::move(batch)}}.dump();
        call.token = &tokens.gateway;
        call.done = [&figures](int status, const std::string& body) {
          if (status != 200) return;
          const json reply = json::parse(body, nullptr, false);
          if (reply.is_object() && reply.contains("accepted") && reply["accepted"].is_number_unsigned()) {
            figures.positions.fetch_add(reply["accepted"].get<uint64_t>());
          } else {
            figures.error("telemetry unreadable");
          }
        };
        vehicle_pool.submit(std::move(call));
        batch = json::array();
      };
      for (SimVehicle& vehicle : vehicles) {
        if (!vehicle.registered) continue;
        const geo::LatLon point = travel.point_of(current_position(vehicle, sim_s));
        batch.push_back({{"vehicle", vehicle.id},
                         {"time", now_s},
                         {"lat", point.lat},
                         {"lon", point.lon},
                         {"status", vehicle.stops.empty() ? "available" : "busy"}});
        if (batch.size() >= options.batch_size) send();
      }
      send();
    }
    // Riders, at the fixed rate.
    const uint64_t due = static_cast<uint64_t>(wall_s * rate);
    for (; rides_sent < due; ++rides_sent) {
      request_ride(demand[next_request]);
      next_request = (next_request + 1) % demand.size();
    }
    if (wall_s >= next_progress_s) {
      next_progress_s += 5.0;
      log(fmt::format("{:.0f} s: {} positions, {} rides acknowledged, {} stops, {} errors, {} shed", wall_s,
                      figures.positions.load(), figures.rides.load(), figures.stops.load(), figures.error_count(),
                      figures.shed.load()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Let the calls in flight finish: they were sent within the load's window, so the rates are per second of it.
  const double window_s = seconds_since(start);
  vehicle_pool.stop();
  rider_pool.stop();

  LoadgenReport report;
  report.duration_s = window_s;
  report.drain_s = seconds_since(start) - window_s;
  report.vehicles = vehicle_count;
  report.position_updates = figures.positions.load();
  report.ride_requests = figures.rides.load();
  report.rides_assigned = figures.assigned.load();
  report.rides_rejected = figures.rejected.load();
  report.stops_confirmed = figures.stops.load();
  report.shed = figures.shed.load();
  report.errors = figures.errors();
  for (auto& [endpoint, samples] : figures.take_latency()) report.latency[endpoint] = summarize_latency(samples);
  if (!options.out.empty()) {
    std::FILE* out = std::fopen(options.out.c_str(), "w");
    if (!out) return io_error("--out: cannot write '{}'", options.out);
    const std::string text = report.to_json() + "\n";
    const bool written = std::fputs(text.c_str(), out) >= 0;
    if (std::fclose(out) != 0 || !written) return io_error("--out: cannot write '{}'", options.out);
  }
  return report;
}

}  // namespace bitgoeul::taxi_service
