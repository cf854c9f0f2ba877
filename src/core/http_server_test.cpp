#include "core/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace bitgoeul {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// Sends raw bytes and reads until the server closes or `responses` complete responses have arrived.
std::string exchange(uint16_t port, const std::string& bytes, int responses = 1) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(bytes));
  std::string received;
  char chunk[4096];
  boost::system::error_code error;
  while (true) {
    const size_t n = socket.read_some(asio::buffer(chunk), error);
    received.append(chunk, n);
    if (error) break;
    // Count complete responses by their status lines and bodies (Content-Length).
    int complete = 0;
    size_t at = 0;
    while (true) {
      const size_t head_end = received.find("\r\n\r\n", at);
      if (head_end == std::string::npos) break;
      const size_t length_at = received.find("Content-Length: ", at);
      const size_t length = length_at < head_end ? std::stoul(received.substr(length_at + 16)) : 0;
      if (received.size() < head_end + 4 + length) break;
      ++complete;
      at = head_end + 4 + length;
    }
    if (complete >= responses) break;
  }
  return received;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.port = 0;
    options.max_body_bytes = 1000;
    options.max_header_bytes = 2000;
    options.threads = 2;
    auto server = HttpServer::start(options, [this](const HttpRequest& request) {
      ++calls_;
      if (request.path == "/boom") throw std::runtime_error("handler failed");
      if (request.path != "/echo") return HttpResponse::error(404, "no such path: " + request.path);
      std::string text = request.method + " " + request.path + " body=" + request.body + " token=" +
                         request.bearer_token();
      for (const auto& [key, value] : request.query) text += " " + key + "=" + value;
      return HttpResponse{200, "text/plain", text, {{"X-Test", "1"}}};
    });
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    server_ = std::move(*server);
  }
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> calls_{0};
};

TEST_F(HttpServerTest, AnswersWithTheHandlersResponse) {
  const std::string reply = exchange(server_->port(),
                                     "POST /echo?a=1&b=x%20y&c=p+q HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                                     "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
  EXPECT_NE(reply.find("HTTP/1.1 200 OK"), std::string::npos) << reply;
  EXPECT_NE(reply.find("X-Test: 1"), std::string::npos);
  EXPECT_NE(reply.find("POST /echo body=hello token=s3cret a=1 b=x y c=p q"), std::string::npos) << reply;
  EXPECT_NE(exchange(server_->port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("404"),
            std::string::npos);
}

TEST_F(HttpServerTest, KeepsTheConnectionForSeveralRequests) {
  const std::string reply = exchange(server_->port(),
                                     "GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo?n=2 HTTP/1.1\r\nHost: x\r\n\r\n", 2);
  EXPECT_NE(reply.find("n=1"), std::string::npos) << reply;
  EXPECT_NE(reply.find("n=2"), std::string::npos) << reply;
}

TEST_F(HttpServerTest, HostileRequestsGetA4xxAndNeverReachTheHandler) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'), "413"},
      {"GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'b') + "\r\n\r\n", "431"},
      {"THIS IS NOT HTTP\r\n\r\n", "400"},
      {"GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n", "400"},
      {"GET /echo?bad=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "400"},
      {"GET /echo%00%2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "400"},
  };
  for (const auto& [bytes, status] : cases) {
    const std::string reply = exchange(server_->port(), bytes);
    EXPECT_NE(reply.find("HTTP/1.1 " + status), std::string::npos) << bytes.substr(0, 60) << " -> " << reply;
  }
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerTest, AThrowingHandlerIsA500AndTheServerLivesOn) {
  EXPECT_NE(exchange(server_->port(), "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("500"),
            std::string::npos);
  EXPECT_NE(exchange(server_->port(), "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("200"),
            std::string::npos);
}

TEST(HttpServer, ABusyPortIsANamedError) {
  auto first = HttpServer::start({.port = 0}, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(first.is_ok());
  HttpServerOptions same;
  same.port = (*first)->port();
  auto second = HttpServer::start(same, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos);
  EXPECT_FALSE(HttpServer::start({.address = "not-an-address"}, [](const HttpRequest&) { return HttpResponse{}; }).is_ok());
}

// WebSocket push: tokens "alpha" and "beta" are accepted (tagged with the token) on /stream, from the
// Authorization header or ?token=; anything else is refused with 401.
class WebSocketTest : public ::testing::Test {
 protected:
  void start(size_t max_queued = 256, size_t max_connections = 1000) {
    HttpServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.websocket.paths = {"/stream"};
    options.websocket.max_queued_messages = max_queued;
    options.websocket.max_connections = max_connections;
    options.websocket.max_incoming_bytes = 1000;
    options.websocket.authorize = [](const HttpRequest& request) {
      std::string token = request.bearer_token();
      if (token.empty() && request.query.count("token")) token = request.query.at("token");
      if (token == "alpha" || token == "beta") return WebSocketDecision::accept(token);
      return WebSocketDecision::refuse(401, "missing or unknown token");
    };
    auto server = HttpServer::start(options, [](const HttpRequest&) { return HttpResponse::json("{}"); });
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    server_ = std::move(*server);
  }

  struct Client {
    asio::io_context io;
    websocket::stream<tcp::socket> ws{io};
  };

  // Connects and upgrades; the handshake's error (refused upgrades are an error) in `error`.
  std::unique_ptr<Client> connect(const std::string& target, const std::string& bearer, beast::error_code& error,
                                  int receive_buffer = 0) {
    auto client = std::make_unique<Client>();
    auto& socket = client->ws.next_layer();
    socket.open(tcp::v4());
    if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    client->ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& request) {
      if (!bearer.empty()) request.set(beast::http::field::authorization, "Bearer " + bearer);
    }));
    client->ws.handshake("127.0.0.1", target, error);
    return client;
  }

  std::unique_ptr<Client> connect_ok(const std::string& target, const std::string& bearer, int receive_buffer = 0) {
    beast::error_code error;
    auto client = connect(target, bearer, error, receive_buffer);
    EXPECT_FALSE(error) << error.message();
    return client;
  }

  // Waits (bounded) until the server counts `n` open connections.
  bool wait_for_count(size_t n) {
    for (int i = 0; i < 500 && server_->websocket_count() != n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return server_->websocket_count() == n;
  }

  static std::string read_text(Client& client) {
    beast::flat_buffer buffer;
    client.ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebSocketTest, UpgradesWithATokenInTheHeaderOrTheQueryAndRefusesOthers) {
  start();
  auto by_header = connect_ok("/stream", "alpha");
  auto by_query = connect_ok("/stream?token=beta", "");
  EXPECT_TRUE(wait_for_count(2));
  for (const std::string target : {"/stream", "/stream?token=gamma"}) {
    beast::error_code error;
    connect(target, target == "/stream" ? "wrong" : "", error);
    EXPECT_EQ(error, websocket::error::upgrade_declined) << target;
  }
  const std::string refused = exchange(server_->port(),
                                       "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                                       "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  EXPECT_NE(refused.find("HTTP/1.1 401"), std::string::npos) << refused;
  EXPECT_NE(refused.find("missing or unknown token"), std::string::npos) << refused;
  const std::string plain = exchange(server_->port(), "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(plain.find("HTTP/1.1 426"), std::string::npos) << plain;
  EXPECT_TRUE(wait_for_count(2));
}

TEST_F(WebSocketTest, BroadcastReachesTheConnectionsItsFilterAccepts) {
  start();
  auto alpha = connect_ok("/stream", "alpha");
  auto beta = connect_ok("/stream", "beta");
  ASSERT_TRUE(wait_for_count(2));
  EXPECT_EQ(server_->broadcast("only alpha", [](const std::string& tag) { return tag == "alpha"; }), 1u);
  EXPECT_EQ(server_->broadcast("{\"to\":\"all\"}"), 2u);
  EXPECT_EQ(read_text(*alpha), "only alpha");
  EXPECT_EQ(read_text(*alpha), "{\"to\":\"all\"}");
  EXPECT_EQ(read_text(*beta), "{\"to\":\"all\"}");  // never saw alpha's message
  EXPECT_TRUE(alpha->ws.got_text());
  alpha->ws.close(websocket::close_code::normal);
  EXPECT_TRUE(wait_for_count(1));
  EXPECT_EQ(server_->broadcast("after close"), 1u);
  EXPECT_EQ(read_text(*beta), "after close");
}

TEST_F(WebSocketTest, ASlowClientIsDroppedAndTheOthersKeepReceiving) {
  start(/*max_queued=*/4);
  auto slow = connect_ok("/stream", "alpha", /*receive_buffer=*/4096);  // never reads
  auto fast = connect_ok("/stream", "beta");
  ASSERT_TRUE(wait_for_count(2));
  const std::string big(256 * 1024, 'x');
  int sent = 0;
  for (; sent < 2000 && server_->websockets_dropped() == 0; ++sent) {
    server_->broadcast(big + std::to_string(sent));
    ASSERT_EQ(read_text(*fast), big + std::to_string(sent));
  }
  EXPECT_EQ(server_->websockets_dropped(), 1u) << "after " << sent << " messages";
  EXPECT_TRUE(wait_for_count(1));
  EXPECT_EQ(server_->broadcast("still here"), 1u);
  EXPECT_EQ(read_text(*fast), "still here");
}

TEST_F(WebSocketTest, HostileFramesCloseTheirConnectionOnly) {
  start();
  auto bystander = connect_ok("/stream", "beta");
  // Small messages are read and ignored.
  auto chatty = connect_ok("/stream", "alpha");
  for (int i = 0; i < 20; ++i) chatty->ws.write(asio::buffer(std::string("hello")));
  // A message over max_incoming_bytes closes the connection: the server sends close 1009 and hangs up without
  // reading the rest (Beast 1.74's teardown), so the client sees the close frame or a reset, whichever comes first.
  auto big = connect_ok("/stream", "alpha");
  beast::error_code error;
  big->ws.write(asio::buffer(std::string(5000, 'z')), error);
  beast::flat_buffer buffer;
  if (!error) big->ws.read(buffer, error);
  EXPECT_TRUE(error == websocket::error::closed || error == asio::error::connection_reset ||
              error == asio::error::broken_pipe || error == asio::error::eof || error == asio::error::not_connected)
      << error.message();
  if (error == websocket::error::closed) {
    EXPECT_EQ(big->ws.reason().code, websocket::close_code::too_big);
  }
  // Bytes that are not a masked client frame close the connection.
  auto garbage = connect_ok("/stream", "alpha");
  error = {};
  asio::write(garbage->ws.next_layer(), asio::buffer(std::string("\x81\x05hello not masked, then junk", 30)), error);
  char sink[256];
  size_t total = 0;
  while (!error && total < 100000) total += garbage->ws.next_layer().read_some(asio::buffer(sink), error);
  EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset) << error.message();
  garbage->ws.next_layer().close(error);  // the server waits for the client's end of the stream (at most 10 s)
  big->ws.next_layer().close(error);
  EXPECT_TRUE(wait_for_count(2)) << server_->websocket_count();  // bystander and chatty
  EXPECT_EQ(server_->broadcast("ping all"), 2u);
  EXPECT_EQ(read_text(*bystander), "ping all");
  EXPECT_EQ(read_text(*chatty), "ping all");
}

TEST_F(WebSocketTest, TooManyConnectionsAre503) {
  start(256, /*max_connections=*/1);
  auto first = connect_ok("/stream", "alpha");
  ASSERT_TRUE(wait_for_count(1));
  beast::error_code error;
  connect("/stream", "beta", error);
  EXPECT_EQ(error, websocket::error::upgrade_declined);
  const std::string reply = exchange(server_->port(),
                                     "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                     "Authorization: Bearer beta\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 503"), std::string::npos) << reply;
}

TEST(WebSocketOptions, PathsWithoutAnAuthorizerAreRefused) {
  HttpServerOptions options;
  options.port = 0;
  options.websocket.paths = {"/stream"};
  EXPECT_FALSE(HttpServer::start(options, [](const HttpRequest&) { return HttpResponse{}; }).is_ok());
}

TEST(PercentDecode, Escapes) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%20b%2Fc", false, out));
  EXPECT_EQ(out, "a b/c");
  EXPECT_FALSE(percent_decode("a%2", false, out));
  EXPECT_FALSE(percent_decode("%g0", false, out));
  EXPECT_TRUE(percent_decode("x+y", true, out));
  EXPECT_EQ(out, "x y");
}

}  // namespace
}  // namespace bitgoeul
