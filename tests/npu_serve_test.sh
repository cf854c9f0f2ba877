#!/usr/bin/env bash
# Integration specification of `bitgoeul npu serve` on a real Slurm (scripts/slurm_local.sh, controller port 29017:
# its own cluster, clear of the other Slurm tests' ports): the operator issues tenant tokens over HTTP; two tenants
# submit, list and cancel with curl; one tenant's job is invisible and untouchable to the other; quota refusals
# never reach Slurm; hostile requests get a 4xx naming the field; the server is killed with SIGKILL and started
# again with every job still served and jobs that ended meanwhile charged; while a submission's sbatch is held back
# (a second server on the same store whose sbatch waits for a latch file), health, metrics and every tenant's reads
# are answered and the submission completes once the latch opens; SIGTERM stops it cleanly; every daemon is stopped
# by its pid.
#   tests/npu_serve_test.sh BITGOEUL_EXECUTABLE
# Exit 77 (skipped) when Slurm is not installed or we are not root, unless BITGOEUL_REQUIRE_SLURM=1 (CI).
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/tests/fixtures/npu_center"

# shellcheck source=tests/slurm_checks.sh
source "$root/tests/slurm_checks.sh"
start_local_slurm "npu serve" "${BITGOEUL_TEST_SERVE_SLURM_PORT:-29017}" sbatch squeue sacct scancel curl python3
cd "$work" || exit 1

pid=""
slow_pid=""
stop_server() {
  if [ -n "$slow_pid" ]; then kill -9 "$slow_pid" 2>/dev/null; wait "$slow_pid" 2>/dev/null; slow_pid=""; fi
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; fi
}
trap 'stop_server; stop_slurm; rm -rf "$work"' EXIT

"$bitgoeul" npu init --db "$work/center.sqlite" --cluster "$fixtures/cluster.toml" --tenants "$fixtures/tenants.toml" \
  --operator-token-file "$work/operator.token" >/dev/null || fail "npu init"
operator="$(cat "$work/operator.token")"

# Starts the server on $listen (a free port the first time) and sets $pid and $url.
listen="127.0.0.1:0"
start_server() {
  : >"$work/serve.log"
  "$bitgoeul" npu serve --db "$work/center.sqlite" --listen "$listen" --sync-interval 1 >"$work/serve.log" 2>&1 &
  pid=$!
  url=""
  for _ in $(seq 1 200); do
    grep -q "^listening on" "$work/serve.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/serve.log")"
  listen="${url#http://}"
}
start_server
if [ -n "$url" ]; then pass "npu serve listens ($url)"; else fail "npu serve starts: $(cat "$work/serve.log")"; finish_checks "npu serve"; fi

# call TOKEN METHOD PATH [BODY]: prints the HTTP status; the body goes to $work/body.
call() {
  local token="$1" method="$2" path="$3"; shift 3
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ $# -gt 0 ] && args+=(-H 'Content-Type: application/json' --data-binary "$1")
  curl "${args[@]}" "$url$path"
}
# expect WHAT STATUS TOKEN METHOD PATH [BODY]
expect() {
  local what="$1" wanted="$2"; shift 2
  local got; got="$(call "$@")"
  if [ "$got" = "$wanted" ]; then pass "$what"; else fail "$what: HTTP $got, wanted $wanted: $(head -c 300 "$work/body")"; fi
}
# field EXPRESSION: a value from the last body, e.g. field '["id"]'.
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$1)" "$work/body"; }
error_has() {
  if grep -qF -- "$2" "$work/body"; then pass "$1"; else fail "$1: wanted '$2' in $(head -c 300 "$work/body")"; fi
}
# The center's and Slurm's id of every job in the last body's "jobs", one job a line.
job_ids() {
  python3 -c 'import json,sys; print("\n".join("%s %s" % (j["id"], j["slurm_id"]) for j in json.load(open(sys.argv[1]))["jobs"]))' \
    "$work/body"
}
job_body() { printf '{"gres": "%s", "time": "%s", "name": "%s", "script": "#!/bin/bash\\nsleep %s\\n"}' "$@"; }

expect "health without a token" 200 "" GET /health
expect "no token" 401 "" GET /api/v1/jobs
expect "a forged token" 401 bgt_forged GET /api/v1/jobs

# --- The operator issues the tenants' tokens over HTTP.
expect "operator issues a token for univ-lab" 201 "$operator" POST /api/v1/tokens '{"tenant": "univ-lab", "label": "alice"}'
univ="$(field '["token"]')"
expect "operator issues a token for startup-llm" 201 "$operator" POST /api/v1/tokens '{"tenant": "startup-llm", "label": "bob"}'
startup="$(field '["token"]')"
expect "a tenant may not issue tokens" 403 "$univ" POST /api/v1/tokens '{"tenant": "univ-lab"}'

# --- Two tenants submit; univ-lab fills its organisation's RNGD quota of 4; a third job is refused before Slurm.
expect "univ-lab submits a short job" 201 "$univ" POST /api/v1/jobs "$(job_body npu:rngd:2 1 short 4)"
u1="$(field '["id"]')"; u1_slurm="$(field '["slurm_id"]')"
expect "univ-lab submits a long job" 201 "$univ" POST /api/v1/jobs "$(job_body npu:rngd:2 2 long 120)"
u2="$(field '["id"]')"; u2_slurm="$(field '["slurm_id"]')"
expect "startup-llm submits" 201 "$startup" POST /api/v1/jobs "$(job_body npu:atom:2 1 speech 4)"
s1="$(field '["id"]')"
jobs_in_slurm="$(squeue -h -t all -o %i | wc -l)"
expect "quota: a third univ-lab job is refused" 409 "$univ" POST /api/v1/jobs "$(job_body npu:rngd:1 1 third 1)"
error_has "the refusal explains the quota" "rejected: quota exceeded for tenant 'univ-lab' (the quota of organisation 'univ')"
[ "$(squeue -h -t all -o %i | wc -l)" = "$jobs_in_slurm" ] && pass "the refused job never reached Slurm" ||
  fail "the refused job never reached Slurm"
name_account="$(squeue -h -j "$u1_slurm" -t all -o '%j|%a')"
[ "$name_account" = "bg-$u1|univ-lab" ] && pass "Slurm sees job name bg-$u1, account univ-lab" ||
  fail "Slurm sees job name bg-$u1, account univ-lab (got '$name_account')"

# --- Hostile requests over the wire: a 4xx naming the field, nothing submitted.
expect "a script with a NUL byte" 400 "$univ" POST /api/v1/jobs \
  '{"gres": "npu:rngd:1", "time": "1", "script": "#!/bin/bash\u0000\nsleep 1\n"}'
error_has "the NUL refusal names the script" "script: script contains a NUL byte"
expect "an unknown field" 400 "$univ" POST /api/v1/jobs \
  '{"gres": "npu:rngd:1", "time": "1", "tennant": "startup-llm", "script": "#!/bin/bash\n"}'
error_has "the unknown field is named" "body: unknown field 'tennant'"
expect "nodes of the wrong type" 400 "$univ" POST /api/v1/jobs \
  '{"gres": "npu:rngd:1", "time": "1", "nodes": "2", "script": "#!/bin/bash\n"}'
error_has "nodes is named" "nodes: must be an integer"
expect "malformed JSON" 400 "$univ" POST /api/v1/jobs '{"gres": '
head -c 5000000 /dev/zero | tr '\0' 'a' >"$work/huge"
got="$(curl -s -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $univ" --data-binary @"$work/huge" \
  "$url/api/v1/jobs")"
[ "$got" = 413 ] && pass "a 5 MB body is refused (413)" || fail "a 5 MB body is refused: HTTP $got"
expect "a traversing path" 404 "$univ" GET "/api/v1/jobs/..%2F..%2Fetc%2Fpasswd"
error_has "it is no resource" "no such resource"
expect "a dot-dot job id" 400 "$univ" DELETE "/api/v1/jobs/%2e%2e"
error_has "the id is named" "job id '..': must be a positive integer"
[ "$(squeue -h -t all -o %i | wc -l)" = "$jobs_in_slurm" ] && pass "no hostile request reached Slurm" ||
  fail "no hostile request reached Slurm"

# --- One tenant never sees or touches another's job.
expect "startup-llm cannot read univ-lab's job" 404 "$startup" GET "/api/v1/jobs/$u2"
error_has "it reads as missing" "job $u2: no such job of yours"
expect "startup-llm cannot cancel univ-lab's job" 404 "$startup" DELETE "/api/v1/jobs/$u2"
expect "univ-lab cannot read startup-llm's job" 404 "$univ" GET "/api/v1/jobs/$s1"
case "$(squeue -h -j "$u2_slurm" -o %T)" in PENDING | RUNNING) pass "univ-lab's job is untouched" ;;
  *) fail "univ-lab's job is untouched (got '$(squeue -h -j "$u2_slurm" -o %T)')" ;; esac
expect "univ-lab lists its jobs" 200 "$univ" GET "/api/v1/jobs?all=1"
[ "$(field '["jobs"].__len__()')" = 2 ] && pass "univ-lab sees its 2 jobs" || fail "univ-lab sees its 2 jobs: $(cat "$work/body")"
expect "startup-llm lists its jobs" 200 "$startup" GET "/api/v1/jobs?all=1"
[ "$(field '["jobs"].__len__()')" = 1 ] && pass "startup-llm sees its 1 job" || fail "startup-llm sees 1 job: $(cat "$work/body")"
expect "the operator lists every job" 200 "$operator" GET "/api/v1/jobs?all=1"
job_ids | sort >"$work/jobs_before"
[ "$(wc -l <"$work/jobs_before")" = 3 ] && pass "the operator sees 3 jobs" || fail "the operator sees 3 jobs: $(cat "$work/body")"

# --- kill -9 the server; the short jobs end while it is down; a new server finds every job and charges the ended.
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=""
pass "server killed with SIGKILL"
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  [ -z "$(squeue -h -j "$u1_slurm" -o %i 2>/dev/null)" ] && break
  sleep 1
done
start_server
if [ -n "$url" ]; then pass "npu serve starts again on the same port ($url)"; else fail "restart: $(cat "$work/serve.log")"; fi
expect "the operator lists every job after the restart" 200 "$operator" GET "/api/v1/jobs?all=1"
job_ids | sort >"$work/jobs_after"
if [ "$(wc -l <"$work/jobs_after")" = 3 ] && cmp -s "$work/jobs_before" "$work/jobs_after"; then pass "no job lost across the restart (same ids, same Slurm ids)"; else
  fail "no job lost: before $(tr '\n' ';' <"$work/jobs_before") after $(tr '\n' ';' <"$work/jobs_after")"; fi
expect "univ-lab reads its short job" 200 "$univ" GET "/api/v1/jobs/$u1"
[ "$(field '["state"]')" = COMPLETED ] && pass "the job that ended while the server was down is COMPLETED" ||
  fail "the job that ended while the server was down: $(cat "$work/body")"

# --- The owner cancels its long job; Slurm agrees.
expect "univ-lab cancels its long job" 200 "$univ" DELETE "/api/v1/jobs/$u2"
case "$(field '["state"]')" in CANCELLED | COMPLETING) pass "the cancel answers with the job ending" ;;
  *) fail "the cancel answers with the job ending: $(cat "$work/body")" ;; esac
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
  call "$univ" GET "/api/v1/jobs/$u2" >/dev/null
  [ "$(field '["state"]')" = CANCELLED ] && break
  sleep 1
done
[ "$(field '["state"]')" = CANCELLED ] && pass "the cancelled job reads CANCELLED" || fail "cancelled: $(cat "$work/body")"
[ -z "$(squeue -h -j "$u2_slurm" -o %i 2>/dev/null)" ] && pass "Slurm no longer runs it" || fail "Slurm no longer runs it"
expect "cancelling it again" 409 "$univ" DELETE "/api/v1/jobs/$u2"

# --- Usage: the sync tick charges every ended job, once.
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
  call "$operator" GET /api/v1/usage >/dev/null
  [ "$(field '["jobs"].__len__()')" = 3 ] && break
  sleep 1
done
[ "$(field '["jobs"].__len__()')" = 3 ] && pass "all 3 jobs charged" || fail "all 3 jobs charged: $(cat "$work/body")"
expect "univ-lab's usage" 200 "$univ" GET /api/v1/usage
[ "$(field '["totals"].__len__()')" = 1 ] && [ "$(field '["totals"][0]["tenant"]')" = univ-lab ] &&
  pass "univ-lab's usage is its own" || fail "univ-lab's usage is its own: $(cat "$work/body")"
expect "univ-lab's ETA accuracy" 200 "$univ" GET /api/v1/eta-accuracy
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all(s["tenant"] == "univ-lab" for s in d["samples"]) and len(d["samples"]) >= 1' \
  "$work/body" && pass "univ-lab's ETA samples are its own released jobs" || fail "ETA samples: $(cat "$work/body")"
expect "tenants for the operator" 200 "$operator" GET /api/v1/tenants
[ "$(field '["tenants"].__len__()')" = 5 ] && pass "the operator sees 5 tenants" || fail "5 tenants: $(cat "$work/body")"

# --- Revocation takes effect at once.
expect "the operator lists tokens" 200 "$operator" GET /api/v1/tokens
bob_id="$(python3 -c 'import json,sys; print([t["id"] for t in json.load(open(sys.argv[1]))["tokens"] if t["label"] == "bob"][0])' "$work/body")"
expect "the operator revokes bob's token" 200 "$operator" DELETE "/api/v1/tokens/$bob_id"
expect "a revoked token is refused" 401 "$startup" GET /api/v1/jobs
error_has "the refusal says revoked" "token: revoked ('bob')"

call "" GET /metrics >/dev/null
grep -q '^bitgoeul_npu_jobs{state="COMPLETED"} 2$' "$work/body" && grep -q '^bitgoeul_npu_syncs_total [1-9]' "$work/body" &&
  pass "metrics count jobs by state and syncs" || fail "metrics: $(cat "$work/body")"

# --- Reads never wait for Slurm: a second server on the same store runs an sbatch that waits for a latch file
# (bounded at 60 s). While the submission waits, every read is answered, and the submission is still waiting after
# them (the latch is closed: this checks completion, not time); then the latch opens and it completes.
mkdir -p "$work/slowbin"
for c in squeue sacct scancel scontrol sinfo; do ln -s "$(command -v "$c")" "$work/slowbin/$c"; done
printf '#!/bin/sh\nfor i in $(seq 1 600); do [ -e %s ] && break; sleep 0.1; done\nexec %s "$@"\n' \
  "$work/latch" "$(command -v sbatch)" >"$work/slowbin/sbatch"
chmod +x "$work/slowbin/sbatch"
"$bitgoeul" npu serve --db "$work/center.sqlite" --slurm-bin "$work/slowbin" --listen 127.0.0.1:0 --sync-interval 1 \
  >"$work/slow.log" 2>&1 &
slow_pid=$!
for _ in $(seq 1 200); do grep -q "^listening on" "$work/slow.log" && break; sleep 0.1; done
slow_url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/slow.log")"
if [ -n "$slow_url" ]; then
  curl -s -o "$work/slow_post" -w '%{http_code}' -H "Authorization: Bearer $univ" \
    --data-binary "$(job_body npu:rngd:1 1 latched 5)" "$slow_url/api/v1/jobs" >"$work/slow_status" &
  post_pid=$!
  # The submission's row is committed before sbatch runs: once it reads SUBMITTING, sbatch waits at the latch.
  for _ in $(seq 1 100); do
    curl -s -H "Authorization: Bearer $univ" "$slow_url/api/v1/jobs" | grep -q '"SUBMITTING"' && break
    sleep 0.1
  done
  url_saved="$url"; url="$slow_url"
  expect "health while sbatch waits" 200 "" GET /health
  expect "metrics while sbatch waits" 200 "" GET /metrics
  grep -q '^bitgoeul_npu_slurm_requests_waiting 1$' "$work/body" && pass "metrics count the submission waiting for Slurm" ||
    fail "metrics count the submission waiting: $(grep slurm_requests "$work/body")"
  expect "the operator lists jobs while sbatch waits" 200 "$operator" GET "/api/v1/jobs?all=1"
  expect "univ-lab reads its job while sbatch waits" 200 "$univ" GET "/api/v1/jobs/$u1"
  expect "usage while sbatch waits" 200 "$univ" GET /api/v1/usage
  expect "tenants while sbatch waits" 200 "$operator" GET /api/v1/tenants
  url="$url_saved"
  if kill -0 "$post_pid" 2>/dev/null; then pass "the submission was still waiting for sbatch after those reads"; else
    fail "the submission was still waiting for sbatch (it ended: $(cat "$work/slow_status") $(cat "$work/slow_post"))"; fi
  touch "$work/latch"
  wait "$post_pid"
  [ "$(cat "$work/slow_status")" = 201 ] && pass "the latched submission completes (201)" ||
    fail "the latched submission: HTTP $(cat "$work/slow_status"): $(cat "$work/slow_post")"
  kill -TERM "$slow_pid"; wait "$slow_pid"; slow_pid=""
else
  fail "the second server starts: $(cat "$work/slow.log")"
fi

# --- SIGTERM stops the server cleanly.
kill -TERM "$pid"
wait "$pid"; code=$?
pid=""
if [ "$code" = 0 ] && grep -q "^stopped (SIGTERM)" "$work/serve.log"; then pass "SIGTERM stops the server (exit 0)"; else
  fail "SIGTERM stops the server (exit $code): $(cat "$work/serve.log")"; fi

"$root/scripts/slurm_local.sh" stop "$state" >/dev/null
if "$root/scripts/slurm_local.sh" status "$state" >/dev/null; then fail "every daemon stopped"; else
  pass "every daemon stopped"; fi
finish_checks "npu serve"
