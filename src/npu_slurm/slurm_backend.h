#pragma once
// ClusterBackend on a real Slurm, through its commands: sbatch --parsable (script on standard input), scancel,
// scontrol hold/release/update, squeue, sinfo and sacct with '|'-separated formats. Every command runs through
// run_process with an argument vector and an environment built here from scratch (PATH, TZ=UTC, SLURM_CONF,
// SLURM_TIME_FORMAT=standard), so neither hostile text nor the caller's SBATCH_* variables reach Slurm.
//
// Accounting comes from `sacct --completion` (the jobcomp/filetxt log that scripts/slurm_local.sh configures) or,
// with use_completion_log = false, from slurmdbd through plain `sacct`.

#include <string>
#include <string_view>
#include <vector>

#include "npu_slurm/cluster_backend.h"
#include "npu_slurm/process.h"

namespace bitgoeul::npu_slurm {

struct SlurmOptions {
  std::string bin_dir;     // where sbatch, squeue, ... live; empty: this process's PATH
  std::string slurm_conf;  // SLURM_CONF for the commands; empty: Slurm's default
  std::string partition;   // empty: the cluster's default partition
  bool use_completion_log = true;
  int command_timeout_s = 30;
};

class SlurmBackend final : public ClusterBackend {
 public:
  // Finds the Slurm commands; fails with a message naming the missing one.
  static Result<SlurmBackend> create(SlurmOptions options);

  Result<SlurmJobId> submit(const SubmitSpec& spec) override;
  Status cancel(SlurmJobId id) override;
  Status hold(SlurmJobId id) override;
  Status release(SlurmJobId id) override;
  Status set_priority(SlurmJobId id, uint32_t priority) override;
  Status set_node_list(SlurmJobId id, const std::string& node_list) override;
  Result<std::vector<BackendNode>> nodes() override;
  Result<std::vector<BackendJob>> list_jobs() override;
  Result<std::vector<AccountingRecord>> accounting(const std::vector<SlurmJobId>& ids) override;

 private:
  SlurmBackend() = default;
  // Runs one command; a non-zero exit becomes an error carrying its standard error.
  Result<ProcessOutput> run(const std::string& program, std::vector<std::string> args, std::string input = {});

  SlurmOptions options_;
  std::vector<std::string> environment_;
  std::string sbatch_, scancel_, scontrol_, squeue_, sacct_, sinfo_;
};

// The output formats SlurmBackend asks for, and their parsers (exposed for tests).
inline constexpr std::string_view kSqueueFormat = "%i|%j|%a|%T|%r|%N|%V|%S|%e|%l|%Q|%D";
inline constexpr std::string_view kSacctFields = "JobIDRaw,JobName,Account,State,Start,End,ElapsedRaw,NNodes,NodeList,ExitCode";
inline constexpr std::string_view kSinfoFormat = "NodeList:|,Gres:|,GresUsed:|,StateLong:|";
Result<std::vector<BackendJob>> parse_squeue(std::string_view output);
// `sinfo --Node --noheader --Format=kSinfoFormat`: one line per node and partition (a node listed twice is kept once).
Result<std::vector<BackendNode>> parse_sinfo_nodes(std::string_view output);
Result<std::vector<AccountingRecord>> parse_sacct(std::string_view output);
// "2026-11-25T19:20:19" in UTC; nullopt for N/A, Unknown, None and empty.
Result<std::optional<int64_t>> parse_slurm_time(std::string_view text);

}  // namespace bitgoeul::npu_slurm
