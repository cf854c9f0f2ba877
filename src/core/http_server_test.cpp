#include "core/http_server.h"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace bitgoeul {
namespace {

namespace asio = boost::asio;
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
