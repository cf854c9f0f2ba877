#pragma once
// A small HTTP/1.1 server (Boost.Beast) for the live services — the robotaxi dispatch service and the NPU center
// front door. It parses, enforces limits and keeps connections; what a request means is the handler's business.
// Limits are part of the contract: a body over max_body_bytes gets 413, a malformed request 400, a slow client is
// cut after read_timeout_s; none of them reaches the handler.
//
// WebSocket push (optional): upgrade requests on chosen paths are judged by an authorizer that tags each accepted
// connection; broadcast() then sends text messages to the connections whose tag a filter accepts. Pushing never
// blocks: each connection has a bounded send queue and a client that does not keep up is dropped. Clients are not
// expected to send anything: their messages are read and discarded, one larger than max_incoming_bytes (or a
// protocol violation) closes the connection. Pings keep idle connections alive and find dead ones.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace bitgoeul {

struct HttpRequest {
  std::string method;                         // GET, POST, ...
  std::string target;                         // as sent: path and query
  std::string path;                           // percent-decoded, without the query
  std::map<std::string, std::string> query;   // percent-decoded; a repeated key keeps its last value
  std::map<std::string, std::string> headers; // names in lower case
  std::string body;
  std::string remote_address;

  // The header's value, or "" when absent.
  const std::string& header(const std::string& lower_case_name) const;
  // The token of "Authorization: Bearer <token>", or "" when there is none.
  std::string bearer_token() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // {"error": message} with `status`.
  static HttpResponse error(int status, const std::string& message);
  static HttpResponse json(const std::string& body, int status = 200);
};

// Called on a server thread; must be thread-safe when threads > 1. An exception thrown by the handler becomes a 500
// (and never takes the server down).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// What an authorizer decides about a WebSocket upgrade request.
struct WebSocketDecision {
  bool accepted = false;
  std::string tag;       // accepted: the connection's tag, given to broadcast filters (e.g. "vehicle:v17")
  HttpResponse refusal;  // refused: the response sent instead of the upgrade (e.g. 401)

  static WebSocketDecision accept(std::string tag) { return {true, std::move(tag), {}}; }
  static WebSocketDecision refuse(int status, const std::string& message) {
    return {false, {}, HttpResponse::error(status, message)};
  }
};

// Called on a server thread for each upgrade request on a WebSocket path; must be thread-safe. An exception is a 500.
using WebSocketAuthorizer = std::function<WebSocketDecision(const HttpRequest&)>;

struct WebSocketOptions {
  std::vector<std::string> paths;  // upgrades accepted on these paths; a plain request there gets 426
  WebSocketAuthorizer authorize;   // REQUIRES: set when paths is not empty
  size_t max_connections = 1000;   // more upgrades get 503
  size_t max_queued_messages = 256;  // per connection: one more pushed message drops the connection
  size_t max_incoming_bytes = 4096;  // a larger client message closes the connection (close code 1009)
  double idle_timeout_s = 30.0;      // a ping after half of it without traffic; closed when unanswered
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see HttpServer::port)
  int threads = 1;
  size_t max_body_bytes = size_t{1} << 20;
  size_t max_header_bytes = 16 * 1024;
  double read_timeout_s = 15.0;
  WebSocketOptions websocket = {};
};

class HttpServer {
 public:
  // Binds and starts serving on background threads. Errors: bad address, port in use.
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options, HttpHandler handler);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;

  // Sends `text` as one WebSocket text message to every open connection whose tag `filter` accepts (all when the
  // filter is empty). Thread-safe and never blocks: the message is queued per connection, and a connection whose
  // queue already holds max_queued_messages is closed instead. Returns the number of connections it was queued for.
  size_t broadcast(const std::string& text, const std::function<bool(const std::string& tag)>& filter = {});
  // Open WebSocket connections (accepted and not yet closed).
  size_t websocket_count() const;
  // Connections dropped so far because their send queue was full.
  uint64_t websockets_dropped() const;
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Percent-decodes `text` into `decoded` ('+' as space when `plus_is_space`); false on a malformed escape.
bool percent_decode(std::string_view text, bool plus_is_space, std::string& decoded);

}  // namespace bitgoeul
