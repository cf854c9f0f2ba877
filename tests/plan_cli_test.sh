#!/usr/bin/env bash
# End-to-end specification of `bitgoeul plan`: tiny sweeps of the pilot zone and of the example NPU center give
# the same results with one worker or two, resume after an interruption without redoing finished points, and
# leave points.csv, plan.json and a self-contained report.html; the errors a user meets.
#   tests/plan_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"

# --- Robotaxi: a third of the pilot zone's demand, two fleets, one policy.
cat >"$work/taxi.toml" <<TOML
scenario = "$root/scenarios/pilot-zone.toml"
cost_model = "$root/examples/plan/taxi-cost-model.toml"
[axes]
fleet = [3, 8, 20]
policy = ["nearest_idle"]
demand = [0.3]
[target]
min_served = 0.9
max_wait_p95_s = 600
TOML
for jobs in 1 2; do
  if "$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/taxi$jobs" --jobs "$jobs" >"$work/taxi$jobs.log" 2>&1; then
    pass "plan taxi --jobs $jobs"; else fail "plan taxi --jobs $jobs: $(cat "$work/taxi$jobs.log")"; fi
done
for file in points.jsonl points.csv plan.json report.html; do
  if [ -s "$work/taxi1/$file" ]; then pass "plan taxi writes $file"; else fail "plan taxi writes $file"; fi
done
if cmp -s "$work/taxi1/points.csv" "$work/taxi2/points.csv" && cmp -s "$work/taxi1/plan.json" "$work/taxi2/plan.json"; then
  pass "taxi: same results with one worker or two"; else fail "taxi: same results with one worker or two"; fi
if python3 - "$work/taxi1" <<'PY'
import csv, json, sys
d = sys.argv[1]
plan = json.load(open(f"{d}/plan.json"))
rows = list(csv.DictReader(open(f"{d}/points.csv")))
assert len(rows) == len(plan["points"]) == 3
assert [int(r["fleet"]) for r in rows] == [3, 8, 20]
meets = [r["meets_target"] == "1" for r in rows]
for r in rows:
    ok = float(r["service_rate"]) >= 0.9 and float(r["wait_p95_s"]) <= 600
    assert ok == (r["meets_target"] == "1"), r
    parts = sum(float(r[k]) for k in ("cost_vehicles_krw", "cost_depots_krw", "cost_operation_krw", "cost_safety_drivers_krw"))
    assert abs(parts - float(r["cost_total_krw"])) < 1e-3 * float(r["cost_total_krw"]), r
assert not meets[0] and meets[-1], meets
smallest = plan["smallest_fleet"][0]["fleet"]
assert smallest == min(int(r["fleet"]) for r in rows if r["meets_target"] == "1"), smallest
assert plan["chosen"][0]["params"]["fleet"] == smallest
PY
then pass "taxi: the smallest fleet meeting the target is chosen, costs add up"; else fail "taxi: the smallest fleet meeting the target is chosen, costs add up"; fi
if grep -q "<svg" "$work/taxi1/report.html" && grep -q ">chosen</text>" "$work/taxi1/report.html" &&
   ! grep -qiE '<script|(src|href)="https?:' "$work/taxi1/report.html"; then
  pass "taxi: report.html is self-contained with the chosen option marked"; else fail "taxi: report.html self-contained"; fi

# --- Resume: stop after one point, run again; only the missing points run and the results equal a fresh run.
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/resume" --max-points 1 >"$work/resume1.log" 2>&1
if [ "$(wc -l <"$work/resume/points.jsonl")" -eq 1 ] && [ ! -e "$work/resume/plan.json" ] &&
   grep -q "1 of 3 points done" "$work/resume1.log"; then
  pass "--max-points stops after one point"; else fail "--max-points stops after one point: $(cat "$work/resume1.log")"; fi
# An interrupted write leaves a torn last line: it is cut off, the point it was writing runs again.
printf '{"key":"00000000000000' >>"$work/resume/points.jsonl"
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/resume" --jobs 2 >"$work/resume2.log" 2>&1
if grep -q "1 already done" "$work/resume2.log" && grep -q "2 run now" "$work/resume2.log" &&
   grep -q "torn last line" "$work/resume2.log" &&
   cmp -s "$work/resume/points.csv" "$work/taxi1/points.csv" && cmp -s "$work/resume/plan.json" "$work/taxi1/plan.json"; then
  pass "resumed sweep runs only the missing points and equals a fresh run"; else
  fail "resumed sweep: $(cat "$work/resume2.log")"; fi
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/resume" >"$work/resume3.log" 2>&1
if grep -q "3 already done" "$work/resume3.log" && grep -q "0 run now" "$work/resume3.log"; then
  pass "a finished sweep reruns nothing"; else fail "a finished sweep reruns nothing: $(cat "$work/resume3.log")"; fi
# Killed in the middle: whatever was stored is kept.
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/killed" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/killed/points.jsonl" ] && break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done_before=$(grep -c . "$work/killed/points.jsonl" 2>/dev/null || echo 0)
"$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/killed" >"$work/killed.log" 2>&1
if grep -q "$done_before already done" "$work/killed.log" && cmp -s "$work/killed/plan.json" "$work/taxi1/plan.json"; then
  pass "a killed sweep resumes ($done_before of 3 points kept)"; else fail "a killed sweep resumes: $(cat "$work/killed.log")"; fi
# Another sweep file means other keys: nothing is reused.
sed 's/max_wait_p95_s = 600/max_wait_p95_s = 601/' "$work/taxi.toml" >"$work/taxi-edited.toml"
"$bitgoeul" plan taxi "$work/taxi-edited.toml" -o "$work/taxi1" >"$work/edited.log" 2>&1
if grep -q "0 already done" "$work/edited.log"; then pass "an edited sweep file reruns its points"; else
  fail "an edited sweep file reruns its points: $(cat "$work/edited.log")"; fi

# --- Bisection: the smallest fleet in 3..40 with a handful of simulations; the fleet below it misses.
sed 's/^fleet = .*/fleet_bisect = [3, 40]/' "$work/taxi.toml" >"$work/bisect.toml"
if "$bitgoeul" plan taxi "$work/bisect.toml" -o "$work/bisect" --jobs 2 >"$work/bisect.log" 2>&1 && python3 - "$work/bisect" <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/points.csv")))
assert 3 <= len(rows) <= 7, len(rows)
fleet = json.load(open(f"{d}/plan.json"))["smallest_fleet"][0]["fleet"]
by_fleet = {int(r["fleet"]): r for r in rows}
assert by_fleet[fleet]["meets_target"] == "1"
assert fleet == 3 or by_fleet[fleet - 1]["meets_target"] == "0", (fleet, sorted(by_fleet))
PY
then pass "fleet_bisect finds the smallest fleet ($(grep -c . "$work/bisect/points.jsonl") simulations)"; else
  fail "fleet_bisect: $(cat "$work/bisect.log")"; fi

# --- NPU: the example center, a small synthetic workload, two RNGD counts and two policies.
cat >"$work/npu.toml" <<TOML
cluster = "$root/examples/npu/gwangju_cluster.toml"
tenants = "$root/examples/npu/gwangju_tenants.toml"
cost_model = "$root/examples/plan/npu-cost-model.toml"
[workload]
synthetic = 150
runtimes = "$root/../shared/data/traces/philly-runtime/philly_runtime.csv"
growth = [1, 3]
[axes]
policy = ["fifo", "easy"]
[axes.nodes]
RNGD = [2, 3, 5]
[target]
max_wait_p95_s = 3600
min_finished = 0.95   # a few jobs never start whatever the capacity: their tenants' quota rules refuse them
TOML
for jobs in 1 2; do
  if "$bitgoeul" plan npu "$work/npu.toml" -o "$work/npu$jobs" --jobs "$jobs" >"$work/npu$jobs.log" 2>&1; then
    pass "plan npu --jobs $jobs"; else fail "plan npu --jobs $jobs: $(cat "$work/npu$jobs.log")"; fi
done
if cmp -s "$work/npu1/points.csv" "$work/npu2/points.csv" && cmp -s "$work/npu1/plan.json" "$work/npu2/plan.json"; then
  pass "npu: same results with one worker or two"; else fail "npu: same results with one worker or two"; fi
if python3 - "$work/npu1" <<'PY'
import csv, json, sys
d = sys.argv[1]
plan = json.load(open(f"{d}/plan.json"))
rows = list(csv.DictReader(open(f"{d}/points.csv")))
assert len(rows) == 12, len(rows)
# Two RNGD nodes (16 cards) cannot hold the tenants' guaranteed 24 RNGD: infeasible, with the reason.
for r in rows:
    if r["nodes_RNGD"] == "2":
        assert r["feasible"] == "0" and "RNGD" in r["reason"], r
    else:
        assert r["feasible"] == "1", r
for c in plan["chosen"]:
    if c["point"] is None:
        continue
    ok = [r for r in rows if float(r["growth"]) == c["growth"] and r["meets_target"] == "1"]
    assert float(rows[c["point"]]["total_krw_per_year"]) == min(float(r["total_krw_per_year"]) for r in ok)
    assert c["metrics"]["wait_p95_s"] <= 3600
assert any(c["point"] is not None for c in plan["chosen"])
PY
then pass "npu: infeasible mixes named, the cheapest mix meeting the target chosen"; else fail "npu: plan checks"; fi

# --- Bad input.
printf 'scenario = "s.toml"\ncost_model = "c.toml"\n[axes]\nfleet = [1]\nfleets = [1]\n[target]\n' >"$work/typo.toml"
expect_error "misspelt sweep key" "typo.toml:5: axes.fleets: unknown key" "$bitgoeul" plan taxi "$work/typo.toml"
expect_error "missing sweep file" "no-such.toml" "$bitgoeul" plan taxi "$work/no-such.toml"
expect_error "--jobs 0 refused" "--jobs" "$bitgoeul" plan taxi "$work/taxi.toml" --jobs 0
sed 's#cost_model = .*#cost_model = "missing-costs.toml"#' "$work/taxi.toml" >"$work/nocost.toml"
expect_error "missing cost model named" "missing-costs.toml" "$bitgoeul" plan taxi "$work/nocost.toml" -o "$work/nocost"
mkdir -p "$work/damaged"
cp "$work/taxi2/points.jsonl" "$work/damaged/points.jsonl"
sed -i '2s/.*/{"key": 12}/' "$work/damaged/points.jsonl"
expect_error "damaged points.jsonl named by line" "points.jsonl:2: field 'key'" \
  "$bitgoeul" plan taxi "$work/taxi.toml" -o "$work/damaged"
printf 'cluster = "%s"\ncost_model = "c.toml"\n[workload]\ntrace = "j.csv"\n[axes]\npolicy = ["lottery"]\n[target]\n' \
  "$root/examples/npu/gwangju_cluster.toml" >"$work/npu-bad.toml"
expect_error "unknown NPU policy" "npu-bad.toml:6: axes.policy: unknown policy 'lottery'" "$bitgoeul" plan npu "$work/npu-bad.toml"

finish_checks "plan"
