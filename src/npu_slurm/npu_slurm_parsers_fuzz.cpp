// libFuzzer target for what the NPU center reads from tenants and from Slurm. The first byte chooses the parser
// (its value mod 5; seeds use '0'..'4'), an optional newline after it is skipped, and the rest is the text:
//   0  --gres: a request that parses prints back to itself, with a count in 1..kMaxDevicesPerNode
//   1  --time: a limit that parses is whole minutes in (0, kMaxTimeLimitS]; Slurm durations print back to themselves
//   2  a batch script, a job name and a tenant name (validation only)
//   3  squeue output as SlurmBackend asks for it
//   4  sacct output as SlurmBackend asks for it; elapsed never negative
// and two first bytes outside that scheme:
//   0xF0  sinfo's node lines (parse_sinfo_nodes); every node named
//   0xF1  a Slurm node list (expand_node_list); at most 100,000 names, none empty
// Any input must end in a value or an error Status; crashes, hangs and sanitizer reports are bugs, and so is a
// broken property above (std::abort).
// Seed corpus: tests/fuzz/npu_slurm_parsers/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "npu_slurm/job_request.h"
#include "npu_slurm/slurm_backend.h"

namespace {

using namespace bitgoeul;
using namespace bitgoeul::npu_slurm;

void check(bool property) {
  if (!property) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1 << 20)) return 0;
  const int which = data[0] % 5;
  size_t skip = 1;
  if (size > 1 && data[1] == '\n') skip = 2;
  const std::string text(reinterpret_cast<const char*>(data) + skip, size - skip);
  // First bytes 0xF0 and 0xF1 (outside the five cases' seeds): sinfo's node lines and Slurm's node lists.
  if (data[0] == 0xF0) {
    Result<std::vector<BackendNode>> nodes = parse_sinfo_nodes(text);
    if (nodes.is_ok()) {
      for (const BackendNode& node : *nodes) check(!node.name.empty());
    }
    return 0;
  }
  if (data[0] == 0xF1) {
    Result<std::vector<std::string>> names = expand_node_list(text);
    if (names.is_ok()) {
      check(names->size() <= 100'000);
      for (const std::string& name : *names) check(!name.empty());
    }
    return 0;
  }
  switch (which) {
    case 0: {
      Result<GresRequest> gres = parse_gres(text);
      if (gres.is_ok()) {
        check(gres->count >= 1 && gres->count <= kMaxDevicesPerNode);
        Result<GresRequest> again = parse_gres(gres->to_string());
        check(again.is_ok() && *again == *gres);
      }
      break;
    }
    case 1: {
      Result<int64_t> limit = parse_time_limit(text);
      if (limit.is_ok()) check(*limit > 0 && *limit <= kMaxTimeLimitS && *limit % 60 == 0);
      Result<int64_t> duration = parse_slurm_duration(text);
      if (duration.is_ok() && *duration >= 0) {
        Result<int64_t> again = parse_slurm_duration(format_duration(*duration));
        check(again.is_ok() && *again == *duration);
      }
      break;
    }
    case 2:
      (void)validate_script(text, "fuzz.sh");
      (void)validate_job_name(text);
      (void)validate_tenant_name(text);
      break;
    case 3: {
      Result<std::vector<BackendJob>> jobs = parse_squeue(text);
      if (jobs.is_ok()) {
        for (const BackendJob& job : *jobs) check(job.time_limit_s >= -1);
      }
      break;
    }
    default: {
      Result<std::vector<AccountingRecord>> records = parse_sacct(text);
      if (records.is_ok()) {
        for (const AccountingRecord& record : *records) check(record.elapsed_s >= 0);
      }
      break;
    }
  }
  return 0;
}
