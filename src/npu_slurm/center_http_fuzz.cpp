// libFuzzer target for the center's HTTP API (CenterHttp) on the fake cluster: arbitrary bodies, ids and query
// values under a tenant's, a forged or no token. Invariants: the handler never throws or crashes, every response
// but /metrics is a JSON object, every 4xx/5xx carries {"error": string} and leaves the store and the cluster as
// they were. Seed corpus: tests/fuzz/center_http/.
//
// Input: byte 0 picks the route, byte 1 the token; the rest is the body, the path id or the query value.

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "npu/cluster_file.h"
#include "npu/tenants.h"
#include "npu_slurm/center.h"
#include "npu_slurm/center_http.h"
#include "npu_slurm/fake_backend.h"

namespace {

using namespace bitgoeul;
using namespace bitgoeul::npu_slurm;

constexpr const char* kCluster = R"(
name = "fuzz"
[[device_types]]
name = "RNGD"
vendor = "FuriosaAI"
resource = "furiosa.ai/rngd"
[[nodes]]
name = "rngd"
count = 2
device_type = "RNGD"
devices = 8
)";

constexpr const char* kTenants = R"(
[[tenants]]
name = "public"
kind = "programme"
[[tenants]]
name = "univ"
kind = "organisation"
parent = "public"
maximum = { RNGD = 4 }
voucher_device_hours = 1000
[[tenants]]
name = "univ-vision"
kind = "project"
parent = "univ"
[[tenants]]
name = "startup"
kind = "organisation"
parent = "public"
[[tenants]]
name = "other"
kind = "project"
parent = "startup"
maximum = { RNGD = 4 }
)";

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "center_http_fuzz: %s\n", why.c_str());
  std::abort();
}

struct World {
  std::string dir;
  SimulatedClock clock{1'800'000'000};
  std::optional<CenterStore> store;
  std::optional<FakeBackend> backend;
  std::optional<Center> center;
  std::optional<CenterHttp> http;
  std::string tenant_token, other_token;

  World() {
    char dir_template[] = "/tmp/center_http_fuzz_XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) die("mkdtemp failed");
    dir = dir_template;
    Result<CenterStore> opened = CenterStore::open(dir + "/center.sqlite", true);
    if (!opened.is_ok()) die(opened.status().to_string());
    store.emplace(std::move(*opened));
    Result<npu::Cluster> cluster = npu::parse_cluster(kCluster, "cluster.toml");
    if (!cluster.is_ok()) die(cluster.status().to_string());
    Result<npu::Tenants> tenants = npu::parse_tenants(kTenants, "tenants.toml", *cluster);
    if (!tenants.is_ok()) die(tenants.status().to_string());
    if (!store->import_registry(*cluster, *tenants).is_ok()) die("import_registry failed");
    backend.emplace(std::vector<FakeNode>{{"rngd1", "npu", "rngd", 8}, {"rngd2", "npu", "rngd", 8}}, clock);
    center.emplace(*store, *backend, clock, CenterOptions{dir + "/jobs", 120});
    http.emplace(*center, *store);
    if (!issue_first_operator_token(*store, clock).is_ok()) die("first operator token");
    Principal op;
    op.name = "operator";
    tenant_token = *center->issue_token(op, "univ-vision", "fuzz");
    other_token = *center->issue_token(op, "other", "fuzz");
  }

  ~World() {
    http.reset();
    center.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // Everything a request could change.
  std::string snapshot() {
    Result<std::vector<JobRow>> jobs = store->jobs(false);
    Result<std::vector<TokenRow>> tokens = store->tokens();
    Result<std::vector<TenantRow>> tenants = store->tenants();
    if (!jobs.is_ok() || !tokens.is_ok() || !tenants.is_ok()) die("the store cannot be read");
    std::string text;
    for (const JobRow& job : jobs.value()) text += fmt::format("{} {} {};", raw(job.id), job.state, job.charged);
    for (const TokenRow& token : tokens.value()) text += fmt::format("t{} {};", token.id, token.revoked);
    for (const TenantRow& tenant : tenants.value()) {
      text += fmt::format("{} {};", tenant.name, tenant.voucher_burnt_hours);
    }
    return text + fmt::format("{}", backend->submit_count());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size < 2) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  HttpRequest request;
  switch (data[0] % 7) {
    case 0: request.method = "POST"; request.path = "/api/v1/jobs"; request.body = rest; break;
    case 1: request.method = "GET"; request.path = "/api/v1/jobs/" + rest; break;
    case 2: request.method = "DELETE"; request.path = "/api/v1/jobs/" + rest; break;
    case 3: request.method = "GET"; request.path = "/api/v1/jobs"; request.query["all"] = rest; break;
    case 4: request.method = "POST"; request.path = "/api/v1/tokens"; request.body = rest; break;
    case 5: request.method = "DELETE"; request.path = "/api/v1/tokens/" + rest; break;
    default: request.method = rest.substr(0, 8); request.path = "/" + rest; break;
  }
  request.target = request.path;
  switch (data[1] % 4) {
    case 0: request.headers["authorization"] = "Bearer " + world.tenant_token; break;
    case 1: request.headers["authorization"] = "Bearer " + world.other_token; break;
    case 2: request.headers["authorization"] = "Bearer " + rest.substr(0, 80); break;
    default: break;
  }
  // Bring the world to a fixed point first: the request's own sync must then find nothing to do, so anything a
  // refused request changed is the request's doing.
  for (int pass = 0; pass < 5; ++pass) {
    Result<SyncReport> report = world.http->sync();
    if (!report.is_ok()) die("sync: " + report.status().to_string());
    if (report->updated == 0 && report->charged == 0 && report->released == 0) break;
  }
  const std::string before = world.snapshot();
  const HttpResponse response = world.http->handle(request);
  if (response.status < 200 || response.status > 599) die(fmt::format("status {}", response.status));
  if (request.path == "/metrics") return 0;
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) die("not a JSON object: " + response.body);
  if (response.status >= 400) {
    if (!body.contains("error") || !body["error"].is_string()) die("an error without {\"error\"}: " + response.body);
    if (world.snapshot() != before) die(fmt::format("HTTP {} changed the store: {}", response.status, response.body));
  }
  // Let jobs end now and then, so quota frees up and submissions keep being admitted.
  world.clock.advance(30);
  return 0;
}
