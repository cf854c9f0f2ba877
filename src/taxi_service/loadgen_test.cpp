#include "taxi_service/loadgen.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/http_server.h"

namespace bitgoeul::taxi_service {
namespace {

using json = nlohmann::json;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / ("loadgen_test_" + name)).string();
  std::ofstream(path) << text;
  return path;
}

void expect_error(const Status& status, const std::string& needle) {
  ASSERT_FALSE(status.is_ok()) << "expected an error containing '" << needle << "'";
  EXPECT_NE(status.message().find(needle), std::string::npos) << status.message();
}

TEST(LoadgenUrl, AcceptsHttpHostPortOnly) {
  auto url = parse_http_url("http://127.0.0.1:8080/");
  ASSERT_TRUE(url.is_ok()) << url.status().to_string();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  for (const std::string bad : {"", "127.0.0.1:8080", "https://127.0.0.1:8080", "http://127.0.0.1", "http://:80",
                                "http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:80/api",
                                "http://127.0.0.1:8x", "http://a b:80", "http://127.0.0.1:99999999999999"}) {
    expect_error(parse_http_url(bad).status(), "--url: '" + bad + "'");
  }
}

TEST(LoadgenTokens, NeedsGatewayAndRiderAndNothingElse) {
  auto tokens = read_loadgen_tokens(write_temp("ok.toml", "gateway = \"g-123\"\nrider = \"r-456\"\n"));
  ASSERT_TRUE(tokens.is_ok()) << tokens.status().to_string();
  EXPECT_EQ(tokens->gateway, "g-123");
  EXPECT_EQ(tokens->rider, "r-456");
  expect_error(read_loadgen_tokens(write_temp("missing.toml", "gateway = \"g\"\n")).status(), "rider");
  expect_error(read_loadgen_tokens(write_temp("unknown.toml", "gateway = \"g\"\nrider = \"r\"\noperator = \"o\"\n")).status(),
               "operator");
  expect_error(read_loadgen_tokens(write_temp("empty.toml", "gateway = \"\"\nrider = \"r\"\n")).status(), "gateway");
  expect_error(read_loadgen_tokens(write_temp("space.toml", "gateway = \"g\"\nrider = \"r r\"\n")).status(), "rider");
  expect_error(read_loadgen_tokens(write_temp("type.toml", "gateway = 5\nrider = \"r\"\n")).status(), "gateway");
  expect_error(read_loadgen_tokens(write_temp("syntax.toml", "gateway = \n")).status(), "loadgen_test_syntax.toml");
  expect_error(read_loadgen_tokens("/nonexistent/tokens.toml").status(), "/nonexistent/tokens.toml");
}

TEST(LoadgenOptions, BadValuesNameTheirOption) {
  LoadgenOptions good;
  good.scenario = "s.toml";
  good.token_file = "t.toml";
  good.url = "http://127.0.0.1:1";
  EXPECT_TRUE(validate_loadgen_options(good).is_ok());
  const auto with = [&](auto change) {
    LoadgenOptions options = good;
    change(options);
    return validate_loadgen_options(options);
  };
  expect_error(with([](LoadgenOptions& o) { o.scenario.clear(); }), "--scenario");
  expect_error(with([](LoadgenOptions& o) { o.token_file.clear(); }), "--token-file");
  expect_error(with([](LoadgenOptions& o) { o.url = "ftp://x:1"; }), "--url");
  expect_error(with([](LoadgenOptions& o) { o.duration_s = 0; }), "--duration");
  expect_error(with([](LoadgenOptions& o) { o.duration_s = std::nan(""); }), "--duration");
  expect_error(with([](LoadgenOptions& o) { o.speedup = -1; }), "--speedup");
  expect_error(with([](LoadgenOptions& o) { o.speedup = 1e9; }), "--speedup");
  expect_error(with([](LoadgenOptions& o) { o.rate = -2; }), "--rate");
  expect_error(with([](LoadgenOptions& o) { o.rate = std::numeric_limits<double>::infinity(); }), "--rate");
  expect_error(with([](LoadgenOptions& o) { o.vehicles = 1000000; }), "--vehicles");
  expect_error(with([](LoadgenOptions& o) { o.telemetry_interval_s = 0; }), "--telemetry-interval");
  expect_error(with([](LoadgenOptions& o) { o.batch_size = 20000; }), "--batch");
  expect_error(with([](LoadgenOptions& o) { o.vehicle_connections = 0; }), "--connections");
}

TEST(LoadgenReplies, AssignmentBodiesAreCheckedFieldByField) {
  auto good = parse_assignment(
      R"({"vehicle":"v1","version":7,"stops":[{"ride":"r1","kind":"pickup","lat":35.15,"lon":126.85,"eta":1.0},)"
      R"({"ride":"r1","kind":"dropoff","lat":35.151,"lon":126.85}]})");
  ASSERT_TRUE(good.is_ok()) << good.status().to_string();
  EXPECT_EQ(good->version, 7u);
  ASSERT_EQ(good->stops.size(), 2u);
  EXPECT_TRUE(good->stops[0].pickup);
  EXPECT_FALSE(good->stops[1].pickup);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not json", "not a JSON object"},
      {"[]", "not a JSON object"},
      {R"({"stops":[]})", "'version'"},
      {R"({"version":-1,"stops":[]})", "'version'"},
      {R"({"version":1})", "'stops'"},
      {R"({"version":1,"stops":[5]})", "stops[0]: must be an object"},
      {R"({"version":1,"stops":[{"kind":"pickup","lat":1,"lon":1}]})", "stops[0]: 'ride'"},
      {R"({"version":1,"stops":[{"ride":"r","kind":"detour","lat":1,"lon":1}]})", "'kind' must be pickup or dropoff"},
      {R"({"version":1,"stops":[{"ride":"r","kind":"pickup","lat":"x","lon":1}]})", "'lat'"},
      {R"({"version":1,"stops":[{"ride":"r","kind":"pickup","lat":1,"lon":1e999}]})", "not a JSON object"},
      {R"({"version":1,"stops":[{"ride":"r","kind":"pickup","lat":91,"lon":1}]})", "out of range"},
  };
  for (const auto& [body, needle] : bad) expect_error(parse_assignment(body).status(), needle);
}

TEST(LoadgenReplies, RideBodiesAreCheckedFieldByField) {
  auto good = parse_ride_reply(R"({"id":"r9","status":"assigned","vehicle":"v3","rider":"u"})");
  ASSERT_TRUE(good.is_ok()) << good.status().to_string();
  EXPECT_EQ(good->id, "r9");
  EXPECT_EQ(good->vehicle, "v3");
  EXPECT_TRUE(parse_ride_reply(R"({"id":"r9","status":"rejected","reason":"outside"})").is_ok());
  expect_error(parse_ride_reply("{").status(), "not a JSON object");
  expect_error(parse_ride_reply(R"({"status":"assigned","vehicle":"v"})").status(), "'id'");
  expect_error(parse_ride_reply(R"({"id":"","status":"assigned","vehicle":"v"})").status(), "'id'");
  expect_error(parse_ride_reply(R"({"id":"r","status":3})").status(), "'status'");
  expect_error(parse_ride_reply(R"({"id":"r","status":"assigned","vehicle":4})").status(), "'vehicle'");
  expect_error(parse_ride_reply(R"({"id":"r","status":"assigned"})").status(), "without a 'vehicle'");
}

TEST(LoadgenFigures, NearestRankPercentiles) {
  std::vector<double> samples;
  for (int i = 100; i >= 1; --i) samples.push_back(i);
  const LatencySummary summary = summarize_latency(samples);
  EXPECT_EQ(summary.count, 100u);
  EXPECT_EQ(summary.p50_ms, 50);
  EXPECT_EQ(summary.p95_ms, 95);
  EXPECT_EQ(summary.p99_ms, 99);
  EXPECT_EQ(summary.max_ms, 100);
  std::vector<double> none;
  EXPECT_EQ(summarize_latency(none).count, 0u);
  std::vector<double> one{3.5};
  EXPECT_EQ(summarize_latency(one).p99_ms, 3.5);
}

// A scripted service on loopback: every vehicle registers, each ride is assigned to v1 with a pick-up and a drop-off
// on the crossroads map, every third ride answer is garbage (not acknowledged, so not journaled).
TEST(Loadgen, DrivesAScriptedServiceAndJournalsOnlyAcknowledgedRides) {
  std::mutex mutex;
  std::set<std::string> registered;
  std::vector<std::string> confirmed;
  std::atomic<int> rides{0}, telemetry_positions{0}, unauthorized{0};
  HttpServerOptions http;
  http.port = 0;
  http.threads = 2;
  auto server = HttpServer::start(http, [&](const HttpRequest& request) {
    const std::string token = request.bearer_token();
    const bool rider = token == "rider-token";
    if (token != "gateway-token" && !rider) {
      ++unauthorized;
      return HttpResponse::error(401, "unknown token");
    }
    const std::string& path = request.path;
    if (path == "/api/v1/rides" && request.method == "POST" && rider) {
      const int n = ++rides;
      if (n % 3 == 0) return HttpResponse::json("{\"garbage", 201);
      return HttpResponse::json(json{{"id", "r" + std::to_string(n)}, {"status", "assigned"}, {"vehicle", "v1"}}.dump(), 201);
    }
    if (rider) return HttpResponse::error(403, "riders only ride");
    if (path == "/api/v1/telemetry") {
      const json body = json::parse(request.body);
      telemetry_positions += static_cast<int>(body["positions"].size());
      return HttpResponse::json(json{{"accepted", body["positions"].size()}}.dump());
    }
    if (path.ends_with("/register")) {
      std::lock_guard lock(mutex);
      registered.insert(path);
      return HttpResponse::json("{\"vehicle\":{}}", 201);
    }
    if (path == "/api/v1/vehicles/v1/assignment") {
      std::lock_guard lock(mutex);
      json stops = json::array();
      if (confirmed.empty()) {
        stops.push_back({{"ride", "r1"}, {"kind", "pickup"}, {"lat", 35.1510}, {"lon", 126.8500}});
      }
      // The drop-off at the pick-up's place: both are reached in the same instant.
      if (confirmed.size() < 2) stops.push_back({{"ride", "r1"}, {"kind", "dropoff"}, {"lat", 35.1510}, {"lon", 126.8500}});
      return HttpResponse::json(json{{"vehicle", "v1"}, {"version", confirmed.size() + 1}, {"stops", stops}}.dump());
    }
    if (path.ends_with("/assignment")) return HttpResponse::json(R"({"vehicle":"x","version":0,"stops":[]})");
    if (path == "/api/v1/vehicles/v1/stops") {
      const std::string kind = json::parse(request.body)["kind"].get<std::string>();
      // A slow pick-up: a drop-off sent beside it on another connection would overtake it.
      if (kind == "pickup") std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::lock_guard lock(mutex);
      confirmed.push_back(kind);
      return HttpResponse::json("{}");
    }
    return HttpResponse::error(404, "unexpected " + request.method + " " + path);
  });
  ASSERT_TRUE(server.is_ok());

  const std::string map = std::string(BITGOEUL_SOURCE_DIR) + "/tests/fixtures/osm/crossroads.osm";
  LoadgenOptions options;
  options.scenario = write_temp("scenario.toml", "name = \"crossroads\"\nmap = \"" + map +
                                                     "\"\nseed = 3\nstart = \"08:00\"\nend = \"09:00\"\n"
                                                     "[demand]\nsource = \"roads\"\ntrips_per_day = 2000\nmin_trip_m = 50\n"
                                                     "[fleet]\nvehicles = 3\n");
  options.token_file = write_temp("tokens.toml", "gateway = \"gateway-token\"\nrider = \"rider-token\"\n");
  options.url = "http://127.0.0.1:" + std::to_string((*server)->port());
  options.duration_s = 1.5;
  options.speedup = 500;
  options.rate = 20;
  options.telemetry_interval_s = 0.1;
  options.journal = write_temp("journal.jsonl", "");
  options.out = write_temp("out.json", "");
  options.quiet = true;
  auto report = run_loadgen(options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();

  EXPECT_EQ(registered.size(), 3u);
  EXPECT_EQ(unauthorized.load(), 0);
  EXPECT_EQ(report->vehicles, 3u);
  EXPECT_EQ(report->position_updates, static_cast<uint64_t>(telemetry_positions.load()));
  EXPECT_GT(report->position_updates, 0u);
  // Journal: exactly the acknowledged, readable rides, each once.
  std::ifstream journal(options.journal);
  std::set<std::string> ids;
  std::string line;
  size_t lines = 0;
  while (std::getline(journal, line)) {
    ++lines;
    ids.insert(json::parse(line)["ride"].get<std::string>());
  }
  EXPECT_EQ(lines, ids.size());
  EXPECT_EQ(lines, report->ride_requests);
  EXPECT_EQ(report->rides_assigned, report->ride_requests);
  EXPECT_GT(report->ride_requests, 0u);
  EXPECT_EQ(report->errors.count("rides unreadable") ? report->errors.at("rides unreadable") : 0,
            static_cast<uint64_t>(rides.load() / 3));
  // v1 drove to its pick-up, then its drop-off, and confirmed each once, in order (one confirmation in flight).
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(confirmed.size(), 2u);
    EXPECT_EQ(confirmed[0], "pickup");
    EXPECT_EQ(confirmed[1], "dropoff");
  }
  EXPECT_EQ(report->stops_confirmed, 2u);
  // The figures file.
  std::ifstream out(options.out);
  const json figures = json::parse(out);
  EXPECT_EQ(figures["ride_requests"].get<uint64_t>(), report->ride_requests);
  EXPECT_TRUE(figures["latency"].contains("rides"));
  EXPECT_TRUE(figures["latency"].contains("telemetry"));
}

TEST(Loadgen, UnreadableInputsAreNamedErrorsBeforeAnyCall) {
  HttpServerOptions http;
  http.port = 0;
  auto server = HttpServer::start(http, [](const HttpRequest&) { return HttpResponse::error(401, "no"); });
  ASSERT_TRUE(server.is_ok());
  LoadgenOptions options;
  options.scenario = "/nonexistent/scenario.toml";
  options.token_file = write_temp("tokens2.toml", "gateway = \"g\"\nrider = \"r\"\n");
  options.url = "http://127.0.0.1:" + std::to_string((*server)->port());
  options.quiet = true;
  expect_error(run_loadgen(options).status(), "/nonexistent/scenario.toml");
  options.token_file = "/nonexistent/tokens.toml";
  expect_error(run_loadgen(options).status(), "/nonexistent/tokens.toml");
}

}  // namespace
}  // namespace bitgoeul::taxi_service
