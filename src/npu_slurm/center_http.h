#pragma once
// The NPU center's HTTP/JSON front door (docs/npu-center-openapi.yaml): each route is one call of Center (or of the
// token functions) with the Principal of the request's bearer token, so the API and the `bitgoeul npu` commands
// obey the same rules. A tenant's token sees and acts on its own jobs only — another tenant's job id is answered
// exactly like an id that does not exist — and the operator's token sees everything.
//
// Bad input gets a 4xx with {"error": "..."} naming the field (`gres`, `time`, `tenant`, `nodes`, `name`, `script`,
// `label`, `all`, the job or token id) and changes nothing: bodies are checked for shape and types before Center
// sees them, and Center checks every value before it touches the store or the cluster.
//
// Thread safety: handle() and sync() are serialised by one mutex (the store is one SQLite connection and the
// backend is not re-entrant), so the HTTP server may run several threads.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/http_server.h"
#include "npu_slurm/center.h"
#include "npu_slurm/center_store.h"

namespace bitgoeul::npu_slurm {

class CenterHttp {
 public:
  // REQUIRES: center was built on `store`; both outlive the handler.
  CenterHttp(Center& center, CenterStore& store) : center_(&center), store_(&store) {}

  // Thread-safe; never throws (an exception from below becomes a 500).
  HttpResponse handle(const HttpRequest& request);

  // Brings job states and charges up to date (the serve command's periodic tick); counted in /metrics.
  Result<SyncReport> sync();

 private:
  HttpResponse route(const HttpRequest& request, std::string& route_name);
  HttpResponse submit(const Principal& caller, const HttpRequest& request);
  HttpResponse list_jobs(const Principal& caller, const HttpRequest& request);
  HttpResponse get_job(const Principal& caller, const std::string& id_text);
  HttpResponse cancel_job(const Principal& caller, const std::string& id_text);
  HttpResponse usage(const Principal& caller);
  HttpResponse tenants(const Principal& caller);
  HttpResponse eta_accuracy(const Principal& caller);
  HttpResponse issue_token(const Principal& caller, const HttpRequest& request);
  HttpResponse list_tokens(const Principal& caller);
  HttpResponse revoke_token(const Principal& caller, const std::string& id_text);
  std::string metrics_text();

  Center* center_;
  CenterStore* store_;
  std::mutex mutex_;  // guards everything below and every call into center_ and store_
  std::map<std::pair<std::string, int>, uint64_t> served_;  // (route, status) -> responses
  uint64_t syncs_ = 0;
  uint64_t sync_failures_ = 0;
};

}  // namespace bitgoeul::npu_slurm
