// The dispatch service's handler in-process on the pilot map under its permit (asanH.clean.osm, songpa-pilot), with
// its SQLite store in a temporary directory: what one call costs, store commit included, without HTTP.
//   RideRequest/V   a rider's request admitted by the permit and dispatched at once among V registered vehicles (the
//                   ride is cancelled again outside the timing, so the fleet stays as busy as it started)
//   Telemetry/B     one batch of B positions of 1,000 registered vehicles (one transaction)
// The targets: p99 assignment latency under 100 ms at 200 requests/s, 5,000 position updates/s, on 2 cores.

#include <filesystem>
#include <fstream>
#include <random>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/token.h"
#include "taxi/rules/permit.h"
#include "taxi_service/service.h"

namespace bitgoeul::taxi_service {
namespace {

using nlohmann::json;

struct Bench {
  std::filesystem::path dir;
  SimulatedClock clock{0};
  std::unique_ptr<TaxiService> service;
  std::vector<std::pair<double, double>> places;  // where vehicles registered

  explicit Bench(int vehicles) {
    dir = std::filesystem::temp_directory_path() / ("bitgoeul_taxi_service_bench_" + std::to_string(vehicles));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "access.toml") << "[[token]]\nrole = \"rider\"\nid = \"ann\"\nsha256 = \"" << *token_hash("rider")
                                        << "\"\n[[token]]\nrole = \"gateway\"\nid = \"gw\"\nsha256 = \""
                                        << *token_hash("gateway") << "\"\n";
    // Wednesday 2026-11-25, 08:00 in Seoul: open, before the permit's 08:30 suspension.
    clock.set(taxi::rules::midnight_s({2026, 11, 25}) + 8 * 3600 - 9 * 3600);
    ServiceOptions options;
    options.map = std::string(BITGOEUL_SHARED_DATA_DIR) + "/osm/asanH.clean.osm";
    options.permit = std::string(BITGOEUL_SOURCE_DIR) + "/scenarios/permits/songpa-pilot/permit.toml";
    options.access = (dir / "access.toml").string();
    options.db = (dir / "state.sqlite").string();
    auto created = TaxiService::create(options, clock);
    if (!created.is_ok()) throw std::runtime_error(created.status().to_string());
    service = std::move(created).value();
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> lat(37.509, 37.532);
    std::uniform_real_distribution<double> lon(127.087, 127.117);
    for (int v = 0; static_cast<int>(places.size()) < vehicles; ++v) {
      const double a = lat(random), b = lon(random);
      const HttpResponse response = call("POST", "/api/v1/vehicles/v" + std::to_string(places.size()) + "/register",
                                         "gateway", json{{"lat", a}, {"lon", b}}.dump());
      if (response.status == 201) places.emplace_back(a, b);
    }
  }
  ~Bench() {
    service.reset();
    std::filesystem::remove_all(dir);
  }
  HttpResponse call(const std::string& method, const std::string& path, const std::string& token, std::string body) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.body = std::move(body);
    request.headers["authorization"] = "Bearer " + token;
    return service->handle(request);
  }
};

void RideRequest(benchmark::State& state) {
  Bench bench(static_cast<int>(state.range(0)));
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> lat(37.509, 37.532);
  std::uniform_real_distribution<double> lon(127.087, 127.117);
  int64_t assigned = 0, requests = 0;
  for (auto _ : state) {
    const std::string body = json{{"origin", {{"lat", lat(random)}, {"lon", lon(random)}}},
                                  {"destination", {{"lat", lat(random)}, {"lon", lon(random)}}}}
                                 .dump();
    const HttpResponse response = bench.call("POST", "/api/v1/rides", "rider", body);
    state.PauseTiming();
    const json ride = json::parse(response.body);
    ++requests;
    if (ride["status"] == "assigned") ++assigned;
    if (ride["status"] == "assigned" || ride["status"] == "waiting") {
      bench.call("DELETE", "/api/v1/rides/" + ride["id"].get<std::string>(), "rider", "");
    }
    state.ResumeTiming();
  }
  state.counters["assigned_share"] = requests > 0 ? static_cast<double>(assigned) / static_cast<double>(requests) : 0.0;
}
BENCHMARK(RideRequest)->Arg(36)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void Telemetry(benchmark::State& state) {
  Bench bench(1000);
  const auto batch = static_cast<size_t>(state.range(0));
  std::mt19937_64 random(13);
  std::normal_distribution<double> jitter(0.0, 0.0002);  // about 20 m
  double time = static_cast<double>(bench.clock.now_s());
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    json positions = json::array();
    time += 1.0;
    for (size_t i = 0; i < batch; ++i, next = (next + 1) % bench.places.size()) {
      positions.push_back({{"vehicle", "v" + std::to_string(next)}, {"time", time},
                           {"lat", bench.places[next].first + jitter(random)},
                           {"lon", bench.places[next].second + jitter(random)}, {"status", "available"}});
    }
    const std::string body = json{{"positions", std::move(positions)}}.dump();
    state.ResumeTiming();
    const HttpResponse response = bench.call("POST", "/api/v1/telemetry", "gateway", body);
    if (response.status != 200) state.SkipWithError(response.body.c_str());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(batch));
}
BENCHMARK(Telemetry)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace bitgoeul::taxi_service
