// libFuzzer target for the center's HTTP API (CenterHttp) on the fake cluster: arbitrary bodies, ids and query
// values under a tenant's, a forged or no token. Invariants: the handler never throws or crashes, every response
// but /metrics is a JSON object, every 4xx/5xx carries {"error": string} and leaves the store and the cluster as
// they were. Seed corpus: tests/fuzz/center_http/.
//
// Input: byte 0 picks the route, byte 1 the token; the rest is the body, the path id or the query value.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "npu_slurm/center.h"
#include "npu_slurm/center_http.h"
#include "npu_slurm/testing.h"

namespace {

using namespace bitgoeul;
using namespace bitgoeul::npu_slurm;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "center_http_fuzz: %s\n", why.c_str());
  std::abort();
}

// The center of npu_slurm/testing.h, with vouchers too large to run out: a long run keeps admitting jobs.
struct World : testing::TestCenter {
  std::string tenant_token, other_token;

  World() {
    Status started =
        start("center_http_fuzz", {.tenants = {.public_voucher_h = 1e6, .univ_voucher_h = 1000}, .http = true});
    if (!started.is_ok()) die(started.to_string());
    if (!issue_first_operator_token(*store, clock).is_ok()) die("first operator token");
    Result<std::string> tenant = issue_token("univ-vision", "fuzz");
    Result<std::string> other = issue_token("startup-speech", "fuzz");
    if (!tenant.is_ok() || !other.is_ok()) die("tenant tokens");
    tenant_token = *tenant;
    other_token = *other;
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
