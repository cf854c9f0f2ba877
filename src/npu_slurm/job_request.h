#pragma once
// What a tenant asks for, in Slurm's own spellings, parsed strictly: a generic resource (`--gres=npu:rngd:4`), a
// time limit (`--time 00:10:00`), a node count, a job name and a batch script. Every parser returns an error that
// names the option and the offending text; nothing here talks to Slurm or the store.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace bitgoeul::npu_slurm {

// Limits that keep hostile numbers from overflowing anything downstream.
inline constexpr uint32_t kMaxDevicesPerNode = 1024;
inline constexpr uint32_t kMaxNodes = 1024;
inline constexpr int64_t kMaxTimeLimitS = 366LL * 24 * 3600;  // one year
inline constexpr size_t kMaxScriptBytes = 1 << 20;
inline constexpr size_t kMaxJobNameBytes = 128;

// One generic resource per node, as Slurm's --gres NAME:TYPE:COUNT, e.g. npu:rngd:4.
struct GresRequest {
  std::string name;   // "npu" or "gpu"
  std::string type;   // "rngd", "atom", "h100": names the device type
  uint32_t count = 1;  // per node, whole devices

  std::string to_string() const;  // "npu:rngd:4"
  bool operator==(const GresRequest&) const = default;
};

// Parses NAME:TYPE[:COUNT] (COUNT defaults to 1), lower-case letters, digits and '_' in NAME and TYPE; the leading
// "gres:" or "gres/" of Slurm's outputs is accepted. A NAME:COUNT without a type is refused: quotas and vouchers
// are per device type.
Result<GresRequest> parse_gres(std::string_view text);

// Parses a time limit in the forms sbatch accepts: MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS,
// DAYS-HOURS:MINUTES, DAYS-HOURS:MINUTES:SECONDS. Returns seconds, rounded up to whole minutes (Slurm's time
// limits are minutes). Refuses zero, UNLIMITED and anything over kMaxTimeLimitS.
Result<int64_t> parse_time_limit(std::string_view text);

// The same grammar without rounding, and with "UNLIMITED"/"INFINITE" as -1, for reading Slurm's own outputs.
Result<int64_t> parse_slurm_duration(std::string_view text);

// Seconds as Slurm prints durations: [D-]HH:MM:SS.
std::string format_duration(int64_t seconds);

// A job name for display: 1..kMaxJobNameBytes printable ASCII characters (no control characters).
Status validate_job_name(std::string_view name);

// A tenant (Slurm account) name: 1..64 of [A-Za-z0-9_.-], starting with a letter or digit.
Status validate_tenant_name(std::string_view name);

// A batch script as the center passes it to sbatch: starts with "#!", at most kMaxScriptBytes, no NUL bytes,
// and no #SBATCH or #PBS directive lines (job options come only from the center's own flags, so a script cannot
// widen its request past admission). `source` names the script in errors.
Status validate_script(std::string_view script, std::string_view source);

}  // namespace bitgoeul::npu_slurm
