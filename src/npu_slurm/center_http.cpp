#include "npu_slurm/center_http.h"

#include <algorithm>
#include <exception>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "npu_slurm/job_request.h"

namespace bitgoeul::npu_slurm {
namespace {

using nlohmann::json;

constexpr std::string_view kJobsPath = "/api/v1/jobs";
constexpr std::string_view kTokensPath = "/api/v1/tokens";
// Request bodies are flat objects; anything nested deeper is refused before it is parsed.
constexpr int kMaxBodyDepth = 8;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

HttpResponse reply(const json& value, int status = 200) { return HttpResponse::json(dump(value), status); }

// User text quoted in an error: at most 40 bytes (JSON escapes the rest of the damage).
std::string shown(std::string_view text) {
  return text.size() <= 40 ? std::string(text) : std::string(text.substr(0, 40)) + "...";
}

// Center's messages name the `bitgoeul npu` flags; the API names its fields.
std::string field_names(std::string message) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kFlags = {
      {"--gres", "gres"}, {"--time", "time"}, {"--nodes", "nodes"}, {"--job-name", "name"},
      {"--tenant", "tenant"}, {"--label", "label"}};
  for (const auto& [flag, field] : kFlags) {
    if (message.starts_with(flag) && message.size() > flag.size() &&
        (message[flag.size()] == ' ' || message[flag.size()] == ':')) {
      return std::string(field) + message.substr(flag.size());
    }
  }
  return message;
}

// Status codes: 400 a field is wrong; 403 the token may not do this; 404 no such thing (of the caller's); 409 the
// request is well-formed but the center's state refuses it (quota, voucher, capacity, an ended job); 502 the
// cluster engine failed; 500 a bug or a broken store.
HttpResponse failure(const Status& status) {
  const std::string message = field_names(status.message());
  switch (status.code()) {
    case ErrorCode::kInvalidInput:
      if (message.starts_with("rejected:")) return HttpResponse::error(409, message);
      if (message.find("may not submit") != std::string::npos) return HttpResponse::error(403, message);
      return HttpResponse::error(400, message);
    case ErrorCode::kUnsupported:
      return HttpResponse::error(400, message);
    case ErrorCode::kNotFound:
      return HttpResponse::error(404, message);
    case ErrorCode::kIo:
      return HttpResponse::error(502, message);
    default:
      return HttpResponse::error(500, status.to_string());
  }
}

// Deepest nesting of arrays and objects in `text`, counted outside strings; stops counting past `limit`.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size() && deepest <= limit; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// The body as a JSON object with only `allowed` members; otherwise why not (a typo such as "tennant" must not
// silently submit for the token's default tenant).
Result<json> parse_body(const std::string& body, std::initializer_list<std::string_view> allowed) {
  if (nesting_depth(body, kMaxBodyDepth) > kMaxBodyDepth) {
    return invalid_input("body: nested deeper than {} levels", kMaxBodyDepth);
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return invalid_input("body: not valid JSON (UTF-8, no NaN or Infinity)");
  if (!parsed.is_object()) return invalid_input("body: must be a JSON object");
  for (const auto& [key, value] : parsed.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string names;
      for (std::string_view name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
      return invalid_input("body: unknown field '{}' (expected {})", shown(key), names);
    }
  }
  return parsed;
}

// A string member, "" when absent; an error naming the field when it is not a string.
Status string_field(const json& body, const char* key, const char* example, std::string& out) {
  const auto found = body.find(key);
  if (found == body.end() || found->is_null()) return Status::ok();
  if (!found->is_string()) return invalid_input("{}: must be a string, e.g. {}", key, example);
  out = found->get<std::string>();
  return Status::ok();
}

// The center's job id or a token id from a path segment: digits only (no signs, dots or slashes).
Result<int64_t> path_id(std::string_view text, const char* what) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid_input("{} '{}': must be a positive integer", what, shown(text));
  }
  const int64_t id = std::stoll(std::string(text));
  if (id <= 0) return invalid_input("{} '{}': must be a positive integer", what, shown(text));
  return id;
}

json optional_int(const std::optional<int64_t>& value) { return value ? json(*value) : json(nullptr); }

json devices_json(const std::map<std::string, int64_t>& milli) {
  json out = json::object();
  for (const auto& [type, m] : milli) out[type] = static_cast<double>(m) / 1000.0;
  return out;
}

json job_json(const JobRow& job) {
  return {{"id", raw(job.id)},
          {"slurm_id", job.slurm_id ? json(raw(*job.slurm_id)) : json(nullptr)},
          {"tenant", job.tenant_name},
          {"name", job.name},
          {"gres", job.gres.to_string()},
          {"nodes", job.nodes},
          {"devices", job.devices()},
          {"device_type", job.device_type},
          {"time_limit_s", job.time_limit_s},
          {"time_limit", format_duration(job.time_limit_s)},
          {"reserved_device_hours", job.reserved_device_hours},
          {"submitted_s", job.submitted_s},
          {"state", job.state},
          {"reason", job.reason},
          {"node_list", job.node_list},
          {"start_s", optional_int(job.start_s)},
          {"end_s", optional_int(job.end_s)},
          {"charged", job.charged},
          {"queue_position", optional_int(job.queue_position)},
          {"eta_s", optional_int(job.eta_s)},
          {"eta_submit_s", optional_int(job.eta_submit_s)},
          {"released_s", optional_int(job.released_s)},
          {"planned_nodes", job.planned_nodes}};
}

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Result<SyncReport> CenterHttp::sync() {
  Result<SyncReport> report = center_->sync();
  std::lock_guard lock(counters_mutex_);
  ++syncs_;
  if (!report.is_ok()) ++sync_failures_;
  return report;
}

HttpResponse CenterHttp::handle(const HttpRequest& request) {
  std::string route_name = "unknown";
  HttpResponse response;
  try {
    response = route(request, route_name);
  } catch (const std::exception& exception) {
    response = HttpResponse::error(500, std::string("internal error: ") + exception.what());
  }
  std::lock_guard lock(counters_mutex_);
  ++served_[{route_name, response.status}];
  return response;
}

bool CenterHttp::take_slurm_slot() {
  if (options_.slurm_request_slots <= 0) {
    ++slurm_requests_;
    return true;
  }
  int taken = slurm_requests_.load();
  while (taken < options_.slurm_request_slots) {
    if (slurm_requests_.compare_exchange_weak(taken, taken + 1)) return true;
  }
  std::lock_guard lock(counters_mutex_);
  ++busy_;
  return false;
}

namespace {

// Gives a Slurm request slot back, whatever way the request leaves.
struct SlotRelease {
  std::atomic<int>& taken;
  ~SlotRelease() { --taken; }
};

HttpResponse busy(int slots) {
  HttpResponse response = HttpResponse::error(
      503, fmt::format("busy: {} request(s) already wait for Slurm; try again shortly", slots));
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace

HttpResponse CenterHttp::route(const HttpRequest& request, std::string& route_name) {
  // The route's template (ids replaced by {id}, so metrics stay bounded), its methods, and the id segment.
  const std::string& path = request.path;
  std::string id_text;
  std::vector<std::string_view> methods;
  if (path == "/health" || path == "/metrics" || path == "/api/v1/usage" || path == "/api/v1/tenants" ||
      path == "/api/v1/eta-accuracy") {
    route_name = path;
    methods = {"GET"};
  } else if (path == kJobsPath || path == kTokensPath) {
    route_name = path;
    methods = {"GET", "POST"};
  } else if (path.starts_with(std::string(kJobsPath) + "/") &&
             path.find('/', kJobsPath.size() + 1) == std::string::npos) {
    route_name = std::string(kJobsPath) + "/{id}";
    id_text = path.substr(kJobsPath.size() + 1);
    methods = {"GET", "DELETE"};
  } else if (path.starts_with(std::string(kTokensPath) + "/") &&
             path.find('/', kTokensPath.size() + 1) == std::string::npos) {
    route_name = std::string(kTokensPath) + "/{id}";
    id_text = path.substr(kTokensPath.size() + 1);
    methods = {"DELETE"};
  } else {
    return HttpResponse::error(404, "no such resource");
  }
  if (std::find(methods.begin(), methods.end(), request.method) == methods.end()) {
    std::string allowed;
    for (std::string_view m : methods) allowed += (allowed.empty() ? "" : ", ") + std::string(m);
    HttpResponse response = HttpResponse::error(405, fmt::format("method {} not allowed on {} (allowed: {})",
                                                                 shown(request.method), route_name, allowed));
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  if (path == "/health") return reply({{"status", "ok"}});
  if (path == "/metrics") return {200, "text/plain; version=0.0.4", metrics_text(), {}};

  const std::string token = request.bearer_token();
  if (token.empty()) return HttpResponse::error(401, "a bearer token is required (Authorization: Bearer <token>)");
  Result<Principal> caller = center_->authenticate(token);
  if (!caller.is_ok()) {
    if (caller.status().code() == ErrorCode::kInvalidInput) return HttpResponse::error(401, caller.status().message());
    return failure(caller.status());
  }

  if (route_name == kJobsPath) return request.method == "POST" ? submit(*caller, request) : list_jobs(*caller, request);
  if (route_name == std::string(kJobsPath) + "/{id}") {
    return request.method == "GET" ? get_job(*caller, id_text) : cancel_job(*caller, id_text);
  }
  if (path == "/api/v1/usage") return usage(*caller);
  if (path == "/api/v1/tenants") return tenants(*caller);
  if (path == "/api/v1/eta-accuracy") return eta_accuracy(*caller);
  if (route_name == kTokensPath) {
    return request.method == "POST" ? issue_token(*caller, request) : list_tokens(*caller);
  }
  return revoke_token(*caller, id_text);
}

HttpResponse CenterHttp::submit(const Principal& caller, const HttpRequest& request) {
  Result<json> body = parse_body(request.body, {"gres", "time", "tenant", "nodes", "name", "script"});
  if (!body.is_ok()) return failure(body.status());
  SubmitRequest submission;
  for (const Status& field : {string_field(*body, "gres", "\"npu:rngd:4\"", submission.gres),
                              string_field(*body, "time", "\"00:10:00\"", submission.time_limit),
                              string_field(*body, "tenant", "\"univ-lab\"", submission.tenant),
                              string_field(*body, "name", "\"train-resnet\"", submission.job_name),
                              string_field(*body, "script", "\"#!/bin/bash\\nsleep 60\\n\"", submission.script)}) {
    if (!field.is_ok()) return failure(field);
  }
  // Required here with the API's names (Center would name the CLI's flags or the script's source).
  if (submission.gres.empty()) return HttpResponse::error(400, "gres: required, e.g. \"npu:rngd:4\"");
  if (submission.time_limit.empty()) return HttpResponse::error(400, "time: required, e.g. \"00:10:00\"");
  if (body->find("script") == body->end()) {
    return HttpResponse::error(400, "script: required (the batch script's text)");
  }
  if (const auto nodes = body->find("nodes"); nodes != body->end() && !nodes->is_null()) {
    const bool in_range =
        nodes->is_number_unsigned() && nodes->get<uint64_t>() >= 1 && nodes->get<uint64_t>() <= kMaxNodes;
    if (!in_range) return HttpResponse::error(400, fmt::format("nodes: must be an integer from 1 to {}", kMaxNodes));
    submission.nodes = static_cast<int64_t>(nodes->get<uint64_t>());
  }
  submission.script_source = "script";
  if (!take_slurm_slot()) return busy(options_.slurm_request_slots);
  const SlotRelease slot{slurm_requests_};
  Result<JobRow> job = center_->submit(caller, submission);
  if (!job.is_ok()) return failure(job.status());
  HttpResponse response = reply(job_json(*job), 201);
  response.headers.emplace_back("Location", fmt::format("{}/{}", kJobsPath, raw(job->id)));
  return response;
}

HttpResponse CenterHttp::list_jobs(const Principal& caller, const HttpRequest& request) {
  bool all = false;
  for (const auto& [key, value] : request.query) {
    if (key != "all") {
      return HttpResponse::error(400, fmt::format("query: unknown parameter '{}' (expected all)", shown(key)));
    }
    if (value == "1" || value == "true") {
      all = true;
    } else if (value != "0" && value != "false") {
      return HttpResponse::error(400, fmt::format("all '{}': must be 1, true, 0 or false", shown(value)));
    }
  }
  Result<std::vector<JobRow>> jobs = center_->stored_jobs(caller, all);
  if (!jobs.is_ok()) return failure(jobs.status());
  json list = json::array();
  for (const JobRow& job : *jobs) list.push_back(job_json(job));
  return reply({{"jobs", std::move(list)}});
}

HttpResponse CenterHttp::get_job(const Principal& caller, const std::string& id_text) {
  Result<int64_t> id = path_id(id_text, "job id");
  if (!id.is_ok()) return failure(id.status());
  // The caller's jobs only, through Center's own scope rule: another tenant's id reads as a missing one.
  Result<JobRow> job = center_->stored_job(caller, CenterJobId{*id});
  if (!job.is_ok()) return failure(job.status());
  return reply(job_json(*job));
}

HttpResponse CenterHttp::cancel_job(const Principal& caller, const std::string& id_text) {
  Result<int64_t> id = path_id(id_text, "job id");
  if (!id.is_ok()) return failure(id.status());
  Result<JobRow> job = center_->stored_job(caller, CenterJobId{*id});
  if (!job.is_ok()) return failure(job.status());
  if (!job->active()) return HttpResponse::error(409, fmt::format("job {}: already ended ({})", *id, job->state));
  if (!job->slurm_id) {
    return HttpResponse::error(409, fmt::format("job {}: not in the cluster yet ({}); try again", *id, job->state));
  }
  // Center cancels by Slurm id; make sure that id still means this job (a controller that lost its state reuses ids).
  Result<std::optional<JobRow>> holder =
      center_->with_store([&](CenterStore& store) { return store.job_by_slurm_id(*job->slurm_id); });
  if (!holder.is_ok()) return failure(holder.status());
  if (!*holder || (*holder)->id != job->id) {
    return HttpResponse::error(409, fmt::format("job {}: its Slurm id {} now belongs to another job", *id,
                                                raw(*job->slurm_id)));
  }
  if (!take_slurm_slot()) return busy(options_.slurm_request_slots);
  const SlotRelease slot{slurm_requests_};
  Result<JobRow> cancelled = center_->cancel(caller, *job->slurm_id);
  if (!cancelled.is_ok()) return failure(cancelled.status());
  return reply(job_json(*cancelled));
}

HttpResponse CenterHttp::usage(const Principal& caller) {
  Result<std::vector<UsageRow>> rows = center_->stored_usage(caller);
  if (!rows.is_ok()) return failure(rows.status());
  json list = json::array();
  std::map<std::string, std::pair<double, double>> totals;
  for (const UsageRow& row : *rows) {
    list.push_back({{"job", raw(row.job)},
                    {"tenant", row.tenant_name},
                    {"device_type", row.device_type},
                    {"devices", row.devices},
                    {"elapsed_s", row.elapsed_s},
                    {"device_hours", row.device_hours},
                    {"billed_device_hours", row.billed_device_hours},
                    {"final_state", row.final_state},
                    {"start_s", optional_int(row.start_s)},
                    {"end_s", optional_int(row.end_s)},
                    {"recorded_s", row.recorded_s}});
    totals[row.tenant_name].first += row.device_hours;
    totals[row.tenant_name].second += row.billed_device_hours;
  }
  json total_list = json::array();
  for (const auto& [tenant, total] : totals) {
    total_list.push_back({{"tenant", tenant}, {"device_hours", total.first}, {"billed_device_hours", total.second}});
  }
  return reply({{"jobs", std::move(list)}, {"totals", std::move(total_list)}});
}

HttpResponse CenterHttp::tenants(const Principal& caller) {
  Result<std::vector<TenantView>> views = center_->stored_tenants(caller);
  if (!views.is_ok()) return failure(views.status());
  std::map<TenantId, std::string> names;
  for (const TenantView& view : *views) names[view.tenant.id] = view.tenant.name;
  json list = json::array();
  for (const TenantView& view : *views) {
    const TenantRow& t = view.tenant;
    json voucher = nullptr;
    if (t.voucher_granted_hours) {
      voucher = {{"granted_hours", *t.voucher_granted_hours},
                 {"burnt_hours", t.voucher_burnt_hours},
                 {"reserved_hours", view.reserved_hours},
                 {"left_hours", view.voucher_left_hours.value_or(0.0)}};
    }
    // A parent the caller may not see is not named.
    const auto parent = t.parent ? names.find(*t.parent) : names.end();
    list.push_back({{"name", t.name},
                    {"kind", npu::tenant_kind_name(t.kind)},
                    {"parent", parent != names.end() ? json(parent->second) : json(nullptr)},
                    {"priority", t.priority},
                    {"shares", t.shares},
                    {"guaranteed", devices_json(t.guaranteed_milli)},
                    {"maximum", devices_json(t.maximum_milli)},
                    {"in_use", devices_json(view.in_use_milli)},
                    {"voucher", std::move(voucher)}});
  }
  return reply({{"tenants", std::move(list)}});
}

HttpResponse CenterHttp::eta_accuracy(const Principal& caller) {
  Result<EtaAccuracy> accuracy = center_->stored_eta_accuracy(caller);
  if (!accuracy.is_ok()) return failure(accuracy.status());
  json samples = json::array();
  for (const EtaSample& sample : accuracy->samples) {
    samples.push_back({{"job", raw(sample.job)},
                       {"slurm_id", sample.slurm_id ? json(raw(*sample.slurm_id)) : json(nullptr)},
                       {"tenant", sample.tenant_name},
                       {"submitted_s", sample.submitted_s},
                       {"predicted_start_s", sample.predicted_start_s},
                       {"actual_start_s", sample.actual_start_s}});
  }
  return reply({{"samples", std::move(samples)},
                {"median_error_s", optional_number(accuracy->median_error_s)},
                {"p90_error_s", optional_number(accuracy->p90_error_s)},
                {"waited_jobs", accuracy->waited_jobs},
                {"median_error_pct_of_wait", optional_number(accuracy->median_error_pct_of_wait)},
                {"p90_error_pct_of_wait", optional_number(accuracy->p90_error_pct_of_wait)}});
}

HttpResponse CenterHttp::issue_token(const Principal& caller, const HttpRequest& request) {
  if (!caller.is_operator()) return HttpResponse::error(403, "only the operator issues tokens");
  Result<json> body = parse_body(request.body, {"tenant", "label"});
  if (!body.is_ok()) return failure(body.status());
  std::string tenant;
  std::string label;
  for (const Status& field : {string_field(*body, "tenant", "\"univ-lab\"", tenant),
                              string_field(*body, "label", "\"alice\"", label)}) {
    if (!field.is_ok()) return failure(field);
  }
  for (char c : label) {
    if (static_cast<unsigned char>(c) < 0x20) return HttpResponse::error(400, "label: no control characters");
  }
  Result<std::string> token = center_->issue_token(caller, tenant, label);
  if (!token.is_ok()) return failure(token.status());
  return reply({{"token", *token}, {"tenant", tenant.empty() ? json(nullptr) : json(tenant)}, {"label", label}}, 201);
}

HttpResponse CenterHttp::list_tokens(const Principal& caller) {
  if (!caller.is_operator()) return HttpResponse::error(403, "only the operator lists tokens");
  Result<std::vector<TokenRow>> tokens = center_->list_tokens(caller);
  if (!tokens.is_ok()) return failure(tokens.status());
  Result<std::vector<TenantRow>> tenants = center_->with_store([](CenterStore& store) { return store.tenants(); });
  if (!tenants.is_ok()) return failure(tenants.status());
  std::map<TenantId, std::string> names;
  for (const TenantRow& t : *tenants) names[t.id] = t.name;
  json list = json::array();
  for (const TokenRow& token : *tokens) {
    list.push_back({{"id", token.id},
                    {"tenant", token.tenant ? json(names[*token.tenant]) : json(nullptr)},
                    {"label", token.label},
                    {"revoked", token.revoked},
                    {"created_s", token.created_s}});
  }
  return reply({{"tokens", std::move(list)}});
}

HttpResponse CenterHttp::revoke_token(const Principal& caller, const std::string& id_text) {
  if (!caller.is_operator()) return HttpResponse::error(403, "only the operator revokes tokens");
  Result<int64_t> id = path_id(id_text, "token id");
  if (!id.is_ok()) return failure(id.status());
  const Status revoked = center_->revoke_token(caller, *id);
  if (!revoked.is_ok()) {
    // Already revoked, or the last operator token: the request is fine, the state refuses it.
    if (revoked.code() == ErrorCode::kInvalidInput) return HttpResponse::error(409, revoked.message());
    return failure(revoked);
  }
  return reply({{"id", *id}, {"revoked", true}});
}

std::string CenterHttp::metrics_text() {
  std::map<std::pair<std::string, int>, uint64_t> served;
  uint64_t syncs = 0, sync_failures = 0, busy = 0;
  {
    std::lock_guard lock(counters_mutex_);
    served = served_;
    syncs = syncs_;
    sync_failures = sync_failures_;
    busy = busy_;
  }
  std::string text =
      "# HELP bitgoeul_http_responses_total HTTP responses by route and status.\n"
      "# TYPE bitgoeul_http_responses_total counter\n";
  for (const auto& [key, count] : served) {
    text += fmt::format("bitgoeul_http_responses_total{{route=\"{}\",status=\"{}\"}} {}\n", escape_label(key.first),
                        key.second, count);
  }
  text += fmt::format(
      "# HELP bitgoeul_npu_syncs_total Periodic reads of the cluster's states and accounting.\n"
      "# TYPE bitgoeul_npu_syncs_total counter\nbitgoeul_npu_syncs_total {}\n"
      "# HELP bitgoeul_npu_sync_failures_total Periodic reads that failed.\n"
      "# TYPE bitgoeul_npu_sync_failures_total counter\nbitgoeul_npu_sync_failures_total {}\n"
      "# HELP bitgoeul_npu_slurm_requests_waiting Submissions and cancellations at or waiting for Slurm now.\n"
      "# TYPE bitgoeul_npu_slurm_requests_waiting gauge\nbitgoeul_npu_slurm_requests_waiting {}\n"
      "# HELP bitgoeul_npu_busy_total Requests refused with 503: every Slurm request slot was taken.\n"
      "# TYPE bitgoeul_npu_busy_total counter\nbitgoeul_npu_busy_total {}\n",
      syncs, sync_failures, slurm_requests_.load(), busy);
  // From the store as it stands, under its lock alone (no cluster call: a scrape never waits for Slurm).
  const auto [jobs, tenants] = center_->with_store([](CenterStore& store) {
    return std::make_pair(store.jobs(false), store.tenants());
  });
  if (!jobs.is_ok() || !tenants.is_ok()) {
    text += "# the store could not be read\n";
    return text;
  }
  std::map<std::string, uint64_t> by_state;
  std::map<std::string, uint64_t> devices;
  for (const JobRow& job : *jobs) {
    ++by_state[job.state];
    if (job.active()) devices[job.device_type] += job.devices();
  }
  text += "# HELP bitgoeul_npu_jobs Jobs in the store by state.\n# TYPE bitgoeul_npu_jobs gauge\n";
  for (const auto& [state, count] : by_state) {
    text += fmt::format("bitgoeul_npu_jobs{{state=\"{}\"}} {}\n", escape_label(state), count);
  }
  text += "# HELP bitgoeul_npu_devices_held Devices held or awaited by active jobs, by device type.\n"
          "# TYPE bitgoeul_npu_devices_held gauge\n";
  for (const auto& [type, count] : devices) {
    text += fmt::format("bitgoeul_npu_devices_held{{device_type=\"{}\"}} {}\n", escape_label(type), count);
  }
  std::map<std::string, uint64_t> by_kind;
  for (const TenantRow& tenant : *tenants) ++by_kind[npu::tenant_kind_name(tenant.kind)];
  text += "# HELP bitgoeul_npu_tenants Tenants in the registry by kind.\n# TYPE bitgoeul_npu_tenants gauge\n";
  for (const auto& [kind, count] : by_kind) {
    text += fmt::format("bitgoeul_npu_tenants{{kind=\"{}\"}} {}\n", kind, count);
  }
  return text;
}

}  // namespace bitgoeul::npu_slurm
