#include "taxi_service/stream.h"

#include <chrono>

namespace bitgoeul::taxi_service {
namespace {

// The fleet, and what only operators are told, go to every role the actions table lets read the fleet.
bool is_watcher(const std::string& tag) {
  const size_t colon = tag.find(':');
  if (colon == std::string::npos) return false;
  const std::optional<Role> role = parse_role(std::string_view(tag).substr(0, colon));
  return role && role_may(*role, Action::kViewFleet);
}

}  // namespace

std::string stream_tag(const Principal& principal) { return std::string(role_name(principal.role)) + ":" + principal.id; }

bool stream_delivers(const std::string& tag, const Audience& audience) {
  if (is_watcher(tag)) return true;
  switch (audience.role) {
    case Role::kVehicle:
      return tag == stream_tag(audience) || tag.starts_with("gateway:");
    case Role::kRider:
      return tag == stream_tag(audience);
    default:
      return false;  // operators' business only
  }
}

bool stream_gets_fleet(const std::string& tag) { return is_watcher(tag); }

WebSocketDecision authorize_stream(const TaxiService& service, const HttpRequest& request) {
  std::string token = request.bearer_token();
  if (token.empty()) {
    if (const auto found = request.query.find("token"); found != request.query.end()) token = found->second;
  }
  const auto principal = service.authenticate(token);
  if (!principal) {
    return WebSocketDecision::refuse(401, "the stream needs a valid bearer token (Authorization header or ?token=)");
  }
  return WebSocketDecision::accept(stream_tag(*principal));
}

StreamPublisher::StreamPublisher(TaxiService& service, HttpServer& server, double interval_s)
    : service_(service), server_(server), interval_s_(interval_s) {
  service_.set_listener([this](const std::string& message, const Audience& audience) {
    server_.broadcast(message, [&audience](const std::string& tag) { return stream_delivers(tag, audience); });
  });
  thread_ = std::thread([this] { run(); });
}

StreamPublisher::~StreamPublisher() {
  service_.set_listener({});
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StreamPublisher::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::duration<double>(interval_s_), [this] { return stopping_; })) {
    lock.unlock();
    if (server_.websocket_count() > 0) server_.broadcast(service_.fleet_snapshot_json(), stream_gets_fleet);
    lock.lock();
  }
}

}  // namespace bitgoeul::taxi_service
