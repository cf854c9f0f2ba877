// The dispatch service's API as a specification, called in-process on the pilot map under its permit, on a
// simulated clock: Wednesday 2026-11-25 in Seoul.

#include "taxi_service/service.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/token.h"
#include "taxi/rules/permit.h"
#include "taxi_service/testing.h"

namespace bitgoeul::taxi_service {
namespace {

using nlohmann::json;

using testing::seoul;

class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_service_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "access.toml") << "[[token]]\nrole = \"rider\"\nid = \"r1\"\nsha256 = \"" << *token_hash("rider-token")
                                       << "\"\n[[token]]\nrole = \"regulator\"\nid = \"molit\"\nsha256 = \""
                                       << *token_hash("regulator-token") << "\"\n[[token]]\nrole = \"vehicle\"\nid = \"v1\"\n"
                                       << "sha256 = \"" << *token_hash("vehicle-token") << "\"\n";
    ServiceOptions options;
    options.map = std::string(BITGOEUL_SHARED_DATA_DIR) + "/osm/asanH.clean.osm";
    options.permit = std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/permits/songpa-pilot/permit.toml";
    options.access = (dir / "access.toml").string();
    clock_ = new SimulatedClock(seoul(8, 0));
    auto service = TaxiService::create(options, *clock_);
    ASSERT_TRUE(service.is_ok()) << service.status().to_string();
    service_ = service->release();
  }
  static void TearDownTestSuite() {
    delete service_;
    delete clock_;
  }

  static HttpResponse call(const std::string& method, const std::string& path, const std::string& token = "",
                           const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.body = body;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return service_->handle(request);
  }
  static json quote(const std::string& body, int expected_status = 200) {
    const HttpResponse response = call("POST", "/api/v1/quote", "rider-token", body);
    EXPECT_EQ(response.status, expected_status) << body << " -> " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  static inline SimulatedClock* clock_ = nullptr;
  static inline TaxiService* service_ = nullptr;
};

TEST_F(ServiceTest, HealthAndMetricsNeedNoToken) {
  EXPECT_EQ(call("GET", "/health").status, 200);
  const HttpResponse metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("bitgoeul_http_responses_total{route=\"/health\",status=\"200\"} "), std::string::npos);
  EXPECT_NE(metrics.body.find("bitgoeul_permitted_road_km "), std::string::npos);
}

TEST_F(ServiceTest, EveryOtherCallNeedsAValidTokenOfAnAllowedRole) {
  EXPECT_EQ(call("GET", "/api/v1/permit").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/permit", "wrong-token").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/permit", "regulator-token").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/quote", "regulator-token", "{}").status, 403);  // reads, never acts
  EXPECT_EQ(call("POST", "/api/v1/quote", "vehicle-token", "{}").status, 403);
  EXPECT_EQ(call("GET", "/api/v1/quote", "rider-token").status, 405);
  EXPECT_EQ(call("GET", "/api/v1/nothing", "rider-token").status, 404);
}

// GET /api/v1/whoami: any valid token learns its role, its id and the actions the role may take (access.h's table,
// in its order); it needs no store.
TEST_F(ServiceTest, WhoamiNamesTheTokensRoleAndWhatItMayDo) {
  HttpResponse response = call("GET", "/api/v1/whoami", "rider-token");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(json::parse(response.body),
            json({{"role", "rider"},
                  {"id", "r1"},
                  {"may", {"view_network", "view_permit", "quote", "request_ride", "view_ride", "cancel_ride"}}}));
  EXPECT_EQ(json::parse(call("GET", "/api/v1/whoami", "regulator-token").body),
            json({{"role", "regulator"},
                  {"id", "molit"},
                  {"may", {"view_network", "view_permit", "view_assignment", "view_ride", "view_fleet", "view_kpis",
                           "read_audit", "read_report"}}}));
  EXPECT_EQ(json::parse(call("GET", "/api/v1/whoami", "vehicle-token").body)["may"],
            json({"view_network", "view_permit", "register_vehicle", "send_telemetry", "view_assignment", "confirm_stop",
                  "report_incident"}));
  // A query changes nothing.
  HttpRequest asking;
  asking.method = "GET";
  asking.path = "/api/v1/whoami";
  asking.target = "/api/v1/whoami?role=operator&id=ops";
  asking.query = {{"role", "operator"}, {"id", "ops"}};
  asking.headers["authorization"] = "Bearer rider-token";
  EXPECT_EQ(service_->handle(asking).body, response.body);
}

TEST_F(ServiceTest, WhoamiRefusesHostileTokensWithoutSayingAnything) {
  // The stored SHA-256 is no token; neither is a token with something around it.
  for (const std::string& token :
       {std::string("wrong-token"), *token_hash("rider-token"), std::string("rider-token "), std::string(" rider-token"),
        std::string("rider-token\r\nX-Role: operator"), std::string("rider-token\0", 12), std::string("RIDER-TOKEN"),
        std::string(100000, 'r'), std::string("\xff\xfe\x80"), std::string("Bearer rider-token"), std::string(257, 'a')}) {
    const HttpResponse response = call("GET", "/api/v1/whoami", token);
    EXPECT_EQ(response.status, 401) << token.substr(0, 40);
    const json body = json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << response.body.substr(0, 80);
    EXPECT_EQ(body.size(), 1u);
    EXPECT_TRUE(body.contains("error"));
  }
  EXPECT_EQ(call("GET", "/api/v1/whoami").status, 401);
  for (const char* scheme : {"Basic rider-token", "bearer rider-token", "Bearer", "Bearer ", "rider-token"}) {
    HttpRequest request;
    request.method = "GET";
    request.path = request.target = "/api/v1/whoami";
    request.headers["authorization"] = scheme;
    EXPECT_EQ(service_->handle(request).status, 401) << scheme;
  }
  EXPECT_EQ(call("POST", "/api/v1/whoami", "rider-token", R"({"role":"operator"})").status, 405);
  EXPECT_EQ(call("DELETE", "/api/v1/whoami", "rider-token").status, 405);
  EXPECT_EQ(call("GET", "/api/v1/whoami/operator", "rider-token").status, 404);
}

TEST_F(ServiceTest, TheNetworkIsThePermittedRoads) {
  const HttpResponse response = call("GET", "/api/v1/network", "rider-token");
  ASSERT_EQ(response.status, 200);
  const json network = json::parse(response.body);
  EXPECT_EQ(network["type"], "FeatureCollection");
  EXPECT_EQ(network["features"].size(), 945u);  // as `taxi permit check --map` counts them
}

TEST_F(ServiceTest, ThePermitsStateFollowsTheClock) {
  clock_->set(seoul(8, 0));
  json state = json::parse(call("GET", "/api/v1/permit", "rider-token").body);
  EXPECT_EQ(state["day"], "2026-11-25");
  EXPECT_EQ(state["day_type"], "weekday");
  EXPECT_EQ(state["open"], true);
  EXPECT_TRUE(state["suspension"].is_null());
  EXPECT_EQ(state["zones"]["features"].size(), 2u);
  clock_->set(seoul(8, 35));
  state = json::parse(call("GET", "/api/v1/permit", "rider-token").body);
  EXPECT_EQ(state["open"], false);
  EXPECT_EQ(state["suspension"], "heavy rain advisory");
  clock_->set(seoul(8, 0));
}

TEST_F(ServiceTest, QuotesAreJudgedByThePermit) {
  clock_->set(seoul(8, 0));
  const std::string inside = R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5249,"lon":127.1098}})";
  json ok = quote(inside);
  EXPECT_EQ(ok["admitted"], true) << ok.dump();
  EXPECT_EQ(ok["pickup_stop"]["id"], "S14");
  EXPECT_EQ(ok["dropoff_stop"]["id"], "S44");
  EXPECT_GT(ok["direct_time_s"].get<double>(), 60.0);
  EXPECT_DOUBLE_EQ(ok["latest_pickup_local_s"].get<double>(), 8 * 3600.0 + 600.0);
  json outside = quote(R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5380,"lon":127.1300}})");
  EXPECT_EQ(outside["admitted"], false);
  EXPECT_EQ(outside["reason"], "permit_area");
  clock_->set(seoul(8, 40));
  EXPECT_EQ(quote(inside)["reason"], "permit_suspension");
  clock_->set(seoul(23, 0));
  EXPECT_EQ(quote(inside)["reason"], "permit_hours");
  clock_->set(seoul(8, 0));
}

TEST_F(ServiceTest, HostileBodiesGetA400AndChangeNothing) {
  for (const std::string& body : {
           std::string("not json"),
           std::string("[1,2]"),
           std::string(R"({"origin":{"lat":37.51,"lon":127.11}})"),
           std::string(R"({"origin":{"lat":"37.51","lon":127.11},"destination":{"lat":37.52,"lon":127.11}})"),
           std::string(R"({"origin":{"lat":1e308,"lon":127.11},"destination":{"lat":37.52,"lon":127.11}})"),
           std::string(R"({"origin":{"lat":37.51,"lon":127.11},"destination":{"lat":37.52,"lon":-500}})"),
           std::string(R"({"origin":{"lat":37.51,"lon":127.11},"destination":{"lat":37.52,"lon":127.11},"passengers":0})"),
           std::string(R"({"origin":{"lat":37.51,"lon":127.11},"destination":{"lat":37.52,"lon":127.11},"passengers":2.5})"),
           std::string(R"({"origin":{"lat":37.51,"lon":127.11},"destination":{"lat":37.52,"lon":127.11},"passengers":99})"),
           std::string("{\"origin\":\"\xff\xfe\"}"),
           std::string(200000, '['),
       }) {
    const json reply = quote(body, 400);
    EXPECT_TRUE(reply.contains("error")) << body.substr(0, 80);
  }
}

}  // namespace
}  // namespace bitgoeul::taxi_service
