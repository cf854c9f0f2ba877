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
// Thread safety: handle() and sync() may run on any number of threads at once; Center serialises what must be
// (see center.h). Reads — GET of jobs, usage, tenants, ETA accuracy and tokens, /health and /metrics — come from the
// store as the last sync left it and never wait for a Slurm command, however long one runs. Submissions and
// cancellations wait for their turn at Slurm; at most `slurm_request_slots` of them wait at once (more get 503 with
// Retry-After), so that with that many server threads plus one, a thread is always left for reads.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/http_server.h"
#include "npu_slurm/center.h"
#include "npu_slurm/center_store.h"

namespace bitgoeul::npu_slurm {

struct CenterHttpOptions {
  // Requests that need Slurm (POST /api/v1/jobs, DELETE /api/v1/jobs/{id}) in progress at once; 0: no limit.
  // `npu serve` gives its thread count minus one.
  int slurm_request_slots = 0;
};

class CenterHttp {
 public:
  // REQUIRES: center outlives the handler.
  explicit CenterHttp(Center& center, CenterHttpOptions options = {}) : center_(&center), options_(options) {}

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
  // Takes one of the Slurm request slots (given back by ~SlotRelease in center_http.cpp); false when all are taken.
  bool take_slurm_slot();

  Center* center_;
  CenterHttpOptions options_;
  std::atomic<int> slurm_requests_{0};
  std::mutex counters_mutex_;  // guards the counters below (never held across a call into center_)
  std::map<std::pair<std::string, int>, uint64_t> served_;  // (route, status) -> responses
  uint64_t syncs_ = 0;
  uint64_t sync_failures_ = 0;
  uint64_t busy_ = 0;  // requests refused with 503 for want of a Slurm slot
};

}  // namespace bitgoeul::npu_slurm
