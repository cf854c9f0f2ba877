// The live fleet part of the dispatch service as a specification, in-process on the pilot map under its permit, on
// a simulated clock (Wednesday 2026-11-25, 08:00 in Seoul): vehicles register and report, riders ask, the
// insertion dispatcher assigns, vehicles confirm stops, operators intervene, the regulator reads — and every refused
// call leaves the store exactly as it was. A service created again on the same store recovers the same state.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/audit_log.h"
#include "core/token.h"
#include "taxi/rules/permit.h"
#include "taxi_service/service.h"
#include "taxi_service/service_store.h"
#include "taxi_service/testing.h"

namespace bitgoeul::taxi_service {
namespace {

using nlohmann::json;

using testing::seoul;

// Inside the pilot zone: a ride from near stop S14 to near stop S44.
constexpr const char* kRide = R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5249,"lon":127.1098}})";

class LiveServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bitgoeul_live_service_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream access(dir_ / "access.toml");
    for (const auto& [role, id] : std::vector<std::pair<std::string, std::string>>{
             {"rider", "ann"}, {"rider", "bob"}, {"regulator", "molit"}, {"operator", "ops"}, {"vehicle", "v1"},
             {"vehicle", "v2"}, {"gateway", "gw"}}) {
      access << "[[token]]\nrole = \"" << role << "\"\nid = \"" << id << "\"\nsha256 = \"" << *token_hash(role + "-" + id)
             << "\"\n";
    }
    access.close();
    clock_.set(seoul(8, 0));
    start();
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start() {
    service_.reset();
    ServiceOptions options;
    options.map = std::string(BITGOEUL_SHARED_DATA_DIR) + "/osm/asanH.clean.osm";
    options.permit = std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/permits/songpa-pilot/permit.toml";
    options.access = (dir_ / "access.toml").string();
    options.db = (dir_ / "state.sqlite").string();
    auto created = TaxiService::create(options, clock_);
    ASSERT_TRUE(created.is_ok()) << created.status().to_string();
    service_ = std::move(created).value();
  }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& token = "",
                    const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    const size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      std::string rest = target.substr(question + 1);
      while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string pair = rest.substr(0, amp);
        const size_t eq = pair.find('=');
        request.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
      }
    }
    request.body = body;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return service_->handle(request);
  }
  // Calls and checks the status; returns the body as JSON (null when not JSON).
  json expect(int status, const std::string& method, const std::string& target, const std::string& token,
              const std::string& body = "") {
    const HttpResponse response = call(method, target, token, body);
    EXPECT_EQ(response.status, status) << method << " " << target << " " << body.substr(0, 200) << " -> " << response.body;
    return json::parse(response.body, nullptr, false);
  }
  std::string store_dump() {
    auto store = ServiceStore::open((dir_ / "state.sqlite").string());
    EXPECT_TRUE(store.is_ok());
    auto dump = (*store)->dump();
    EXPECT_TRUE(dump.is_ok());
    return dump.is_ok() ? *dump : "";
  }
  void register_vehicle(const std::string& id, double lat, double lon) {
    const json reply = expect(201, "POST", "/api/v1/vehicles/" + id + "/register", "operator-ops",
                              json{{"lat", lat}, {"lon", lon}}.dump());
    EXPECT_EQ(reply["vehicle"]["status"], "available");
  }
  // v1 (at its usual place) and v2 registered, then ann asks for kRide (r0) and it is assigned: the vehicle it went
  // to and the other one (the first is "" when the ride was not assigned, which fails the test).
  std::pair<std::string, std::string> two_vehicles_and_a_ride(double v2_lat, double v2_lon) {
    register_vehicle("v1", 37.5090, 127.1080);
    register_vehicle("v2", v2_lat, v2_lon);
    const json ride = expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
    EXPECT_EQ(ride["status"], "assigned") << ride.dump();
    const std::string vehicle = ride.value("vehicle", "");
    return {vehicle, vehicle == "v1" ? "v2" : "v1"};
  }
  // One position of a telemetry batch; lat and lon are JSON so that a test can send the wrong type. An empty status
  // is left out (the vehicle keeps its last).
  static json position(const std::string& vehicle, double time, json lat, json lon, const std::string& status = "available") {
    json item{{"vehicle", vehicle}, {"time", time}, {"lat", std::move(lat)}, {"lon", std::move(lon)}};
    if (!status.empty()) item["status"] = status;
    return item;
  }
  static std::string batch(const std::vector<json>& positions) { return json{{"positions", positions}}.dump(); }
  // POST /api/v1/telemetry as `token`, expecting `status`; the reply.
  json send_positions(int status, const std::string& token, const std::vector<json>& positions) {
    return expect(status, "POST", "/api/v1/telemetry", token, batch(positions));
  }

  std::filesystem::path dir_;
  SimulatedClock clock_{0};
  std::unique_ptr<TaxiService> service_;
};

TEST_F(LiveServiceTest, ARideFromRequestToDropOff) {
  const json vehicle = expect(201, "POST", "/api/v1/vehicles/v1/register", "vehicle-v1", R"({"lat":37.5090,"lon":127.1080,"capacity":3})");
  EXPECT_EQ(vehicle["vehicle"]["id"], "v1");
  EXPECT_EQ(vehicle["vehicle"]["capacity"], 3);

  // A quote says when a vehicle would come, and promises nothing: the ride asked next is still r0.
  const std::string before_quote = store_dump();
  const json quote = expect(200, "POST", "/api/v1/quote", "rider-ann", kRide);
  EXPECT_EQ(quote["admitted"], true);
  EXPECT_GE(quote["eta_pickup"].get<double>(), static_cast<double>(seoul(8, 0)));
  EXPECT_EQ(store_dump(), before_quote);

  const json ride = expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  ASSERT_EQ(ride["status"], "assigned") << ride.dump();
  EXPECT_EQ(ride["id"], "r0");
  EXPECT_DOUBLE_EQ(ride["eta_pickup"].get<double>(), quote["eta_pickup"].get<double>());
  EXPECT_DOUBLE_EQ(ride["eta_dropoff"].get<double>(), quote["eta_dropoff"].get<double>());
  EXPECT_EQ(ride["rider"], "ann");
  EXPECT_EQ(ride["vehicle"], "v1");
  EXPECT_EQ(ride["pickup_stop"], "S14");
  EXPECT_EQ(ride["dropoff_stop"], "S44");
  EXPECT_DOUBLE_EQ(ride["origin"]["lat"].get<double>(), 37.5100);  // moved to the designated stop
  EXPECT_GE(ride["eta_pickup"].get<double>(), static_cast<double>(seoul(8, 0)));
  EXPECT_GT(ride["eta_dropoff"].get<double>(), ride["eta_pickup"].get<double>());

  json assignment = expect(200, "GET", "/api/v1/vehicles/v1/assignment", "vehicle-v1");
  ASSERT_EQ(assignment["stops"].size(), 2u);
  EXPECT_EQ(assignment["stops"][0]["ride"], "r0");
  EXPECT_EQ(assignment["stops"][0]["kind"], "pickup");
  EXPECT_EQ(assignment["stops"][1]["kind"], "dropoff");
  EXPECT_EQ(assignment["version"], 1);

  clock_.advance(120);
  expect(409, "POST", "/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r0","kind":"dropoff"})");  // not aboard
  json done = expect(200, "POST", "/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r0","kind":"pickup"})");
  EXPECT_EQ(done["ride"]["status"], "onboard");
  EXPECT_DOUBLE_EQ(done["ride"]["picked_up"].get<double>(), static_cast<double>(seoul(8, 2)));
  EXPECT_EQ(done["assignment"]["stops"].size(), 1u);
  const std::string before_replay = store_dump();
  const json replay = expect(409, "POST", "/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r0","kind":"pickup"})");
  EXPECT_NE(replay["error"].get<std::string>().find("already confirmed"), std::string::npos);
  EXPECT_EQ(store_dump(), before_replay);

  clock_.advance(300);
  done = expect(200, "POST", "/api/v1/vehicles/v1/stops", "gateway-gw", R"({"ride":"r0","kind":"dropoff"})");
  EXPECT_EQ(done["ride"]["status"], "completed");
  EXPECT_TRUE(done["assignment"]["stops"].empty());
  expect(409, "DELETE", "/api/v1/rides/r0", "rider-ann");  // over: nothing to cancel

  const json got = expect(200, "GET", "/api/v1/rides/r0", "rider-ann");
  EXPECT_EQ(got["status"], "completed");
  const json kpis = expect(200, "GET", "/api/v1/kpis", "regulator-molit");
  EXPECT_EQ(kpis["rides_requested"], 1);
  EXPECT_EQ(kpis["rides_completed"], 1);
  EXPECT_EQ(kpis["vehicles_online"], 1);
  EXPECT_DOUBLE_EQ(kpis["wait_mean_s"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(kpis["service_rate"].get<double>(), 1.0);
  EXPECT_GE(kpis["history"].size(), 2u);  // one per minute seen
}

TEST_F(LiveServiceTest, ARideIsRefusedWithThePermitsReasonAndKeptAsAsked) {
  register_vehicle("v1", 37.5090, 127.1080);
  // Near stop S14, to a corner of the zone more than a kilometre from any stop.
  const json far = expect(201, "POST", "/api/v1/rides", "rider-ann",
                          R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5293,"lon":127.0921}})");
  EXPECT_EQ(far["status"], "rejected");
  EXPECT_EQ(far["reason"], "permit_no_stop_within_walk");
  EXPECT_EQ(far["pickup_stop"], "S14");
  EXPECT_FALSE(far.contains("dropoff_stop"));
  EXPECT_FALSE(far.contains("vehicle"));
  const json outside = expect(201, "POST", "/api/v1/rides", "rider-ann",
                              R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5380,"lon":127.1300}})");
  EXPECT_EQ(outside["reason"], "permit_area");
  EXPECT_FALSE(outside["rule"].get<std::string>().empty());
  clock_.set(seoul(23, 0));
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["reason"], "permit_hours");
  const json kpis = expect(200, "GET", "/api/v1/kpis", "operator-ops");
  EXPECT_EQ(kpis["rides_rejected"], 3);
  EXPECT_DOUBLE_EQ(kpis["service_rate"].get<double>(), 0.0);
}

TEST_F(LiveServiceTest, TheServiceRecoversEveryVehicleAndRideFromItsStore) {
  register_vehicle("v1", 37.5090, 127.1080);
  register_vehicle("v2", 37.5200, 127.1000);
  for (int i = 0; i < 3; ++i) expect(201, "POST", "/api/v1/rides", i == 2 ? "rider-bob" : "rider-ann", kRide);
  expect(201, "POST", "/api/v1/rides", "rider-ann",
         R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5380,"lon":127.1300}})");  // refused
  clock_.advance(60);
  const json first = expect(200, "GET", "/api/v1/rides/r0", "operator-ops");
  ASSERT_EQ(first["status"], "assigned");
  const std::string v = first["vehicle"];
  expect(200, "POST", "/api/v1/vehicles/" + v + "/stops", "gateway-gw", R"({"ride":"r0","kind":"pickup"})");
  expect(200, "DELETE", "/api/v1/rides/r1", "rider-ann");
  expect(201, "POST", "/api/v1/vehicles/v2/incidents", "vehicle-v2", R"({"kind":"disengagement","note":"cyclist"})");
  send_positions(200, "gateway-gw", {position("v1", static_cast<double>(seoul(8, 1)), 37.5095, 127.1085, "busy")});
  auto snapshot = [&] {
    json fleet = expect(200, "GET", "/api/v1/fleet", "regulator-molit");
    fleet.erase("version");  // counts changes since the process started
    json rides = json::array();
    for (int r = 0; r < 4; ++r) rides.push_back(expect(200, "GET", "/api/v1/rides/r" + std::to_string(r), "operator-ops"));
    json assignments = json::array();
    for (const char* id : {"v1", "v2"}) assignments.push_back(expect(200, "GET", std::string("/api/v1/vehicles/") + id + "/assignment", "operator-ops"));
    json kpis = expect(200, "GET", "/api/v1/kpis", "operator-ops");
    kpis.erase("history");  // kept in memory only
    return json{{"fleet", fleet}, {"rides", rides}, {"assignments", assignments}, {"kpis", kpis}};
  };
  const json before = snapshot();
  EXPECT_EQ(before["rides"][0]["status"], "onboard");
  EXPECT_EQ(before["rides"][1]["status"], "cancelled");
  EXPECT_EQ(before["rides"][2]["status"], "assigned");
  EXPECT_EQ(before["rides"][3]["status"], "rejected");
  EXPECT_EQ(before["rides"][3]["reason"], "permit_area");
  const std::string stored = store_dump();

  start();  // a new process on the same store
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(store_dump(), stored);
  // And it goes on from there: the recovered rider is dropped off, ride ids continue.
  expect(200, "POST", "/api/v1/vehicles/" + v + "/stops", "gateway-gw", R"({"ride":"r0","kind":"dropoff"})");
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-bob", kRide)["id"], "r4");
}

TEST_F(LiveServiceTest, TelemetryIsAppliedWholeOrNotAtAll) {
  register_vehicle("v1", 37.5090, 127.1080);
  register_vehicle("v2", 37.5200, 127.1000);
  const double t = static_cast<double>(seoul(8, 0)) + 1.5;
  const std::string before = store_dump();
  struct Bad {
    int status;
    std::string token;
    std::string body;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {400, "gateway-gw", "not json", "JSON object"},
      {400, "gateway-gw", R"({"positions":{}})", "'positions' must be an array"},
      {400, "gateway-gw", batch({position("v1", t, 37.51, 127.11), position("v2", t, 1e308, 127.11)}),
       "positions[1]: 'lat'/'lon' is not a coordinate"},
      {400, "gateway-gw", batch({position("v1", t, 37.51, 127.11), position("v2", t, "37.5", 127.11)}),
       "positions[1]: needs numbers"},
      {400, "gateway-gw", batch({position("v1", t, 37.51, 127.11), position("v1", t, 37.51, 200.0)}),
       "positions[1]"},
      {400, "gateway-gw", batch({position("v1", -5, 37.51, 127.11)}), "positions[0]: 'time'"},
      {400, "gateway-gw", R"({"positions":[{"vehicle":"v1","time":1e999,"lat":37.51,"lon":127.11}]})", ""},
      {400, "gateway-gw", batch({position("v1", t, 37.51, 127.11), position("v2", t + 7200, 37.51, 127.11)}),
       "positions[1]: 'time' is more than an hour ahead"},
      {400, "gateway-gw", batch({position("v1", t, 37.51, 127.11, "flying")}),
       "'status' must be available, busy or offline"},
      {404, "gateway-gw", batch({position("v1", t, 37.51, 127.11), position("v9", t, 37.51, 127.11)}),
       "positions[1]: no vehicle 'v9'"},
      {403, "vehicle-v1", batch({position("v1", t, 37.51, 127.11), position("v2", t, 37.51, 127.11)}),
       "positions[1]: vehicle 'v1' may report only itself"},
      {403, "rider-ann", batch({position("v1", t, 37.51, 127.11)}), "a rider may not"},
      {403, "regulator-molit", batch({position("v1", t, 37.51, 127.11)}), "a regulator may not"},
      {401, "", batch({position("v1", t, 37.51, 127.11)}), "bearer token"},
  };
  for (const Bad& b : bad) {
    const json reply = expect(b.status, "POST", "/api/v1/telemetry", b.token, b.body);
    EXPECT_NE(reply.value("error", "").find(b.message), std::string::npos) << reply.dump();
  }
  send_positions(413, "gateway-gw", std::vector<json>(10001, position("v1", t, 37.51, 127.11)));
  EXPECT_EQ(store_dump(), before);

  // A good batch: both applied; an older report afterwards is stale and ignored.
  json reply = send_positions(200, "gateway-gw", {position("v1", t, 37.5095, 127.1085), position("v2", t, 37.5205, 127.1005)});
  EXPECT_EQ(reply["accepted"], 2);
  reply = send_positions(200, "vehicle-v1", {position("v1", t - 1, 37.6, 127.2)});
  EXPECT_EQ(reply["accepted"], 0);
  EXPECT_EQ(reply["stale"], 1);
  const json fleet = expect(200, "GET", "/api/v1/fleet", "operator-ops");
  EXPECT_DOUBLE_EQ(fleet["vehicles"][0]["lat"].get<double>(), 37.5095);
  EXPECT_DOUBLE_EQ(fleet["vehicles"][0]["updated"].get<double>(), t);
  // Offline vehicles get no rides.
  send_positions(200, "gateway-gw",
                 {position("v1", t + 1, 37.5095, 127.1085, "offline"), position("v2", t + 1, 37.5205, 127.1005, "offline")});
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["status"], "waiting");
  EXPECT_EQ(expect(200, "GET", "/api/v1/kpis", "operator-ops")["vehicles_online"], 0);
  // Still waiting past its latest pick-up: rejected.
  clock_.advance(601);
  const json expired = expect(200, "GET", "/api/v1/rides/r0", "rider-ann");
  EXPECT_EQ(expired["status"], "rejected");
  EXPECT_EQ(expired["reason"], "no_vehicle_in_time");
}

TEST_F(LiveServiceTest, AVehicleGoneOfflineHandsItsWaitingRidersOn) {
  const auto [first, second] = two_vehicles_and_a_ride(37.5110, 127.1120);
  ASSERT_FALSE(first.empty());
  const double t = static_cast<double>(seoul(8, 0)) + 1;
  send_positions(200, "gateway-gw", {position(first, t, 37.5090, 127.1080, "offline")});
  const json moved = expect(200, "GET", "/api/v1/rides/r0", "rider-ann");
  EXPECT_EQ(moved["status"], "assigned");
  EXPECT_EQ(moved["vehicle"], second);
  EXPECT_TRUE(expect(200, "GET", "/api/v1/vehicles/" + first + "/assignment", "operator-ops")["stops"].empty());
  EXPECT_EQ(expect(200, "GET", "/api/v1/fleet", "operator-ops")["vehicles"][first == "v1" ? 0 : 1]["status"], "offline");
}

TEST_F(LiveServiceTest, WaitingRidesAreOfferedAgainWhenVehiclesComeBack) {
  register_vehicle("v1", 37.5090, 127.1080);
  const double t = static_cast<double>(seoul(8, 0)) + 1;
  auto report = [&](const char* status, double time) {
    send_positions(200, "gateway-gw", {position("v1", time, 37.5090, 127.1080, status)});
  };
  report("offline", t);
  for (int i = 0; i < 40; ++i) {  // more than one retry round takes
    ASSERT_EQ(expect(201, "POST", "/api/v1/rides", i % 2 ? "rider-bob" : "rider-ann", kRide)["status"], "waiting");
  }
  // A vehicle registering takes riders at once; one coming back online within the next retry rounds.
  EXPECT_EQ(expect(201, "POST", "/api/v1/vehicles/v2/register", "operator-ops", R"({"lat":37.52,"lon":127.10})")["vehicle"]["status"],
            "busy");
  int assigned = 0;
  for (int r = 0; r < 40; ++r) assigned += expect(200, "GET", "/api/v1/rides/r" + std::to_string(r), "operator-ops")["status"] == "assigned";
  EXPECT_GE(assigned, 1);
  report("available", t + 1);
  clock_.advance(6);
  expect(200, "GET", "/api/v1/kpis", "operator-ops");  // any call runs the retry round that is due
  int after = 0;
  for (int r = 0; r < 40; ++r) after += expect(200, "GET", "/api/v1/rides/r" + std::to_string(r), "operator-ops")["status"] == "assigned";
  EXPECT_GT(after, assigned);
  EXPECT_LE(after, 8);  // two vehicles of four seats
}

TEST_F(LiveServiceTest, EachPrincipalActsOnlyOnWhatIsTheirs) {
  const auto [mine, other] = two_vehicles_and_a_ride(37.5200, 127.1000);
  ASSERT_FALSE(mine.empty());
  const std::string before = store_dump();
  struct Case {
    int status;
    std::string method, target, token, body;
  };
  const std::vector<Case> cases = {
      {401, "POST", "/api/v1/rides", "", kRide},
      {401, "POST", "/api/v1/rides", "rider-nobody", kRide},
      {403, "GET", "/api/v1/rides/r0", "rider-bob", ""},
      {403, "DELETE", "/api/v1/rides/r0", "rider-bob", ""},
      {403, "GET", "/api/v1/rides/r0", "vehicle-v1", ""},
      {403, "POST", "/api/v1/rides", "regulator-molit", kRide},
      {403, "POST", "/api/v1/rides", "gateway-gw", kRide},
      {403, "DELETE", "/api/v1/rides/r0", "regulator-molit", ""},
      {403, "POST", "/api/v1/rides/r0/reassign", "regulator-molit", ""},
      {403, "POST", "/api/v1/rides/r0/reassign", "rider-ann", ""},
      {403, "POST", "/api/v1/zones/songpa-pilot/suspend", "regulator-molit", ""},
      {403, "POST", "/api/v1/vehicles/v1/pull", "regulator-molit", ""},
      {403, "POST", "/api/v1/vehicles/v1/pull", "gateway-gw", ""},
      {403, "GET", "/api/v1/fleet", "rider-ann", ""},
      {403, "GET", "/api/v1/fleet", "gateway-gw", ""},
      {403, "GET", "/api/v1/audit", "vehicle-v1", ""},
      {403, "GET", "/api/v1/vehicles/" + mine + "/assignment", "vehicle-" + other, ""},
      {403, "POST", "/api/v1/vehicles/" + mine + "/stops", "vehicle-" + other, R"({"ride":"r0","kind":"pickup"})"},
      {409, "POST", "/api/v1/vehicles/" + other + "/stops", "vehicle-" + other, R"({"ride":"r0","kind":"pickup"})"},
      {403, "POST", "/api/v1/vehicles/" + mine + "/register", "vehicle-" + other, R"({"lat":37.51,"lon":127.11})"},
      {403, "POST", "/api/v1/vehicles/" + mine + "/incidents", "vehicle-" + other, R"({"kind":"incident"})"},
      {403, "POST", "/api/v1/vehicles/v1/stops", "rider-ann", R"({"ride":"r0","kind":"pickup"})"},
      {404, "GET", "/api/v1/rides/r99", "operator-ops", ""},
      {400, "GET", "/api/v1/rides/x1", "operator-ops", ""},
      {400, "GET", "/api/v1/rides/r01", "operator-ops", ""},
      {400, "GET", "/api/v1/rides/r99999999999999", "operator-ops", ""},
      {404, "GET", "/api/v1/vehicles/v9/assignment", "operator-ops", ""},
      {400, "GET", "/api/v1/vehicles/v%20x/assignment", "operator-ops", ""},
      {404, "POST", "/api/v1/vehicles/" + mine + "/stops", "gateway-gw", R"({"ride":"r7","kind":"pickup"})"},
      {404, "POST", "/api/v1/zones/nowhere/suspend", "operator-ops", ""},
      {404, "POST", "/api/v1/vehicles/v9/pull", "operator-ops", ""},
      {405, "PUT", "/api/v1/rides/r0", "rider-ann", ""},
      {404, "GET", "/api/v1/rides/r0/extra/path", "rider-ann", ""},
  };
  for (const Case& c : cases) expect(c.status, c.method, c.target, c.token, c.body);
  EXPECT_EQ(store_dump(), before);
  // What they may do, they can.
  expect(200, "GET", "/api/v1/rides/r0", "rider-ann");
  expect(200, "GET", "/api/v1/rides/r0", "regulator-molit");
  expect(200, "GET", "/api/v1/vehicles/" + mine + "/assignment", "vehicle-" + mine);
  expect(200, "GET", "/api/v1/fleet", "regulator-molit");
  expect(200, "GET", "/api/v1/audit", "regulator-molit");
}

// whoami's "may" is what the service enforces: for each role, an action it lists gets past the role check and any
// other is refused with 403 naming the action. Each probe is on the caller's own vehicle (v1) or ride (r0), or on an
// id that does not exist, with an empty body, so that only the role decides and nothing changes.
TEST_F(LiveServiceTest, WhoamiListsExactlyWhatEachRoleIsLetDo) {
  register_vehicle("v1", 37.5090, 127.1080);
  ASSERT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["id"], "r0");
  const std::string before = store_dump();
  const uint64_t version = service_->version();
  const std::map<std::string, std::pair<std::string, std::string>> probes = {
      {"view_network", {"GET", "/api/v1/network"}},
      {"view_permit", {"GET", "/api/v1/permit"}},
      {"quote", {"POST", "/api/v1/quote"}},
      {"register_vehicle", {"POST", "/api/v1/vehicles/v1/register"}},
      {"send_telemetry", {"POST", "/api/v1/telemetry"}},
      {"view_assignment", {"GET", "/api/v1/vehicles/v1/assignment"}},
      {"confirm_stop", {"POST", "/api/v1/vehicles/v1/stops"}},
      {"report_incident", {"POST", "/api/v1/vehicles/v1/incidents"}},
      {"pull_vehicle", {"POST", "/api/v1/vehicles/v9/pull"}},
      {"request_ride", {"POST", "/api/v1/rides"}},
      {"view_ride", {"GET", "/api/v1/rides/r0"}},
      {"cancel_ride", {"DELETE", "/api/v1/rides/r99"}},
      {"reassign_ride", {"POST", "/api/v1/rides/r99/reassign"}},
      {"view_fleet", {"GET", "/api/v1/fleet"}},
      {"view_kpis", {"GET", "/api/v1/kpis"}},
      {"suspend_zone", {"POST", "/api/v1/zones/nowhere/suspend"}},
      {"resume_zone", {"POST", "/api/v1/zones/nowhere/resume"}},
      {"read_audit", {"GET", "/api/v1/audit"}},
      {"read_report", {"GET", "/api/v1/report?day=x"}},
  };
  std::set<std::string> listed;
  for (const std::string token : {"operator-ops", "regulator-molit", "vehicle-v1", "gateway-gw", "rider-ann"}) {
    const json who = expect(200, "GET", "/api/v1/whoami", token);
    EXPECT_EQ(who["role"].get<std::string>() + "-" + who["id"].get<std::string>(), token);
    std::set<std::string> may;
    for (const json& action : who["may"]) may.insert(action.get<std::string>());
    EXPECT_EQ(may.size(), who["may"].size()) << who.dump();
    for (const auto& [action, probe] : probes) {
      const HttpResponse response = call(probe.first, probe.second, token, probe.first == "GET" ? "" : "{}");
      const bool refused = response.status == 403 && response.body.find("may not call") != std::string::npos;
      EXPECT_EQ(refused, may.count(action) == 0) << token << " " << action << " -> " << response.status << " " << response.body;
      if (refused) {
        EXPECT_NE(response.body.find("(" + action + ")"), std::string::npos) << response.body;
      }
    }
    listed.insert(may.begin(), may.end());
  }
  // Every action whoami names is probed, and every probe is some role's.
  EXPECT_EQ(listed.size(), probes.size());
  for (const std::string& action : listed) EXPECT_EQ(probes.count(action), 1u) << action;
  EXPECT_EQ(service_->version(), version);
  EXPECT_EQ(store_dump(), before);
}

TEST_F(LiveServiceTest, HostileBodiesGetA4xxAndChangeNothing) {
  register_vehicle("v1", 37.5090, 127.1080);
  expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  const std::string before = store_dump();
  const std::string deep(100000, '[');
  const std::string junk = "{\"kind\":\"\xff\xfe\"}";
  struct Case {
    std::string target, token, body;
    int status = 400;
  };
  const std::vector<Case> cases = {
      {"/api/v1/rides", "rider-ann", "not json"},
      {"/api/v1/rides", "rider-ann", deep},
      {"/api/v1/rides", "rider-ann", R"({"origin":{"lat":37.51,"lon":127.11}})"},
      {"/api/v1/rides", "rider-ann", R"({"origin":{"lat":1e999,"lon":127.11},"destination":{"lat":37.52,"lon":127.11}})"},
      {"/api/v1/rides", "rider-ann", R"({"origin":{"lat":37.51,"lon":127.11},"destination":{"lat":37.52,"lon":127.11},"passengers":0})"},
      {"/api/v1/rides", "rider-ann", R"({"origin":{"lat":37.51,"lon":127.11},"destination":{"lat":37.52,"lon":127.11},"passengers":99})"},
      {"/api/v1/vehicles/v1/register", "vehicle-v1", "[]"},
      {"/api/v1/vehicles/v1/register", "vehicle-v1", R"({"lat":91,"lon":127.11})"},
      {"/api/v1/vehicles/v1/register", "vehicle-v1", R"({"lat":37.51,"lon":127.11,"capacity":0})"},
      {"/api/v1/vehicles/v1/register", "vehicle-v1", R"({"lat":37.51,"lon":127.11,"capacity":"4"})"},
      {"/api/v1/vehicles/v3/register", "operator-ops", R"({"lat":37.60,"lon":127.30})", 422},  // off the permitted roads
      {"/api/v1/vehicles/" + std::string(65, 'x') + "/register", "operator-ops", R"({"lat":37.51,"lon":127.11})"},
      {"/api/v1/vehicles/v1/stops", "vehicle-v1", "{}"},
      {"/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r0","kind":"teleport"})"},
      {"/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":0,"kind":"pickup"})"},
      {"/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r-1","kind":"pickup"})"},
      {"/api/v1/vehicles/v1/incidents", "vehicle-v1", junk},
      {"/api/v1/vehicles/v1/incidents", "vehicle-v1", R"({"kind":"crash"})"},
      {"/api/v1/vehicles/v1/incidents", "vehicle-v1", json{{"kind", "incident"}, {"note", std::string(3000, 'n')}}.dump()},
      {"/api/v1/vehicles/v1/incidents", "vehicle-v1", R"({"kind":"incident","lat":37.5})"},
      {"/api/v1/vehicles/v1/incidents", "vehicle-v1", R"({"kind":"incident","lat":"north","lon":127.1})"},
  };
  for (const Case& c : cases) {
    const json reply = expect(c.status, "POST", c.target, c.token, c.body);
    EXPECT_TRUE(reply.contains("error")) << c.body.substr(0, 80);
  }
  expect(400, "GET", "/api/v1/audit?after=-1", "regulator-molit");
  expect(400, "GET", "/api/v1/audit?limit=0", "regulator-molit");
  expect(400, "GET", "/api/v1/audit?limit=99999", "regulator-molit");
  expect(400, "GET", "/api/v1/audit?after=1e3", "regulator-molit");
  EXPECT_EQ(store_dump(), before);
}

TEST_F(LiveServiceTest, ASuspendedZoneRefusesNewRidesAndCancelsWaitingOnes) {
  register_vehicle("v1", 37.5090, 127.1080);
  ASSERT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["status"], "assigned");
  const json suspended = expect(200, "POST", "/api/v1/zones/songpa-pilot/suspend", "operator-ops");
  EXPECT_EQ(suspended["changed"], true);
  EXPECT_EQ(suspended["cancelled"], json::array({"r0"}));
  const json r0 = expect(200, "GET", "/api/v1/rides/r0", "rider-ann");
  EXPECT_EQ(r0["status"], "cancelled");
  EXPECT_EQ(r0["reason"], "permit_suspension");
  EXPECT_TRUE(expect(200, "GET", "/api/v1/vehicles/v1/assignment", "vehicle-v1")["stops"].empty());
  const json refused = expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  EXPECT_EQ(refused["status"], "rejected");
  EXPECT_EQ(refused["reason"], "permit_suspension");
  EXPECT_EQ(expect(200, "POST", "/api/v1/quote", "rider-ann", kRide)["reason"], "permit_suspension");
  EXPECT_EQ(expect(200, "GET", "/api/v1/permit", "rider-ann")["suspended_zones"], json::array({"songpa-pilot"}));
  EXPECT_EQ(expect(200, "POST", "/api/v1/zones/songpa-pilot/suspend", "operator-ops")["changed"], false);
  // It survives a restart, and resuming lets rides in again.
  start();
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["reason"], "permit_suspension");
  EXPECT_EQ(expect(200, "POST", "/api/v1/zones/songpa-pilot/resume", "operator-ops")["changed"], true);
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["status"], "assigned");
}

TEST_F(LiveServiceTest, OperatorsPullVehiclesAndReassignRides) {
  const auto [first, second] = two_vehicles_and_a_ride(37.5110, 127.1120);
  ASSERT_FALSE(first.empty());
  const json moved = expect(200, "POST", "/api/v1/rides/r0/reassign", "operator-ops");
  EXPECT_EQ(moved["status"], "assigned");
  EXPECT_EQ(moved["vehicle"], second);
  EXPECT_TRUE(expect(200, "GET", "/api/v1/vehicles/" + first + "/assignment", "operator-ops")["stops"].empty());

  const json pulled = expect(200, "POST", "/api/v1/vehicles/" + second + "/pull", "operator-ops");
  EXPECT_EQ(pulled["vehicle"]["status"], "pulled");
  ASSERT_EQ(pulled["reassigned"].size(), 1u);
  EXPECT_EQ(pulled["reassigned"][0]["vehicle"], first);
  expect(409, "POST", "/api/v1/vehicles/" + second + "/pull", "operator-ops");
  // A pulled vehicle gets no new riders.
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-bob", kRide)["vehicle"], first);
  const json fleet = expect(200, "GET", "/api/v1/fleet", "operator-ops");
  EXPECT_EQ(fleet["rides"].size(), 2u);
  EXPECT_EQ(fleet["vehicles"][second == "v1" ? 0 : 1]["status"], "pulled");
}

TEST_F(LiveServiceTest, RidersCancelAndTheRegulatorReadsTheAuditLog) {
  register_vehicle("v1", 37.5090, 127.1080);
  expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  const json cancelled = expect(200, "DELETE", "/api/v1/rides/r0", "rider-ann");
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(cancelled["reason"], "cancelled_by_rider");
  EXPECT_FALSE(cancelled.contains("vehicle"));
  expect(409, "DELETE", "/api/v1/rides/r0", "rider-ann");
  EXPECT_TRUE(expect(200, "GET", "/api/v1/vehicles/v1/assignment", "vehicle-v1")["stops"].empty());

  const HttpResponse all = call("GET", "/api/v1/audit", "regulator-molit");
  ASSERT_EQ(all.status, 200);
  std::vector<json> records;
  for (size_t at = 0; at < all.body.size();) {
    const size_t end = all.body.find('\n', at);
    records.push_back(json::parse(all.body.substr(at, end - at)));
    at = end + 1;
  }
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0]["kind"], "vehicle_registered");
  EXPECT_EQ(records[0]["actor"], "operator:ops");
  EXPECT_EQ(records[1]["kind"], "ride_request");
  EXPECT_EQ(records[1]["data"]["vehicle"], "v1");
  EXPECT_EQ(records[2]["kind"], "assignment");
  EXPECT_EQ(records[2]["data"]["ride"], "r0");
  EXPECT_EQ(records[2]["data"]["vehicle"], "v1");
  EXPECT_EQ(records[3]["kind"], "ride_cancelled");
  EXPECT_EQ(records[3]["actor"], "rider:ann");
  EXPECT_EQ(records[3]["data"]["reason"], "cancelled_by_rider");
  const HttpResponse page = call("GET", "/api/v1/audit?after=1&limit=1", "operator-ops");
  EXPECT_EQ(json::parse(page.body.substr(0, page.body.find('\n')))["seq"], 2);
  const auto verified = verify_audit_log((dir_ / "audit.jsonl").string());
  ASSERT_TRUE(verified.is_ok());
  EXPECT_TRUE(verified->intact()) << verified->message;
  EXPECT_EQ(verified->records, 4u);
}

TEST_F(LiveServiceTest, ListenersHearEachCommittedChangeWithItsAudience) {
  std::vector<std::pair<json, Audience>> heard;
  service_->set_listener([&](const std::string& message, const Audience& audience) {
    heard.emplace_back(json::parse(message), audience);
  });
  register_vehicle("v1", 37.5090, 127.1080);
  const uint64_t version = service_->version();
  heard.clear();
  expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  EXPECT_GT(service_->version(), version);
  bool assignment = false, ride = false;
  for (const auto& [message, audience] : heard) {
    if (message["type"] == "assignment") {
      assignment = true;
      EXPECT_EQ(audience.role, Role::kVehicle);
      EXPECT_EQ(audience.id, "v1");
      EXPECT_EQ(message["stops"].size(), 2u);
    } else if (message["type"] == "ride") {
      ride = true;
      EXPECT_EQ(audience.role, Role::kRider);
      EXPECT_EQ(audience.id, "ann");
      EXPECT_EQ(message["status"], "assigned");
    }
  }
  EXPECT_TRUE(assignment && ride);
  heard.clear();
  expect(403, "DELETE", "/api/v1/rides/r0", "rider-bob");
  EXPECT_TRUE(heard.empty());  // refused: nothing changed, nothing heard
  const json snapshot = json::parse(service_->fleet_snapshot_json());
  EXPECT_EQ(snapshot["type"], "fleet");
  EXPECT_EQ(snapshot["vehicles"].size(), 1u);
  EXPECT_EQ(snapshot["rides"].size(), 1u);
  EXPECT_EQ(service_->authenticate("gateway-gw")->role, Role::kGateway);
  EXPECT_FALSE(service_->authenticate("nope").has_value());
}

TEST_F(LiveServiceTest, ConcurrentCallsLeaveOneConsistentRecoverableState) {
  register_vehicle("v1", 37.5090, 127.1080);
  register_vehicle("v2", 37.5200, 127.1000);
  constexpr int kCalls = 25;
  std::vector<std::thread> threads;
  std::atomic<int> unexpected{0};
  for (const char* rider : {"rider-ann", "rider-bob"}) {
    threads.emplace_back([&, rider] {
      for (int i = 0; i < kCalls; ++i) {
        if (call("POST", "/api/v1/rides", rider, kRide).status != 201) ++unexpected;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kCalls; ++i) {
      const double t = static_cast<double>(seoul(8, 0)) + i;
      const std::string body =
          batch({position("v1", t, 37.5090 + 1e-5 * i, 127.1080, ""), position("v2", t, 37.5200, 127.1000 + 1e-5 * i, "")});
      if (call("POST", "/api/v1/telemetry", "gateway-gw", body).status != 200) ++unexpected;
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < kCalls; ++i) {
      if (call("GET", "/api/v1/fleet", "operator-ops").status != 200) ++unexpected;
      if (json::parse(service_->fleet_snapshot_json())["type"] != "fleet") ++unexpected;
    }
  });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);
  // Every ride is counted once, each in one state; the fleet's active rides are the ones not over.
  const json kpis = expect(200, "GET", "/api/v1/kpis", "operator-ops");
  EXPECT_EQ(kpis["rides_requested"], 2 * kCalls);
  EXPECT_EQ(kpis["rides_waiting"].get<int>() + kpis["rides_rejected"].get<int>() + kpis["rides_onboard"].get<int>() +
                kpis["rides_completed"].get<int>() + kpis["rides_cancelled"].get<int>(),
            2 * kCalls);
  json fleet = expect(200, "GET", "/api/v1/fleet", "operator-ops");
  EXPECT_EQ(static_cast<int>(fleet["rides"].size()), kpis["rides_waiting"].get<int>());
  fleet.erase("version");
  start();
  json recovered = expect(200, "GET", "/api/v1/fleet", "operator-ops");
  recovered.erase("version");
  EXPECT_EQ(recovered, fleet);
}

TEST_F(LiveServiceTest, MetricsCountRequestsVehiclesAndRides) {
  register_vehicle("v1", 37.5090, 127.1080);
  expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  const std::string metrics = call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("bitgoeul_http_request_duration_seconds_bucket{route=\"/api/v1/rides\",le=\"+Inf\"} 1"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("bitgoeul_vehicles_online 1"), std::string::npos);
  EXPECT_NE(metrics.find("bitgoeul_rides{status=\"assigned\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("bitgoeul_http_responses_total{route=\"/api/v1/vehicles/*/register\",status=\"201\"} 1"),
            std::string::npos);
}

// The regulator's daily report, from the store: the day's rides by outcome, the incidents, and every pick-up and
// drop-off checked again against the permit.
TEST_F(LiveServiceTest, TheDailyReportCountsTheDaysRidesAndIncidents) {
  register_vehicle("v1", 37.5090, 127.1080);
  register_vehicle("v2", 37.5200, 127.1000);
  const json r0 = expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  ASSERT_EQ(r0["status"], "assigned");
  const std::string v = r0["vehicle"];
  ASSERT_EQ(expect(201, "POST", "/api/v1/rides", "rider-bob", kRide)["status"], "assigned");  // r1: cancelled
  expect(200, "DELETE", "/api/v1/rides/r1", "rider-bob");
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann",
                   R"({"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5380,"lon":127.1300}})")["reason"],
            "permit_area");  // r2
  clock_.advance(120);
  expect(200, "POST", "/api/v1/vehicles/" + v + "/stops", "gateway-gw", R"({"ride":"r0","kind":"pickup"})");
  expect(201, "POST", "/api/v1/vehicles/v2/incidents", "vehicle-v2", R"({"kind":"disengagement","note":"cyclist","lat":37.52,"lon":127.10})");
  clock_.advance(300);
  expect(200, "POST", "/api/v1/vehicles/" + v + "/stops", "gateway-gw", R"({"ride":"r0","kind":"dropoff"})");
  expect(201, "POST", "/api/v1/vehicles/v1/incidents", "operator-ops", R"({"kind":"incident","note":"kerb"})");
  clock_.set(seoul(23, 0));
  EXPECT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["reason"], "permit_hours");  // r3

  const std::string stored = store_dump();
  const json report = expect(200, "GET", "/api/v1/report?day=2026-11-25", "regulator-molit");
  EXPECT_EQ(report["day"], "2026-11-25");
  EXPECT_EQ(report["day_type"], "weekday");
  EXPECT_EQ(report["from"].get<double>(), static_cast<double>(seoul(0, 0)));  // the local midnight, 15:00 UTC the day before
  EXPECT_EQ(report["requests"], 4);
  EXPECT_EQ(report["trips"], 1);
  EXPECT_EQ(report["passengers"], 1);
  EXPECT_EQ(report["cancellations"], 1);
  EXPECT_EQ(report["open"], 0);
  EXPECT_EQ(report["refusals"], json({{"permit_area", 1}, {"permit_hours", 1}}));
  EXPECT_EQ(report["refusals_by_rule"].size(), 2u);
  EXPECT_EQ(report["vehicles_used"], 1);
  EXPECT_TRUE(report["vehicle_km"].is_null());
  EXPECT_GT(report["walk_mean_m"].get<double>(), 0.0);  // to S14 and from S44
  EXPECT_EQ(report["incidents"], 1);
  EXPECT_EQ(report["disengagements"], 1);
  ASSERT_EQ(report["incident_records"].size(), 2u);
  EXPECT_EQ(report["incident_records"][0]["vehicle"], "v2");
  EXPECT_EQ(report["incident_records"][0]["kind"], "disengagement");
  EXPECT_EQ(report["incident_records"][0]["clock"], "08:02:00");
  EXPECT_EQ(report["incident_records"][1]["note"], "kerb");
  EXPECT_EQ(report["events_checked"], 2);  // r0's pick-up and drop-off
  EXPECT_EQ(report["violations"], json::array()) << report.dump();
  EXPECT_EQ(report["permit"]["number"].get<std::string>().empty(), false);
  // Today is the default, for operators too; the day before holds nothing; reading changes nothing.
  EXPECT_EQ(expect(200, "GET", "/api/v1/report", "operator-ops"), report);
  const json before = expect(200, "GET", "/api/v1/report?day=2026-11-24", "regulator-molit");
  EXPECT_EQ(before["requests"], 0);
  EXPECT_EQ(before["events_checked"], 0);
  EXPECT_TRUE(before["incident_records"].empty());
  EXPECT_EQ(store_dump(), stored);
  // The report is the store's: a new process gives the same.
  start();
  EXPECT_EQ(expect(200, "GET", "/api/v1/report?day=2026-11-25", "regulator-molit"), report);
}

TEST_F(LiveServiceTest, TheDailyReportFindsPickUpsThePermitDidNotAllow) {
  register_vehicle("v1", 37.5090, 127.1080);
  ASSERT_EQ(expect(201, "POST", "/api/v1/rides", "rider-ann", kRide)["vehicle"], "v1");
  clock_.advance(120);
  expect(200, "POST", "/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r0","kind":"pickup"})");
  clock_.advance(300);
  expect(200, "POST", "/api/v1/vehicles/v1/stops", "vehicle-v1", R"({"ride":"r0","kind":"dropoff"})");
  ASSERT_EQ(expect(200, "GET", "/api/v1/report?day=2026-11-25", "regulator-molit")["violations"], json::array());

  // Written behind the service's back: r0 picked up after closing (22:00 on a weekday) in the pilot zone, which an
  // operator suspended at 22:10; r1 picked up at 09:00 outside the permitted area.
  service_.reset();
  {
    auto store = ServiceStore::open((dir_ / "state.sqlite").string());
    ASSERT_TRUE(store.is_ok());
    auto state = (*store)->load();
    ASSERT_TRUE(state.is_ok());
    ASSERT_EQ(state->rides.size(), 1u);
    StoredRide late = state->rides[0];
    late.picked_up = static_cast<double>(seoul(22, 30));
    late.dropped_off = static_cast<double>(seoul(22, 40));
    StoredRide outside = state->rides[0];
    outside.index = 1;
    outside.origin_lat = 37.5380;
    outside.origin_lon = 127.1300;
    outside.requested = static_cast<double>(seoul(8, 50));
    outside.picked_up = static_cast<double>(seoul(9, 0));
    outside.dropped_off = static_cast<double>(seoul(9, 10));
    ASSERT_TRUE((*store)->begin().is_ok());
    ASSERT_TRUE((*store)->put_ride(late).is_ok());
    ASSERT_TRUE((*store)->put_ride(outside).is_ok());
    ASSERT_TRUE((*store)->set_zone_suspended("songpa-pilot", true, static_cast<double>(seoul(22, 10)), "operator-ops").is_ok());
    ASSERT_TRUE((*store)->commit().is_ok());
  }
  start();
  const json report = expect(200, "GET", "/api/v1/report?day=2026-11-25", "regulator-molit");
  EXPECT_EQ(report["trips"], 2);
  EXPECT_EQ(report["events_checked"], 4);
  const json& violations = report["violations"];
  ASSERT_EQ(violations.size(), 3u) << report.dump(2);
  EXPECT_EQ(violations[0]["ride"], "r1");
  EXPECT_EQ(violations[0]["rule"], "area");
  EXPECT_EQ(violations[0]["vehicle"], "v1");
  EXPECT_EQ(violations[0]["clock"], "09:00:00");
  EXPECT_DOUBLE_EQ(violations[0]["lat"].get<double>(), 37.5380);
  EXPECT_EQ(violations[1]["ride"], "r0");
  EXPECT_EQ(violations[1]["rule"], "operating hours");
  EXPECT_EQ(violations[1]["time"].get<double>(), static_cast<double>(seoul(22, 30)));
  EXPECT_EQ(violations[2]["ride"], "r0");
  EXPECT_EQ(violations[2]["rule"], "zone suspension");
  EXPECT_NE(violations[2]["detail"].get<std::string>().find("songpa-pilot"), std::string::npos);
}

TEST_F(LiveServiceTest, TheDailyReportRefusesHostileDaysAndOtherRoles) {
  register_vehicle("v1", 37.5090, 127.1080);
  expect(201, "POST", "/api/v1/rides", "rider-ann", kRide);
  expect(200, "DELETE", "/api/v1/rides/r0", "rider-ann");
  const std::string stored = store_dump();
  for (const std::string& day :
       {std::string("2026-02-30"), std::string("2026-13-01"), std::string("x"), std::string(""),
        std::string("2026-11-25'%20OR%201=1--"), std::string("2026-11-25;DROP TABLE rides"), std::string(100000, '9'),
        std::string("99999-01-01"), std::string("+026-11-25"), std::string("2026-11-2 "), std::string("1999-01-01"),
        std::string("9999-12-31")}) {
    const json reply = expect(400, "GET", "/api/v1/report?day=" + day, "regulator-molit");
    ASSERT_TRUE(reply.is_object()) << day.substr(0, 40);
    EXPECT_NE(reply["error"].get<std::string>().find("day"), std::string::npos) << reply.dump().substr(0, 300);
    EXPECT_LT(reply["error"].get<std::string>().size(), 300u);
  }
  for (const char* token : {"rider-ann", "vehicle-v1", "gateway-gw"}) {
    expect(403, "GET", "/api/v1/report?day=2026-11-25", token);
  }
  expect(401, "GET", "/api/v1/report", "");
  expect(405, "POST", "/api/v1/report", "regulator-molit");
  EXPECT_EQ(store_dump(), stored);
}

}  // namespace
}  // namespace bitgoeul::taxi_service
