// The center's HTTP API on the fake cluster and a simulated clock: every route's happy path, tenants confined to
// their own jobs, and hostile requests — each answered with a 4xx whose {"error"} names the field at fault, and
// none of them changing the store or reaching the cluster.
//
// The cluster and tenants of npu_slurm/testing.h: rngd1, rngd2 (8 RNGD each), atom1 (8 ATOM, billing 0.5); programme
// public (voucher 100 h) over organisations univ (maximum RNGD 4, voucher 3 h; project univ-vision) and startup
// (projects startup-speech, maximum ATOM 2, and lab-open, without a maximum: it can fill the cluster, so jobs wait).

#include "npu_slurm/center_http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "npu_slurm/testing.h"

namespace bitgoeul::npu_slurm {
namespace {

using nlohmann::json;
using testing::kStart;

constexpr const char* kScript = "#!/bin/bash\nsleep 600\n";

class CenterHttpTest : public ::testing::Test, public testing::TestCenter {
 protected:
  void SetUp() override { start_with_tokens("npu_slurm_center_http", {.http = true}); }

  // Starts the center and issues the operator's and two tenants' tokens.
  void start_with_tokens(const std::string& name, const testing::TestCenterOptions& options) {
    Status started = start(name, options);
    ASSERT_TRUE(started.is_ok()) << started.to_string();
    Result<std::string> op = issue_first_operator_token(*store, clock);
    ASSERT_TRUE(op.is_ok()) << op.status().to_string();
    operator_ = *op;
    univ_ = issue("univ-vision");
    startup_ = issue("startup-speech");
  }

  std::string issue(const std::string& tenant) {
    Result<std::string> token = issue_token(tenant, "test " + tenant);
    EXPECT_TRUE(token.is_ok()) << token.status().to_string();
    return token.is_ok() ? *token : "";
  }

  HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "", std::map<std::string, std::string> query = {}) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.query = std::move(query);
    request.body = body;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return http->handle(request);
  }

  static json body_of(const HttpResponse& response) {
    json parsed = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << response.body;
    return parsed;
  }
  static std::string error_of(const HttpResponse& response) {
    const json parsed = body_of(response);
    EXPECT_TRUE(parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) << response.body;
    return parsed.value("error", std::string());
  }

  static std::string submit_body(const std::string& gres, const std::string& time = "10",
                                 const std::string& script = kScript) {
    return json{{"gres", gres}, {"time", time}, {"script", script}}.dump();
  }

  // Everything a request could change, as text: jobs, tokens, usage, vouchers, and what reached the cluster.
  std::string snapshot() {
    Result<std::vector<JobRow>> jobs = store->jobs(false);
    Result<std::vector<TokenRow>> tokens = store->tokens();
    Result<std::vector<UsageRow>> usage = store->usage();
    Result<std::vector<TenantRow>> tenants = store->tenants();
    if (!jobs.is_ok() || !tokens.is_ok() || !usage.is_ok() || !tenants.is_ok()) {
      ADD_FAILURE() << "the store cannot be read";
      return "";
    }
    std::string text;
    for (const JobRow& job : jobs.value()) {
      text += fmt::format("job {} {} {} {}\n", raw(job.id), job.tenant_name, job.state,
                          job.slurm_id ? raw(*job.slurm_id) : 0);
    }
    for (const TokenRow& token : tokens.value()) text += fmt::format("token {} {}\n", token.id, token.revoked);
    text += fmt::format("usage {}\n", usage->size());
    for (const TenantRow& tenant : tenants.value()) {
      text += fmt::format("tenant {} {}\n", tenant.name, tenant.voucher_burnt_hours);
    }
    text += fmt::format("submitted {}\n", backend->submit_count());
    return text;
  }

  std::string operator_, univ_, startup_;
};

TEST_F(CenterHttpTest, HealthNeedsNoToken) {
  const HttpResponse response = call("GET", "/health", "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body_of(response)["status"], "ok");
}

TEST_F(CenterHttpTest, SubmitListGetCancelAsTheOwner) {
  HttpResponse submitted = call("POST", "/api/v1/jobs", univ_,
                                json{{"gres", "npu:rngd:2"}, {"time", "60"}, {"name", "train"}, {"nodes", 1},
                                     {"script", kScript}}
                                    .dump());
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  const json job = body_of(submitted);
  EXPECT_EQ(job["tenant"], "univ-vision");
  EXPECT_EQ(job["name"], "train");
  EXPECT_EQ(job["gres"], "npu:rngd:2");
  EXPECT_EQ(job["devices"], 2);
  EXPECT_EQ(job["time_limit_s"], 3600);
  EXPECT_EQ(job["time_limit"], "01:00:00");
  EXPECT_TRUE(job["state"] == "PENDING" || job["state"] == "RUNNING") << job;
  EXPECT_DOUBLE_EQ(job["reserved_device_hours"].get<double>(), 2.0);
  ASSERT_TRUE(job["slurm_id"].is_number_integer());
  const int64_t id = job["id"].get<int64_t>();
  ASSERT_EQ(submitted.headers.size(), 1u);
  EXPECT_EQ(submitted.headers[0], std::make_pair(std::string("Location"), fmt::format("/api/v1/jobs/{}", id)));
  // Slurm got the script as sent.
  const SubmitSpec* spec = backend->spec(SlurmJobId{job["slurm_id"].get<uint64_t>()});
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->script, kScript);

  HttpResponse listed = call("GET", "/api/v1/jobs", univ_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(body_of(listed)["jobs"].size(), 1u);
  EXPECT_EQ(body_of(listed)["jobs"][0]["state"], "RUNNING");
  EXPECT_EQ(body_of(listed)["jobs"][0]["node_list"], "rngd1");

  HttpResponse one = call("GET", fmt::format("/api/v1/jobs/{}", id), univ_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(body_of(one)["id"], id);
  EXPECT_EQ(body_of(one)["start_s"], kStart);

  HttpResponse cancelled = call("DELETE", fmt::format("/api/v1/jobs/{}", id), univ_);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(body_of(cancelled)["state"], "CANCELLED");
  HttpResponse again = call("DELETE", fmt::format("/api/v1/jobs/{}", id), univ_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_of(again), fmt::format("job {}: already ended (CANCELLED)", id));
  // Ended jobs leave the default list and stay in ?all=1.
  EXPECT_TRUE(body_of(call("GET", "/api/v1/jobs", univ_))["jobs"].empty());
  EXPECT_EQ(body_of(call("GET", "/api/v1/jobs", univ_, "", {{"all", "1"}}))["jobs"].size(), 1u);
  EXPECT_EQ(body_of(call("GET", "/api/v1/jobs", univ_, "", {{"all", "true"}}))["jobs"].size(), 1u);
}

TEST_F(CenterHttpTest, ATenantNeverSeesOrTouchesAnotherTenantsJob) {
  HttpResponse submitted = call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1"));
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  const int64_t id = body_of(submitted)["id"].get<int64_t>();
  const std::string before = snapshot();

  // Another tenant's id reads exactly like an id that does not exist.
  HttpResponse foreign = call("GET", fmt::format("/api/v1/jobs/{}", id), startup_);
  HttpResponse missing = call("GET", "/api/v1/jobs/999", startup_);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_of(foreign), fmt::format("job {}: no such job of yours", id));
  EXPECT_EQ(error_of(missing), "job 999: no such job of yours");
  HttpResponse cancel = call("DELETE", fmt::format("/api/v1/jobs/{}", id), startup_);
  EXPECT_EQ(cancel.status, 404);
  EXPECT_EQ(error_of(cancel), fmt::format("job {}: no such job of yours", id));
  EXPECT_TRUE(body_of(call("GET", "/api/v1/jobs", startup_, "", {{"all", "1"}}))["jobs"].empty());
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(body_of(call("GET", fmt::format("/api/v1/jobs/{}", id), univ_))["state"], "RUNNING");

  // The operator sees and may cancel every job.
  EXPECT_EQ(body_of(call("GET", "/api/v1/jobs", operator_))["jobs"].size(), 1u);
  EXPECT_EQ(call("GET", fmt::format("/api/v1/jobs/{}", id), operator_).status, 200);
  EXPECT_EQ(call("DELETE", fmt::format("/api/v1/jobs/{}", id), operator_).status, 200);
}

TEST_F(CenterHttpTest, WaitingJobsShowTheirQueuePositionAndPredictedStart) {
  const std::string lab = issue("lab-open");
  // 16 cards for 10 minutes fill both RNGD nodes; the next job waits for them.
  HttpResponse first = call("POST", "/api/v1/jobs", lab,
                            json{{"gres", "npu:rngd:8"}, {"nodes", 2}, {"time", "10"}, {"script", kScript}}.dump());
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResponse second = call("POST", "/api/v1/jobs", lab, submit_body("npu:rngd:8"));
  ASSERT_EQ(second.status, 201) << second.body;
  const int64_t id = body_of(second)["id"].get<int64_t>();
  ASSERT_TRUE(http->sync().is_ok());
  const json waiting = body_of(call("GET", fmt::format("/api/v1/jobs/{}", id), lab));
  EXPECT_EQ(waiting["state"], "PENDING") << waiting;
  EXPECT_EQ(waiting["queue_position"], 1) << waiting;
  ASSERT_TRUE(waiting["eta_s"].is_number_integer()) << waiting;
  EXPECT_GT(waiting["eta_s"].get<int64_t>(), kStart);  // after the first job ends
  EXPECT_TRUE(waiting["released_s"].is_null()) << waiting;
  const json running = body_of(call("GET", fmt::format("/api/v1/jobs/{}", id - 1), lab));
  EXPECT_EQ(running["state"], "RUNNING") << running;
  EXPECT_TRUE(running["queue_position"].is_null()) << running;

  // When the first job ends the second starts; its predicted start is then measured against the actual one.
  clock.advance(600);
  ASSERT_TRUE(http->sync().is_ok());
  ASSERT_TRUE(http->sync().is_ok());
  HttpResponse accuracy = call("GET", "/api/v1/eta-accuracy", lab);
  ASSERT_EQ(accuracy.status, 200) << accuracy.body;
  const json report = body_of(accuracy);
  ASSERT_GE(report["samples"].size(), 1u) << report;
  bool found = false;
  for (const json& sample : report["samples"]) {
    if (sample["job"] != id) continue;
    found = true;
    EXPECT_EQ(sample["predicted_start_s"], waiting["eta_submit_s"]);
    EXPECT_GE(sample["actual_start_s"].get<int64_t>(), kStart + 600);
  }
  EXPECT_TRUE(found) << report;
  // Another tenant's jobs are not in its report.
  EXPECT_TRUE(body_of(call("GET", "/api/v1/eta-accuracy", univ_))["samples"].empty());
}

TEST_F(CenterHttpTest, OperatorSubmitsForANamedProjectOnly) {
  HttpResponse no_tenant = call("POST", "/api/v1/jobs", operator_, submit_body("npu:atom:1"));
  EXPECT_EQ(no_tenant.status, 400);
  EXPECT_EQ(error_of(no_tenant), "tenant: required with the operator's token");
  const json body = {{"gres", "npu:atom:1"}, {"time", "5"}, {"tenant", "startup-speech"}, {"script", kScript}};
  HttpResponse named = call("POST", "/api/v1/jobs", operator_, body.dump());
  ASSERT_EQ(named.status, 201) << named.body;
  EXPECT_EQ(body_of(named)["tenant"], "startup-speech");
}

TEST_F(CenterHttpTest, UsageAndTenantsAfterJobsEnd) {
  ASSERT_EQ(call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:2", "60", "#!/bin/bash\nsleep 1800\n")).status,
            201);
  ASSERT_EQ(call("POST", "/api/v1/jobs", startup_, submit_body("npu:atom:2", "90", "#!/bin/bash\nsleep 3600\n")).status,
            201);
  clock.advance(3600);
  Result<SyncReport> report = http->sync();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->charged, 2u);

  HttpResponse usage = call("GET", "/api/v1/usage", univ_);
  ASSERT_EQ(usage.status, 200) << usage.body;
  const json rows = body_of(usage);
  ASSERT_EQ(rows["jobs"].size(), 1u);  // its own job only
  EXPECT_EQ(rows["jobs"][0]["tenant"], "univ-vision");
  EXPECT_EQ(rows["jobs"][0]["elapsed_s"], 1800);
  EXPECT_EQ(rows["jobs"][0]["final_state"], "COMPLETED");
  EXPECT_DOUBLE_EQ(rows["jobs"][0]["billed_device_hours"].get<double>(), 1.0);
  ASSERT_EQ(rows["totals"].size(), 1u);
  EXPECT_DOUBLE_EQ(rows["totals"][0]["device_hours"].get<double>(), 1.0);
  const json all = body_of(call("GET", "/api/v1/usage", operator_));
  ASSERT_EQ(all["totals"].size(), 2u);
  EXPECT_DOUBLE_EQ(all["totals"][0]["billed_device_hours"].get<double>(), 1.0);  // startup-speech: 2 × 1 h × 0.5
  EXPECT_EQ(all["totals"][0]["tenant"], "startup-speech");

  HttpResponse tenants = call("GET", "/api/v1/tenants", univ_);
  ASSERT_EQ(tenants.status, 200) << tenants.body;
  const json list = body_of(tenants)["tenants"];
  ASSERT_EQ(list.size(), 1u);  // a project's token sees its project only
  EXPECT_EQ(list[0]["name"], "univ-vision");
  EXPECT_EQ(list[0]["kind"], "project");
  EXPECT_TRUE(list[0]["parent"].is_null());  // its parent is not visible to it
  const json everyone = body_of(call("GET", "/api/v1/tenants", operator_))["tenants"];
  ASSERT_EQ(everyone.size(), 6u);
  for (const json& tenant : everyone) {
    if (tenant["name"] == "univ") {
      EXPECT_EQ(tenant["parent"], "public");
      EXPECT_DOUBLE_EQ(tenant["maximum"]["RNGD"].get<double>(), 4.0);
      EXPECT_DOUBLE_EQ(tenant["voucher"]["granted_hours"].get<double>(), 3.0);
      EXPECT_DOUBLE_EQ(tenant["voucher"]["burnt_hours"].get<double>(), 1.0);
      EXPECT_DOUBLE_EQ(tenant["voucher"]["left_hours"].get<double>(), 2.0);
    }
    if (tenant["name"] == "startup") {
      EXPECT_TRUE(tenant["voucher"].is_null());
    }
  }
}

TEST_F(CenterHttpTest, TokensAreTheOperatorsToIssueListAndRevoke) {
  HttpResponse issued = call("POST", "/api/v1/tokens", operator_, R"({"tenant": "univ-vision", "label": "alice"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string alice = body_of(issued)["token"].get<std::string>();
  EXPECT_EQ(body_of(issued)["tenant"], "univ-vision");
  EXPECT_EQ(call("GET", "/api/v1/jobs", alice).status, 200);

  HttpResponse listed = call("GET", "/api/v1/tokens", operator_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  int64_t alice_id = 0;
  const json tokens = body_of(listed)["tokens"];
  for (const json& token : tokens) {
    EXPECT_FALSE(token.contains("token"));  // never the text
    if (token["label"] == "alice") alice_id = token["id"].get<int64_t>();
  }
  ASSERT_GT(alice_id, 0);

  // Tenants may do none of it, and their attempts change nothing.
  const std::string before = snapshot();
  for (const auto& [method, path, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", "/api/v1/tokens", R"({"tenant": "univ-vision"})"},
           {"GET", "/api/v1/tokens", ""},
           {"DELETE", fmt::format("/api/v1/tokens/{}", alice_id), ""}}) {
    HttpResponse refused = call(method, path, univ_, body);
    EXPECT_EQ(refused.status, 403) << method << " " << path;
    EXPECT_NE(error_of(refused).find("only the operator"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(snapshot(), before);

  HttpResponse revoked = call("DELETE", fmt::format("/api/v1/tokens/{}", alice_id), operator_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  HttpResponse refused = call("GET", "/api/v1/jobs", alice);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(error_of(refused), "token: revoked ('alice')");
  HttpResponse twice = call("DELETE", fmt::format("/api/v1/tokens/{}", alice_id), operator_);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(error_of(twice), fmt::format("token {}: already revoked", alice_id));
  EXPECT_EQ(call("DELETE", "/api/v1/tokens/4242", operator_).status, 404);
  // The last operator token cannot be revoked (the center would lose its operator).
  HttpResponse last = call("DELETE", "/api/v1/tokens/1", operator_);
  EXPECT_EQ(last.status, 409);
  EXPECT_NE(error_of(last).find("the last operator token"), std::string::npos);

  HttpResponse unknown_tenant = call("POST", "/api/v1/tokens", operator_, R"({"tenant": "nobody"})");
  EXPECT_EQ(unknown_tenant.status, 404);
  EXPECT_EQ(error_of(unknown_tenant), "tenant: unknown tenant 'nobody'");
  HttpResponse wrong_type = call("POST", "/api/v1/tokens", operator_, R"({"label": 7})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(error_of(wrong_type), "label: must be a string, e.g. \"alice\"");
  EXPECT_EQ(call("POST", "/api/v1/tokens", operator_, R"({"label": "a\nb"})").status, 400);
}

TEST_F(CenterHttpTest, MissingWrongAndRevokedTokensAreRefusedAndChangeNothing) {
  const std::string before = snapshot();
  const std::string body = submit_body("npu:rngd:1");
  HttpRequest basic;
  basic.method = "POST";
  basic.path = "/api/v1/jobs";
  basic.body = body;
  basic.headers["authorization"] = "Basic " + univ_;
  HttpResponse response = http->handle(basic);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(error_of(response), "a bearer token is required (Authorization: Bearer <token>)");
  EXPECT_EQ(call("POST", "/api/v1/jobs", "", body).status, 401);
  HttpResponse forged = call("POST", "/api/v1/jobs", "bgt_forged", body);
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(error_of(forged), "token: unknown to this center");
  HttpResponse long_token = call("POST", "/api/v1/jobs", std::string(10000, 'x'), body);
  EXPECT_EQ(long_token.status, 401);
  for (const char* path : {"/api/v1/jobs", "/api/v1/jobs/1", "/api/v1/usage", "/api/v1/tenants", "/api/v1/tokens"}) {
    EXPECT_EQ(call("GET", path, "").status, 401) << path;
  }
  EXPECT_EQ(call("DELETE", "/api/v1/tokens/1", "").status, 401);
  EXPECT_EQ(snapshot(), before);
}

struct HostileBody {
  const char* what;
  std::string body;
  int status;
  std::string error;  // the error message starts with this
};

TEST_F(CenterHttpTest, HostileSubmissionsGetAClearErrorNamingTheFieldAndChangeNothing) {
  const std::string good_script = json(kScript).dump();
  const auto with = [&](const std::string& members) {
    return "{\"gres\": \"npu:rngd:1\", \"time\": \"10\", \"script\": " + good_script + ", " + members + "}";
  };
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  const std::vector<HostileBody> cases = {
      {"empty body", "", 400, "body: not valid JSON"},
      {"truncated", "{\"gres\": \"npu:rn", 400, "body: not valid JSON"},
      {"an array", "[1, 2]", 400, "body: must be a JSON object"},
      {"a string", "\"npu:rngd:1\"", 400, "body: must be a JSON object"},
      {"deep nesting", deep, 400, "body: nested deeper than 8 levels"},
      {"deep nesting inside a field", with("\"x\": " + std::string(50, '[') + std::string(50, ']')), 400,
       "body: nested deeper"},
      {"NaN", with("\"nodes\": NaN"), 400, "body: not valid JSON"},
      {"Infinity", with("\"nodes\": Infinity"), 400, "body: not valid JSON"},
      {"invalid UTF-8", "{\"gres\": \"npu:rngd:1\xff\", \"time\": \"10\", \"script\": " + good_script + "}", 400,
       "body: not valid JSON"},
      {"unknown field", with("\"tennant\": \"startup-speech\""), 400, "body: unknown field 'tennant'"},
      {"gres a number", "{\"gres\": 4, \"time\": \"10\", \"script\": " + good_script + "}", 400,
       "gres: must be a string"},
      {"gres an object", "{\"gres\": {\"npu\": 4}, \"time\": \"10\", \"script\": " + good_script + "}", 400,
       "gres: must be a string"},
      {"gres missing", "{\"time\": \"10\", \"script\": " + good_script + "}", 400, "gres: required"},
      {"gres malformed", "{\"gres\": \"npu:rngd:lots\", \"time\": \"10\", \"script\": " + good_script + "}", 400,
       "gres 'npu:rngd:lots'"},
      {"gres unknown type", "{\"gres\": \"gpu:h100:1\", \"time\": \"10\", \"script\": " + good_script + "}", 400,
       "gres gpu:h100:1: no such device type in this center (it has npu:atom, npu:rngd)"},
      {"time a number", "{\"gres\": \"npu:rngd:1\", \"time\": 10, \"script\": " + good_script + "}", 400,
       "time: must be a string"},
      {"time missing", "{\"gres\": \"npu:rngd:1\", \"script\": " + good_script + "}", 400, "time: required"},
      {"time malformed", "{\"gres\": \"npu:rngd:1\", \"time\": \"10:99:99:99\", \"script\": " + good_script + "}", 400,
       "time"},
      {"time unlimited", "{\"gres\": \"npu:rngd:1\", \"time\": \"UNLIMITED\", \"script\": " + good_script + "}", 400,
       "time"},
      {"nodes a string", with("\"nodes\": \"2\""), 400, "nodes: must be an integer from 1 to 1024"},
      {"nodes fractional", with("\"nodes\": 1.5"), 400, "nodes: must be an integer from 1 to 1024"},
      {"nodes negative", with("\"nodes\": -1"), 400, "nodes: must be an integer from 1 to 1024"},
      {"nodes zero", with("\"nodes\": 0"), 400, "nodes: must be an integer from 1 to 1024"},
      {"nodes huge", with("\"nodes\": 1e300"), 400, "nodes: must be an integer from 1 to 1024"},
      {"nodes past 64 bits", with("\"nodes\": 99999999999999999999999"), 400,
       "nodes: must be an integer from 1 to 1024"},
      {"name with a control character", with("\"name\": \"a\\u0007b\""), 400, "name 'a"},
      {"name too long", with("\"name\": \"" + std::string(500, 'n') + "\""), 400, "name '"},
      {"name an array", with("\"name\": [\"x\"]"), 400, "name: must be a string"},
      {"tenant of someone else", with("\"tenant\": \"startup-speech\""), 403, "tenant 'startup-speech'"},
      {"tenant unknown", with("\"tenant\": \"nobody\""), 404, "tenant: unknown tenant 'nobody'"},
      {"tenant path traversal", with("\"tenant\": \"../../etc/passwd\""), 404,
       "tenant: tenant name '../../etc/passwd'"},
      {"tenant above the token's", with("\"tenant\": \"univ\""), 403,
       "tenant 'univ': the token of 'univ-vision' may not submit for it"},
      {"script missing", "{\"gres\": \"npu:rngd:1\", \"time\": \"10\"}", 400, "script: required"},
      {"script with a NUL byte",
       "{\"gres\": \"npu:rngd:1\", \"time\": \"10\", \"script\": \"#!/bin/bash\\u0000\\nsleep 1\\n\"}", 400,
       "script: script contains a NUL byte"},
      {"script without #!", "{\"gres\": \"npu:rngd:1\", \"time\": \"10\", \"script\": \"sleep 1\\n\"}", 400,
       "script: line 1"},
      {"script with #SBATCH",
       "{\"gres\": \"npu:rngd:1\", \"time\": \"10\", \"script\": \"#!/bin/bash\\n#SBATCH --gres=npu:rngd:8\\n\"}", 400,
       "script: line 2"},
      {"script over 1 MiB",
       "{\"gres\": \"npu:rngd:1\", \"time\": \"10\", \"script\": \"#!/bin/bash\\n" + std::string(1 << 20, '#') + "\"}",
       400, "script: script is"},
      {"more devices than the center has",
       "{\"gres\": \"npu:rngd:8\", \"nodes\": 4, \"time\": \"10\", \"script\": " + good_script + "}", 409,
       "rejected: 32 RNGD requested, but the center has 16"},
  };
  for (const HostileBody& c : cases) {
    const std::string before = snapshot();
    const HttpResponse response = call("POST", "/api/v1/jobs", univ_, c.body);
    EXPECT_EQ(response.status, c.status) << c.what << ": " << response.body;
    EXPECT_TRUE(error_of(response).starts_with(c.error)) << c.what << ": " << response.body;
    EXPECT_EQ(snapshot(), before) << c.what;
  }
  EXPECT_EQ(backend->submit_count(), 0u);
  EXPECT_TRUE(store->jobs(false)->empty());
}

TEST_F(CenterHttpTest, HostileIdsAndPathsAreRefusedWithoutTouchingAnything) {
  ASSERT_EQ(call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1")).status, 201);
  const std::string before = snapshot();
  // Paths as the server hands them over: already percent-decoded.
  const std::vector<std::string> ids = {"..", "-1", "0", "1e3", "0x1", "+1", " 1", "1 ", "1.0", "abc",
                                        std::string("1\0", 2), "99999999999999999999", ""};
  for (const std::string& id : ids) {
    for (const char* method : {"GET", "DELETE"}) {
      const HttpResponse response = call(method, "/api/v1/jobs/" + id, univ_);
      EXPECT_EQ(response.status, 400) << method << " '" << id << "': " << response.body;
      EXPECT_TRUE(error_of(response).starts_with("job id '")) << response.body;
    }
    const HttpResponse token = call("DELETE", "/api/v1/tokens/" + id, operator_);
    EXPECT_EQ(token.status, 400) << "token '" << id << "': " << token.body;
    EXPECT_TRUE(error_of(token).starts_with("token id '")) << token.body;
  }
  for (const char* path : {"/api/v1/jobs/../tokens", "/api/v1/jobs/1/..", "/api/v1/jobs/1/", "/api/v1/../v1/jobs",
                           "/api/v1/jobs//1", "/etc/passwd", "/api/v2/jobs", "/API/V1/JOBS"}) {
    const HttpResponse response = call("GET", path, operator_);
    EXPECT_EQ(response.status, 404) << path << ": " << response.body;
    EXPECT_EQ(error_of(response), "no such resource");
  }
  const HttpResponse put = call("PUT", "/api/v1/jobs", univ_, submit_body("npu:rngd:1"));
  EXPECT_EQ(put.status, 405);
  ASSERT_EQ(put.headers.size(), 1u);
  EXPECT_EQ(put.headers[0], std::make_pair(std::string("Allow"), std::string("GET, POST")));
  EXPECT_EQ(call("POST", "/api/v1/jobs/1", univ_).status, 405);
  EXPECT_EQ(call("GET", "/api/v1/tokens/1", operator_).status, 405);
  HttpResponse query = call("GET", "/api/v1/jobs", univ_, "", {{"all", "maybe"}});
  EXPECT_EQ(query.status, 400);
  EXPECT_EQ(error_of(query), "all 'maybe': must be 1, true, 0 or false");
  HttpResponse unknown = call("GET", "/api/v1/jobs", univ_, "", {{"tenant", "startup-speech"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_of(unknown), "query: unknown parameter 'tenant' (expected all)");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(CenterHttpTest, AFloodOfSubmissionsStopsAtTheQuotaAndLeavesNoTrace) {
  // univ's organisation quota is 4 RNGD: two jobs of 2 fit, every other one is refused before the cluster.
  int admitted = 0;
  for (int i = 0; i < 50; ++i) {
    const HttpResponse response = call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:2"));
    if (response.status == 201) {
      ++admitted;
      continue;
    }
    EXPECT_EQ(response.status, 409) << response.body;
    EXPECT_EQ(error_of(response),
              "rejected: quota exceeded for tenant 'univ-vision' (the quota of organisation 'univ'): 4 RNGD in use or "
              "queued + 2 requested > maximum 4");
  }
  EXPECT_EQ(admitted, 2);
  EXPECT_EQ(backend->submit_count(), 2u);
  EXPECT_EQ(store->jobs(false)->size(), 2u);
  // Other tenants are not affected.
  EXPECT_EQ(call("POST", "/api/v1/jobs", startup_, submit_body("npu:atom:2")).status, 201);
}

TEST_F(CenterHttpTest, ConcurrentSubmissionsTakeTurnsAndTheQuotaHolds) {
  // Four threads race 40 one-card submissions (and queue reads) against a quota of 4 cards.
  std::atomic<int> admitted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        const int status = call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1")).status;
        (status == 201 ? admitted : refused)++;
        EXPECT_EQ(call("GET", "/api/v1/jobs", univ_).status, 200);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 4);
  EXPECT_EQ(refused.load(), 36);
  EXPECT_EQ(backend->submit_count(), 4u);
}

TEST_F(CenterHttpTest, AClusterFailureIsA502ForWhatNeedsItAndReadsGoOn) {
  ASSERT_EQ(call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1")).status, 201);
  backend->set_unavailable(
      io_error("squeue failed (exit 1): slurm_load_jobs error: Unable to contact slurm controller"));
  const std::string before = snapshot();
  // Reads come from the store as the last sync left it.
  HttpResponse read = call("GET", "/api/v1/jobs", univ_);
  ASSERT_EQ(read.status, 200) << read.body;
  ASSERT_EQ(body_of(read)["jobs"].size(), 1u);
  EXPECT_EQ(body_of(read)["jobs"][0]["state"], "RUNNING");
  EXPECT_EQ(call("GET", "/api/v1/usage", univ_).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/tenants", univ_).status, 200);
  // What needs the cluster says why it cannot.
  HttpResponse down = call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1"));
  EXPECT_EQ(down.status, 502);
  EXPECT_NE(error_of(down).find("Unable to contact slurm controller"), std::string::npos);
  const int64_t id = body_of(read)["jobs"][0]["id"].get<int64_t>();
  EXPECT_EQ(call("DELETE", fmt::format("/api/v1/jobs/{}", id), univ_).status, 502);
  EXPECT_FALSE(http->sync().is_ok());
  EXPECT_EQ(snapshot(), before);
  backend->set_unavailable(Status::ok());
  EXPECT_EQ(call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1")).status, 201);
  EXPECT_TRUE(http->sync().is_ok());
}

TEST_F(CenterHttpTest, MetricsCountResponsesByRouteAndJobsByState) {
  ASSERT_EQ(call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:2")).status, 201);
  ASSERT_EQ(call("GET", "/api/v1/jobs/999", univ_).status, 404);
  ASSERT_EQ(call("GET", "/api/v1/jobs/998", univ_).status, 404);
  ASSERT_EQ(call("GET", "/nowhere", "").status, 404);
  ASSERT_TRUE(http->sync().is_ok());
  const HttpResponse metrics = call("GET", "/metrics", "");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4");
  const std::string& text = metrics.body;
  for (const char* line :
       {"bitgoeul_http_responses_total{route=\"/api/v1/jobs\",status=\"201\"} 1\n",
        "bitgoeul_http_responses_total{route=\"/api/v1/jobs/{id}\",status=\"404\"} 2\n",
        "bitgoeul_http_responses_total{route=\"unknown\",status=\"404\"} 1\n", "bitgoeul_npu_syncs_total 1\n",
        "bitgoeul_npu_sync_failures_total 0\n", "bitgoeul_npu_jobs{state=\"RUNNING\"} 1\n",
        "bitgoeul_npu_devices_held{device_type=\"RNGD\"} 2\n", "bitgoeul_npu_tenants{kind=\"project\"} 3\n",
        "bitgoeul_npu_tenants{kind=\"programme\"} 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin\n" << text;
  }
}

// --- Reads never wait for Slurm. The center calls the fake cluster through a gate: a call of the kind the test
// closes does its work, then waits until the test opens the gate, as a slow sbatch or squeue would. Assertions are on
// completion while the gate is closed, never on time.

using Call = testing::GatedBackend::Call;

class CenterHttpGatedTest : public CenterHttpTest {
 protected:
  void SetUp() override { start_with_tokens("npu_slurm_center_http_gated", {.http = true, .gated = true}); }

  // Opens the gate when it goes, before the futures declared ahead of it wait for their calls.
  struct OpenOnExit {
    testing::GatedBackend& gate;
    ~OpenOnExit() { gate.open(); }
  };

  static bool done(const std::future<HttpResponse>& future) {
    return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
};

TEST_F(CenterHttpGatedTest, ReadsAreAnsweredWhileASubmissionWaitsForSbatch) {
  HttpResponse first = call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:2"));
  ASSERT_EQ(first.status, 201) << first.body;
  const int64_t univ_job = body_of(first)["id"].get<int64_t>();

  gate->close(Call::kSubmit);
  std::future<HttpResponse> submitted = std::async(std::launch::async, [&] {
    return call("POST", "/api/v1/jobs", startup_, submit_body("npu:atom:1"));
  });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kSubmit);

  // sbatch has not returned. Every read is answered from the store meanwhile, for every tenant.
  HttpResponse health = call("GET", "/health", "");
  EXPECT_EQ(health.status, 200);
  HttpResponse metrics = call("GET", "/metrics", "");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("bitgoeul_npu_slurm_requests_waiting 1\n"), std::string::npos) << metrics.body;
  HttpResponse mine = call("GET", fmt::format("/api/v1/jobs/{}", univ_job), univ_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(body_of(mine)["state"], "RUNNING");
  HttpResponse listed = call("GET", "/api/v1/jobs", univ_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(body_of(listed)["jobs"].size(), 1u);
  for (const char* path : {"/api/v1/usage", "/api/v1/tenants", "/api/v1/eta-accuracy"}) {
    EXPECT_EQ(call("GET", path, univ_).status, 200) << path;
  }
  EXPECT_EQ(call("GET", "/api/v1/tokens", operator_).status, 200);
  // The submitter's own job was committed before sbatch ran: it reads as SUBMITTING, without a Slurm id.
  HttpResponse own = call("GET", "/api/v1/jobs", startup_);
  ASSERT_EQ(own.status, 200) << own.body;
  ASSERT_EQ(body_of(own)["jobs"].size(), 1u);
  EXPECT_EQ(body_of(own)["jobs"][0]["state"], "SUBMITTING");
  EXPECT_TRUE(body_of(own)["jobs"][0]["slurm_id"].is_null());
  // A request the store alone refuses does not wait for Slurm either.
  HttpResponse bad = call("POST", "/api/v1/jobs", univ_, submit_body("npu:h100:1"));
  EXPECT_EQ(bad.status, 400);
  HttpResponse over = call("POST", "/api/v1/jobs", univ_,
                           json{{"gres", "npu:rngd:8"}, {"nodes", 3}, {"time", "10"}, {"script", kScript}}.dump());
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(error_of(over), "rejected: 24 RNGD requested, but the center has 16");
  EXPECT_FALSE(done(submitted));  // the gate is still closed

  gate->open();
  const HttpResponse response = submitted.get();
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(body_of(response)["state"], "RUNNING");
  const json after = body_of(call("GET", "/api/v1/jobs", startup_));
  ASSERT_EQ(after["jobs"].size(), 1u);
  EXPECT_EQ(after["jobs"][0]["state"], "RUNNING");
  EXPECT_TRUE(after["jobs"][0]["slurm_id"].is_number_integer());
  EXPECT_EQ(backend->submit_count(), 2u);
}

TEST_F(CenterHttpGatedTest, ASubmissionWaitsForTheSyncInFlightAndBothLand) {
  ASSERT_EQ(call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:2")).status, 201);
  HttpResponse short_job = call("POST", "/api/v1/jobs", startup_, submit_body("npu:atom:2", "10", "#!/bin/sh\nsleep 60\n"));
  ASSERT_EQ(short_job.status, 201) << short_job.body;
  const int64_t ended = body_of(short_job)["id"].get<int64_t>();
  clock.advance(60);  // the short job ends in the cluster; the store does not know yet

  gate->close(Call::kListJobs);
  std::future<Result<SyncReport>> synced = std::async(std::launch::async, [&] { return http->sync(); });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kListJobs);
  // squeue has answered but the sync has not committed: reads give the store's state, at once.
  HttpResponse stale = call("GET", fmt::format("/api/v1/jobs/{}", ended), startup_);
  ASSERT_EQ(stale.status, 200) << stale.body;
  EXPECT_EQ(body_of(stale)["state"], "RUNNING");
  EXPECT_EQ(call("GET", "/health", "").status, 200);
  EXPECT_EQ(call("GET", "/metrics", "").status, 200);
  // A submission needs the cluster: it takes its turn after the sync, and sbatch is not run meanwhile.
  std::future<HttpResponse> submitted = std::async(std::launch::async, [&] {
    return call("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1"));
  });
  EXPECT_EQ(backend->submit_count(), 2u);
  EXPECT_FALSE(done(submitted));

  gate->open();
  Result<SyncReport> report = synced.get();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  const HttpResponse response = submitted.get();
  ASSERT_EQ(response.status, 201) << response.body;
  // Both changes are there: the sync's charge and the submission.
  const json job = body_of(call("GET", fmt::format("/api/v1/jobs/{}", ended), startup_));
  EXPECT_EQ(job["state"], "COMPLETED");
  EXPECT_TRUE(job["charged"].get<bool>());
  const json univ_jobs = body_of(call("GET", "/api/v1/jobs", univ_))["jobs"];
  ASSERT_EQ(univ_jobs.size(), 2u);
  for (const json& j : univ_jobs) EXPECT_EQ(j["state"], "RUNNING") << j;
  EXPECT_EQ(body_of(call("GET", "/api/v1/usage", startup_))["jobs"].size(), 1u);
}

TEST_F(CenterHttpGatedTest, RequestsThatNeedSlurmBeyondTheirSlotsGet503AndReadsGoOn) {
  CenterHttp limited(*center, {.slurm_request_slots = 1});
  const auto request = [&](const std::string& method, const std::string& path, const std::string& token,
                           const std::string& body) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.target = path;
    r.body = body;
    r.headers["authorization"] = "Bearer " + token;
    return limited.handle(r);
  };
  gate->close(Call::kSubmit);
  std::future<HttpResponse> first = std::async(std::launch::async, [&] {
    return request("POST", "/api/v1/jobs", univ_, submit_body("npu:rngd:1"));
  });
  const OpenOnExit open_on_exit{*gate};
  ASSERT_EQ(gate->wait_until_held(), Call::kSubmit);
  const HttpResponse second = request("POST", "/api/v1/jobs", startup_, submit_body("npu:atom:1"));
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(error_of(second), "busy: 1 request(s) already wait for Slurm; try again shortly");
  ASSERT_EQ(second.headers.size(), 1u);
  EXPECT_EQ(second.headers[0], std::make_pair(std::string("Retry-After"), std::string("1")));
  EXPECT_EQ(request("GET", "/api/v1/jobs", startup_, "").status, 200);
  EXPECT_FALSE(done(first));
  gate->open();
  EXPECT_EQ(first.get().status, 201);
  // The slot is given back: the next submission goes through.
  EXPECT_EQ(request("POST", "/api/v1/jobs", startup_, submit_body("npu:atom:1")).status, 201);
  HttpRequest scrape;
  scrape.method = "GET";
  scrape.path = "/metrics";
  const std::string metrics = limited.handle(scrape).body;
  EXPECT_NE(metrics.find("bitgoeul_npu_busy_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("bitgoeul_npu_slurm_requests_waiting 0\n"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
