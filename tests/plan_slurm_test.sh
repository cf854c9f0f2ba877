#!/usr/bin/env bash
# Integration specification of `bitgoeul plan --slurm` on a real Slurm (scripts/slurm_local.sh, its own port): a
# tiny pilot-zone sweep runs as a job array, one task per point, and ends with exactly the files a local run
# writes; a rerun submits nothing; an interrupted array (some parts missing) resubmits only the missing points.
# Every daemon is stopped by its pid afterwards.
#   tests/plan_slurm_test.sh BITGOEUL_EXECUTABLE
# Exit 77 (skipped) when Slurm is not installed or we are not root, unless BITGOEUL_REQUIRE_SLURM=1 (CI).
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"

# shellcheck source=tests/slurm_checks.sh
source "$root/tests/slurm_checks.sh"
start_local_slurm "plan slurm" "${BITGOEUL_TEST_PLAN_SLURM_PORT:-28617}" sbatch squeue sinfo

cat >"$work/taxi.toml" <<TOML
scenario = "$root/scenarios/pilot-zone.toml"
cost_model = "$root/examples/plan/taxi-cost-model.toml"
[axes]
fleet = [3, 8, 20]
policy = ["nearest_idle", "batch_matching"]
demand = [0.3]
[target]
min_served = 0.9
max_wait_p95_s = 600
TOML
expect_ok "local run" "$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/local" --jobs 2
if "$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/array" --slurm --jobs 3 >"$work/array.log" 2>&1; then
  pass "plan taxi --slurm"; else fail "plan taxi --slurm: $(cat "$work/array.log")"; fi
if grep -q "submitting 6 points as a Slurm job array" "$work/array.log" && grep -q "merged 6 of 6 points" "$work/array.log" &&
   [ "$(ls "$work/array/parts" | wc -l)" -eq 6 ] && [ "$(ls "$work/array/slurm"/task-*.out | wc -l)" -eq 6 ]; then
  pass "one array task per point, each with its part file"; else fail "one array task per point: $(cat "$work/array.log")"; fi
if cmp -s "$work/local/points.csv" "$work/array/points.csv" && cmp -s "$work/local/plan.json" "$work/array/plan.json"; then
  pass "the array's results equal a local run's"; else fail "the array's results equal a local run's"; fi
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/array" --slurm >"$work/again.log" 2>&1
if ! grep -q "submitting" "$work/again.log" && grep -q "6 already done" "$work/again.log"; then
  pass "a finished sweep submits nothing"; else fail "a finished sweep submits nothing: $(cat "$work/again.log")"; fi
# An interrupted array: two points' parts exist, nothing merged yet; only the other four are submitted.
mkdir -p "$work/partial/parts"
cp "$work/array/parts/0.jsonl" "$work/array/parts/4.jsonl" "$work/partial/parts/"
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/partial" --slurm --jobs 2 >"$work/partial.log" 2>&1
if grep -q "merged 2 points left by an earlier Slurm array" "$work/partial.log" &&
   grep -q "submitting 4 points" "$work/partial.log" && cmp -s "$work/local/plan.json" "$work/partial/plan.json"; then
  pass "an interrupted array resumes with only the missing points"; else
  fail "an interrupted array resumes: $(cat "$work/partial.log")"; fi

# The NPU planner through the same array.
cat >"$work/npu.toml" <<TOML
cluster = "$root/examples/npu/gwangju_cluster.toml"
cost_model = "$root/examples/plan/npu-cost-model.toml"
[workload]
synthetic = 100
runtimes = "$root/../shared/data/traces/philly-runtime/philly_runtime.csv"
[axes]
policy = ["fifo", "easy"]
[axes.nodes]
RNGD = [1, 2]
[target]
max_wait_p95_s = 3600
TOML
expect_ok "npu local run" "$bitgoeul" plan npu "$work/npu.toml" -o "$work/npu-local"
if "$bitgoeul" plan npu "$work/npu.toml" -o "$work/npu-array" --slurm --jobs 4 >"$work/npu-array.log" 2>&1 &&
   grep -q "merged 4 of 4 points" "$work/npu-array.log" &&
   cmp -s "$work/npu-local/points.csv" "$work/npu-array/points.csv" &&
   cmp -s "$work/npu-local/plan.json" "$work/npu-array/plan.json"; then
  pass "plan npu --slurm equals a local run"; else fail "plan npu --slurm: $(cat "$work/npu-array.log")"; fi

stop_slurm
if "$root/scripts/slurm_local.sh" status "$state" >/dev/null 2>&1; then fail "every daemon stopped"; else
  pass "every daemon stopped"; fi
finish_checks "plan slurm"
