#include "core/http_server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace bitgoeul {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool split_target(const std::string& target, HttpRequest& request) {
  const size_t question = target.find('?');
  if (!percent_decode(std::string_view(target).substr(0, question), false, request.path)) return false;
  if (request.path.empty() || request.path.front() != '/') return false;
  if (question == std::string::npos) return true;
  std::string_view rest = std::string_view(target).substr(question + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t equals = pair.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(pair.substr(0, equals), true, key)) return false;
    if (equals != std::string_view::npos && !percent_decode(pair.substr(equals + 1), true, value)) return false;
    if (!key.empty()) request.query[key] = value;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return true;
}

http::response<http::string_body> to_beast(const HttpResponse& response, unsigned version, bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "bitgoeul");
  out.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.body() = response.body;
  out.prepare_payload();
  return out;
}

class WebSocketSession;

// The open WebSocket connections, for broadcast. Sessions register themselves and leave on close or destruction.
struct WebSocketRegistry {
  explicit WebSocketRegistry(const WebSocketOptions& websocket_options) : options(websocket_options) {}
  const WebSocketOptions& options;
  mutable std::mutex mutex;
  std::unordered_map<const WebSocketSession*, std::weak_ptr<WebSocketSession>> open;
  std::atomic<uint64_t> dropped{0};

  void add(const WebSocketSession* session, std::weak_ptr<WebSocketSession> weak) {
    std::lock_guard lock(mutex);
    open.emplace(session, std::move(weak));
  }
  void remove(const WebSocketSession* session) {
    std::lock_guard lock(mutex);
    open.erase(session);
  }
  size_t size() const {
    std::lock_guard lock(mutex);
    return open.size();
  }
};

// One upgraded connection. Everything but push() runs on the connection's strand; push() may be called from any
// thread and only posts to it.
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream stream, WebSocketRegistry& registry, std::string tag)
      : ws_(std::move(stream)), registry_(registry), tag_(std::move(tag)) {}
  ~WebSocketSession() { registry_.remove(this); }

  const std::string& tag() const { return tag_; }

  // REQUIRES: called once, on the strand, right after construction.
  void start(http::request<http::string_body> request) {
    registry_.add(this, weak_from_this());
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timeouts
    auto timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.handshake_timeout = std::chrono::seconds(10);
    timeout.idle_timeout = std::chrono::milliseconds(static_cast<int64_t>(registry_.options.idle_timeout_s * 1000));
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, "bitgoeul"); }));
    ws_.read_message_max(registry_.options.max_incoming_bytes);
    ws_.text(true);
    ws_.auto_fragment(false);  // one frame per message: clients see whole messages without reassembly
    auto shared_request = std::make_shared<http::request<http::string_body>>(std::move(request));
    ws_.async_accept(*shared_request, [self = shared_from_this(), shared_request](beast::error_code error) {
      if (error) return self->finish();
      self->accepted_ = true;
      self->read();
      self->write_next();
    });
  }

  // Queues `message`; false (and the connection is dropped) when its queue is full. Thread-safe.
  bool push(const std::shared_ptr<const std::string>& message) {
    if (queued_.fetch_add(1) >= registry_.options.max_queued_messages) {
      queued_.fetch_sub(1);
      if (!dropping_.exchange(true)) {
        registry_.dropped.fetch_add(1);
        registry_.remove(this);
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->finish(); });
      }
      return false;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this(), message] {
      if (self->finished_) {
        self->queued_.fetch_sub(1);
        return;
      }
      self->queue_.push_back(message);
      self->write_next();
    });
    return true;
  }

 private:
  // Client messages mean nothing here: read (so that pings, pongs and close frames are handled) and discard.
  void read() {
    ws_.async_read(incoming_, [self = shared_from_this()](beast::error_code error, size_t) {
      if (error) return self->finish();
      self->incoming_.clear();
      self->read();
    });
  }

  void write_next() {
    if (!accepted_ || finished_ || writing_ || queue_.empty()) return;
    writing_ = true;
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code error, size_t) {
      self->writing_ = false;
      self->queue_.pop_front();
      self->queued_.fetch_sub(1);
      if (error) return self->finish();
      self->write_next();
    });
  }

  // Closes the socket (pending operations end with operation_aborted) and leaves the registry.
  void finish() {
    if (finished_) return;
    finished_ = true;
    registry_.remove(this);
    queued_.fetch_sub(queue_.size() - (writing_ ? 1 : 0));
    if (writing_) {
      queue_.erase(queue_.begin() + 1, queue_.end());
    } else {
      queue_.clear();
    }
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  WebSocketRegistry& registry_;
  const std::string tag_;
  beast::flat_buffer incoming_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // front: being written when writing_
  std::atomic<size_t> queued_{0};  // messages pushed and not yet written or discarded
  std::atomic<bool> dropping_{false};
  bool accepted_ = false;
  bool writing_ = false;
  bool finished_ = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServerOptions& options, const HttpHandler& handler,
          WebSocketRegistry& websockets)
      : stream_(std::move(socket)), options_(options), handler_(handler), websockets_(websockets) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    stream_.expires_after(std::chrono::milliseconds(static_cast<int64_t>(options_.read_timeout_s * 1000)));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout || error == asio::error::operation_aborted ||
        error == asio::error::connection_reset || error == asio::error::eof) {
      return close();
    }
    if (error == http::error::body_limit) return reply_and_close(HttpResponse::error(413, "request body too large"));
    if (error == http::error::header_limit) return reply_and_close(HttpResponse::error(431, "request headers too large"));
    if (error) return reply_and_close(HttpResponse::error(400, "malformed HTTP request: " + error.message()));
    const auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.body = message.body();
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    beast::error_code ignored;
    const auto endpoint = stream_.socket().remote_endpoint(ignored);
    if (!ignored) request.remote_address = endpoint.address().to_string();
    HttpResponse response;
    const auto& websocket_paths = options_.websocket.paths;
    if (!split_target(request.target, request)) {
      response = HttpResponse::error(400, "malformed request target");
    } else if (std::find(websocket_paths.begin(), websocket_paths.end(), request.path) != websocket_paths.end()) {
      if (!websocket::is_upgrade(message)) {
        response = HttpResponse::error(426, "this path is a WebSocket: send an upgrade request");
        response.headers.emplace_back("Upgrade", "websocket");
      } else if (websockets_.size() >= options_.websocket.max_connections) {
        response = HttpResponse::error(503, "too many WebSocket connections");
      } else {
        WebSocketDecision decision;
        try {
          decision = options_.websocket.authorize(request);
        } catch (const std::exception& exception) {
          decision = WebSocketDecision::refuse(500, std::string("internal error: ") + exception.what());
        } catch (...) {
          decision = WebSocketDecision::refuse(500, "internal error");
        }
        if (decision.accepted) {
          stream_.expires_never();
          auto upgraded = std::make_shared<WebSocketSession>(std::move(stream_), websockets_, std::move(decision.tag));
          upgraded->start(parser_->release());
          return;
        }
        response = std::move(decision.refusal);
      }
    } else {
      try {
        response = handler_(request);
      } catch (const std::exception& exception) {
        response = HttpResponse::error(500, std::string("internal error: ") + exception.what());
      } catch (...) {
        response = HttpResponse::error(500, "internal error");
      }
    }
    write(to_beast(response, message.version(), message.keep_alive()));
  }

  void write(http::response<http::string_body> response) {
    auto shared = std::make_shared<http::response<http::string_body>>(std::move(response));
    const bool keep_alive = shared->keep_alive();
    http::async_write(stream_, *shared, [self = shared_from_this(), shared, keep_alive](beast::error_code error, size_t) {
      if (error || !keep_alive) return self->close();
      self->read();
    });
  }

  void reply_and_close(const HttpResponse& response) {
    auto beast_response = to_beast(response, 11, false);
    write(std::move(beast_response));
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  const HttpHandler& handler_;
  WebSocketRegistry& websockets_;
};

}  // namespace

const std::string& HttpRequest::header(const std::string& lower_case_name) const {
  static const std::string kEmpty;
  const auto found = headers.find(lower_case_name);
  return found == headers.end() ? kEmpty : found->second;
}

std::string HttpRequest::bearer_token() const {
  const std::string& value = header("authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size() || value.compare(0, kScheme.size(), kScheme) != 0) return {};
  return value.substr(kScheme.size());
}

HttpResponse HttpResponse::error(int status, const std::string& message) {
  return {status, "application/json", nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                                                nlohmann::json::error_handler_t::replace),
          {}};
}

HttpResponse HttpResponse::json(const std::string& body, int status) { return {status, "application/json", body, {}}; }

bool percent_decode(std::string_view text, bool plus_is_space, std::string& decoded) {
  decoded.clear();
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;  // two hex digits must follow
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return false;
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      decoded += ' ';
    } else {
      decoded += c;
    }
  }
  return true;
}

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  WebSocketRegistry websockets{options.websocket};  // before io: sessions leave it when io's handlers are destroyed
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
  uint16_t port = 0;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
      if (error) {
        if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
      } else {
        std::make_shared<Session>(std::move(socket), options, handler, websockets)->start();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options, HttpHandler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  if (!options.websocket.paths.empty() && !options.websocket.authorize) {
    return invalid_input("WebSocket paths given without an authorizer");
  }
  beast::error_code error;
  const auto address = asio::ip::make_address(options.address, error);
  if (error) return invalid_input("listen address '{}': {}", options.address, error.message());
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), error);
  if (!error) impl->acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) impl->acceptor.bind(endpoint, error);
  if (!error) impl->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return io_error("cannot listen on {}:{}: {}", options.address, options.port, error.message());
  impl->port = impl->acceptor.local_endpoint().port();
  impl->accept();
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    impl->threads.emplace_back([raw = impl.get()] { raw->io.run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port; }

size_t HttpServer::broadcast(const std::string& text, const std::function<bool(const std::string& tag)>& filter) {
  std::vector<std::shared_ptr<WebSocketSession>> targets;
  {
    std::lock_guard lock(impl_->websockets.mutex);
    targets.reserve(impl_->websockets.open.size());
    for (const auto& [raw, weak] : impl_->websockets.open) {
      if (auto session = weak.lock(); session && (!filter || filter(session->tag()))) targets.push_back(std::move(session));
    }
  }
  if (targets.empty()) return 0;
  const auto message = std::make_shared<const std::string>(text);
  size_t queued = 0;
  for (const auto& session : targets) queued += session->push(message) ? 1 : 0;
  return queued;
}

size_t HttpServer::websocket_count() const { return impl_->websockets.size(); }

uint64_t HttpServer::websockets_dropped() const { return impl_->websockets.dropped.load(); }

void HttpServer::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  asio::post(impl_->io, [raw = impl_.get()] {
    beast::error_code ignored;
    raw->acceptor.close(ignored);
  });
  impl_->io.stop();
  for (std::thread& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace bitgoeul
