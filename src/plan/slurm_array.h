#pragma once
// A sweep distributed as a Slurm job array: one array task per point still to run, each running
// `bitgoeul plan <kind> SWEEP -o DIR --point K`, which writes its result alone to DIR/parts/K.jsonl (one point
// line, plan/point_store.h, written to a temporary file and renamed, so a part file is whole or absent). After
// the array ends, the parts are merged into DIR/points.jsonl; a rerun merges what an interrupted array left and
// submits only the points still missing.
//
// Files in DIR/slurm/: points.txt (array task i runs the point on line i + 1), array.sh (the batch script), and
// task-<i>.out (each task's output).

#include <string>
#include <vector>

#include "core/error.h"
#include "plan/point_store.h"
#include "plan/sweep_runner.h"

namespace bitgoeul::plan {

// The part file of point `index` under `directory`.
std::string part_path(const std::string& directory, size_t index);
// Writes one point's line to its part file (temporary file, then rename).
Status write_part(const std::string& directory, size_t index, const std::string& key, const StoredPoint& point);

// Appends to `store` every part in DIR/parts whose key belongs to `points` and is not stored yet; parts of other
// sweeps are left alone. Returns how many were merged. Errors name a damaged part file.
Result<size_t> merge_parts(const std::string& directory, const std::vector<SweepPoint>& points, PointStore& store);

struct SlurmArrayOptions {
  std::string executable;          // absolute path of the bitgoeul executable the tasks run
  std::vector<std::string> arguments;  // before "-o DIR --point K", e.g. {"plan", "taxi", "/abs/sweep.toml"}
  std::string directory;           // absolute output directory, on a file system the Slurm nodes share
  std::vector<size_t> points;      // the points to run, one array task each
  unsigned max_parallel = 0;       // at most this many tasks at once (sbatch --array=...%N); 0 = no limit
  std::vector<std::string> sbatch_options;  // extra options for sbatch, e.g. "--partition=npu"
  int timeout_s = 3600;            // give up waiting for the array after this long
};

// The batch script for `options` (for tests and for the file written).
std::string array_script(const SlurmArrayOptions& options);

// Writes DIR/slurm/{points.txt,array.sh}, submits the array with `sbatch --wait` and returns when every task has
// ended (successfully or not) with Slurm's job id. Errors: sbatch missing (Slurm not installed or not on PATH),
// refused, or the array not done within timeout_s. The environment passed to sbatch is this process's PATH,
// HOME and any SLURM_* variables (SLURM_CONF among them).
Result<std::string> run_slurm_array(const SlurmArrayOptions& options);

}  // namespace bitgoeul::plan
