// libFuzzer target for the dispatch service's handler: any request to any endpoint, from any principal, with any
// body, on one service (pilot map and permit, a store in a scratch directory, the clock at 08:00 on a weekday in
// Seoul) that keeps its state from input to input. The input's first three bytes choose the route, the token and the
// id in the path; the rest is the body. For each input:
//   - the answer is one of the statuses the API documents, never 500 or 503 (the store never fails here);
//   - an error answer is JSON {"error": "..."};
//   - a refused call (4xx) changes nothing: the service's version does not move and nobody is notified;
//   - whoami names the token's own role and id (the tokens here are "role:id"), and refuses the others with 401.
// A broken promise aborts (a finding). Seed corpus: tests/fuzz/taxi_service/.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/token.h"
#include "taxi/rules/permit.h"
#include "taxi_service/service.h"

namespace {

using namespace bitgoeul;
namespace fs = std::filesystem;

struct World {
  SimulatedClock clock{taxi::rules::midnight_s({2026, 11, 25}) + 8 * 3600 - 9 * 3600};
  std::unique_ptr<taxi_service::TaxiService> service;
  size_t heard = 0;
};

fs::path& scratch() {
  static fs::path path;
  return path;
}

World& world() {
  static World* made = [] {
    auto* w = new World;
    const fs::path base = (fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
                          ("bitgoeul_service_fuzz_" + std::to_string(getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    scratch() = base;
    std::atexit([] {  // the store and audit log grow with every input: leave nothing behind
      std::error_code ignored;
      fs::remove_all(scratch(), ignored);
    });
    std::ofstream access(base / "access.toml");
    for (const char* name : {"rider:ann", "rider:bob", "operator:ops", "regulator:molit", "vehicle:v1", "vehicle:v2",
                             "gateway:gw"}) {
      const std::string text(name);
      const size_t colon = text.find(':');
      access << "[[token]]\nrole = \"" << text.substr(0, colon) << "\"\nid = \"" << text.substr(colon + 1)
             << "\"\nsha256 = \"" << *token_hash(text) << "\"\n";
    }
    access.close();
    taxi_service::ServiceOptions options;
    options.map = std::string(BITGOEUL_SHARED_DATA_DIR) + "/osm/asanH.clean.osm";
    options.permit = std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/permits/songpa-pilot/permit.toml";
    options.access = (base / "access.toml").string();
    options.db = (base / "state.sqlite").string();
    auto created = taxi_service::TaxiService::create(options, w->clock);
    if (!created.is_ok()) {
      std::fprintf(stderr, "%s\n", created.status().to_string().c_str());
      std::abort();
    }
    w->service = std::move(created).value();
    w->service->set_listener([w](const std::string&, const taxi_service::Audience&) { ++w->heard; });
    // Two vehicles and a ride, so that ids in paths exist.
    for (const char* id : {"v1", "v2"}) {
      HttpRequest request;
      request.method = "POST";
      request.path = request.target = std::string("/api/v1/vehicles/") + id + "/register";
      request.headers["authorization"] = "Bearer operator:ops";
      request.body = id[1] == '1' ? R"({"lat":37.509,"lon":127.108})" : R"({"lat":37.52,"lon":127.10})";
      if (w->service->handle(request).status != 201) std::abort();
    }
    return w;
  }();
  return *made;
}

struct Route {
  const char* method;
  const char* path;  // '*' is replaced by the chosen id
};
constexpr Route kRoutes[] = {
    {"POST", "/api/v1/rides"},          {"GET", "/api/v1/rides/*"},
    {"DELETE", "/api/v1/rides/*"},      {"POST", "/api/v1/rides/*/reassign"},
    {"POST", "/api/v1/telemetry"},      {"POST", "/api/v1/vehicles/*/register"},
    {"GET", "/api/v1/vehicles/*/assignment"}, {"POST", "/api/v1/vehicles/*/stops"},
    {"POST", "/api/v1/vehicles/*/incidents"}, {"POST", "/api/v1/vehicles/*/pull"},
    {"POST", "/api/v1/zones/*/suspend"}, {"POST", "/api/v1/zones/*/resume"},
    {"GET", "/api/v1/fleet"},           {"GET", "/api/v1/kpis"},
    {"GET", "/api/v1/audit"},           {"POST", "/api/v1/quote"},
    {"GET", "/api/v1/whoami"},
};
constexpr const char* kTokens[] = {"rider:ann", "rider:bob", "operator:ops", "regulator:molit",
                                   "vehicle:v1", "vehicle:v2", "gateway:gw", "", "nobody"};
constexpr const char* kIds[] = {"v1", "v2", "v3", "r0", "r1", "r2", "songpa-pilot", "x", "r01", "v 1"};

bool documented(int status) {
  for (const int allowed : {200, 201, 400, 401, 403, 404, 405, 409, 413, 422}) {
    if (status == allowed) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  World& w = world();
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  const std::string token = kTokens[data[1] % std::size(kTokens)];
  std::string path = route.path;
  if (const size_t star = path.find('*'); star != std::string::npos) path.replace(star, 1, kIds[data[2] % std::size(kIds)]);
  HttpRequest request;
  request.method = route.method;
  request.path = request.target = path;
  if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
  request.body.assign(reinterpret_cast<const char*>(data + 3), size - 3);

  // The service's own time-driven work (offering waiting rides again) runs first, so that what follows is the call's.
  HttpRequest tick;
  tick.method = "GET";
  tick.path = tick.target = "/api/v1/kpis";
  tick.headers["authorization"] = "Bearer operator:ops";
  if (w.service->handle(tick).status != 200) std::abort();
  const uint64_t version = w.service->version();
  const size_t heard = w.heard;
  const HttpResponse response = w.service->handle(request);
  if (!documented(response.status)) {
    std::fprintf(stderr, "%s %s as '%s' -> %d %s\n", route.method, path.c_str(), token.c_str(), response.status,
                 response.body.c_str());
    std::abort();
  }
  if (std::string(route.path) == "/api/v1/whoami") {  // the token's own role and id ("role:id"), or 401
    const size_t colon = token.find(':');
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    const bool known = colon != std::string::npos;
    const bool right = known ? response.status == 200 && body.is_object() && body.contains("may") &&
                                   body.at("may").is_array() && body.value("role", "") == token.substr(0, colon) &&
                                   body.value("id", "") == token.substr(colon + 1)
                             : response.status == 401;
    if (!right) {
      std::fprintf(stderr, "whoami as '%s' -> %d %s\n", token.c_str(), response.status, response.body.c_str());
      std::abort();
    }
  }
  if (response.status >= 400) {
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("error")) std::abort();
    if (w.service->version() != version || w.heard != heard) {
      std::fprintf(stderr, "%s %s as '%s' -> %d changed the service\n", route.method, path.c_str(), token.c_str(),
                   response.status);
      std::abort();
    }
  }
  return 0;
}
