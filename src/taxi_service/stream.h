#pragma once
// WebSocket push of the dispatch service (GET /api/v1/stream, docs/taxi-service.md): who may connect and which
// messages reach whom. Each connection is tagged "role:id" from its token; the service's change notifications go
// to their audience (vehicles and the gateway get assignments, riders their own rides) and to every operator and
// regulator, and the fleet snapshot goes to operators and regulators once a second.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/http_server.h"
#include "taxi_service/access.h"
#include "taxi_service/service.h"

namespace bitgoeul::taxi_service {

inline constexpr const char* kStreamPath = "/api/v1/stream";

// "role:id", the tag of a connection held by `principal`.
std::string stream_tag(const Principal& principal);
// Whether a connection tagged `tag` receives a change addressed to `audience` (see service.h's Audience).
bool stream_delivers(const std::string& tag, const Audience& audience);
// Whether a connection tagged `tag` receives the fleet snapshot (operators and regulators).
bool stream_gets_fleet(const std::string& tag);
// Accepts an upgrade whose token (Authorization: Bearer, or ?token=) `service` knows; 401 otherwise.
WebSocketDecision authorize_stream(const TaxiService& service, const HttpRequest& request);

// Wires `service`'s change notifications to `server`'s stream connections and pushes the fleet snapshot every
// `interval_s` while anyone who gets it is connected. REQUIRES: both outlive this object and `server` was started
// with kStreamPath among its WebSocket paths. The destructor removes the listener and stops the snapshot thread.
class StreamPublisher {
 public:
  StreamPublisher(TaxiService& service, HttpServer& server, double interval_s = 1.0);
  ~StreamPublisher();
  StreamPublisher(const StreamPublisher&) = delete;
  StreamPublisher& operator=(const StreamPublisher&) = delete;

 private:
  void run();

  TaxiService& service_;
  HttpServer& server_;
  const double interval_s_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bitgoeul::taxi_service
