#!/usr/bin/env bash
# Fidelity of the live center against the simulator: replays one small time-compressed trace on a real loopback
# Slurm through the center (`bitgoeul npu submit` at each job's submission second, `npu sync` once a second as
# `npu serve` ticks) and in the simulator (`bitgoeul npu simulate`) with the same policy, then prints every job's
# start time in both and the error.
#
# The trace (deterministic, no random generator of awk's): JOBS jobs, run times from Philly's run-time log
# (../shared/data/traces/philly-runtime, line 1 + (k·7919 mod N)) compressed 60× into [5, 60] s, whole-device counts
# from openb's multi-GPU pod list (same stride), Poisson arrivals (a Lehmer generator, seed SEED) with a mean gap
# of GAP s, three projects in turn, time limit = ceil(2 × run time) in whole minutes (Slurm's unit). All jobs
# want RNGD cards on one node (rngd1 and rngd2, 8 each).
#
#   bench/npu_sim_vs_slurm.sh [POLICY] [JOBS] [SEED]    (default multifactor, 40 jobs, seed 7)
#   BITGOEUL=path/to/bitgoeul  use that executable (default: build/release, built by scripts/build.sh)
#   GAP=0.8                    mean seconds between submissions
# Needs root and Slurm (scripts/install_deps.sh); the local Slurm runs on port SLURM_LOCAL_PORT (default 29417)
# and is stopped by its pids at the end. Prints per-job lines and the summary; keeps everything in OUT
# (default: a temporary directory, removed) when OUT is given.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
policy="${1:-multifactor}"
job_count="${2:-40}"
seed="${3:-7}"
gap="${GAP:-0.8}"
data="$root/../shared/data/traces"
if [ -z "${BITGOEUL:-}" ]; then
  "$root/scripts/install_deps.sh"
  "$root/scripts/build.sh" >/dev/null
fi
bitgoeul="${BITGOEUL:-$root/build/release/src/cli/bitgoeul}"
[ "$(id -u)" -eq 0 ] || { echo "npu_sim_vs_slurm: the local Slurm runs its daemons as root" >&2; exit 1; }

work="${OUT:-$(mktemp -d /tmp/bitgoeul-sim-vs-slurm.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
export SLURM_LOCAL_PORT="${SLURM_LOCAL_PORT:-29417}"
cleanup() {
  "$root/scripts/slurm_local.sh" stop "$work/slurm" >/dev/null 2>&1 || true
  [ -n "${OUT:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# --- The trace.
awk -v jobs="$job_count" -v seed="$seed" -v gap="$gap" '
  FNR == 1 { file++ ; next }
  file == 1 { runtime[++n_rt] = $1 + 0 }
  file == 2 { split($0, f, ","); if (f[5] == 1000 && f[4] >= 1) size[++n_size] = f[4] + 0 }
  END {
    state = seed
    t = 0
    print "name,tenant,submit_s,duration_s,time_limit_s,devices,share_milli,types,locality"
    for (k = 0; k < jobs; k++) {
      rt = runtime[1 + (k * 7919) % n_rt]
      d = int(rt / 60 + 0.5); if (d < 5) d = 5; if (d > 60) d = 60
      devices = size[1 + (k * 7919) % n_size]
      limit_min = int((2 * d + 59) / 60)
      tenant = substr("abc", k % 3 + 1, 1)
      printf "job%02d,lab-%s,%d,%d,%d,%d,0,RNGD:1,node\n", k, tenant, int(t), d, limit_min * 60, devices
      state = (state * 48271) % 2147483647        # Lehmer; exact in doubles
      t += -gap * log(state / 2147483647)
    }
  }' "$data/philly-runtime/philly_runtime.csv" "$data/alibaba-openb-2023/openb_pod_list_multigpu50.csv" \
  >"$work/trace.csv"

cat >"$work/tenants.toml" <<'EOF'
[[tenants]]
name = "public"
kind = "programme"
voucher_device_hours = 1000
[[tenants]]
name = "labs"
kind = "organisation"
parent = "public"
[[tenants]]
name = "lab-a"
kind = "project"
parent = "labs"
[[tenants]]
name = "lab-b"
kind = "project"
parent = "labs"
[[tenants]]
name = "lab-c"
kind = "project"
parent = "labs"
EOF
cluster="$root/tests/fixtures/npu_center/cluster.toml"

# --- The simulator.
"$bitgoeul" npu simulate --cluster "$cluster" --tenants "$work/tenants.toml" --trace "$work/trace.csv" \
  --policy "$policy" -o "$work/sim" >/dev/null

# --- The live center on a real Slurm.
"$root/scripts/slurm_local.sh" start "$work/slurm" >"$work/slurm-start.log" 2>&1 ||
  { cat "$work/slurm-start.log"; exit 1; }
export SLURM_CONF="$work/slurm/slurm.conf"
export BITGOEUL_CENTER_DB="$work/center.sqlite"
"$bitgoeul" npu init --cluster "$cluster" --tenants "$work/tenants.toml" --policy "$policy" \
  --operator-token-file "$work/operator.token" >/dev/null
export BITGOEUL_TOKEN="$(cat "$work/operator.token")"
mapfile -t rows < <(tail -n +2 "$work/trace.csv")
declare -a slurm_id
for d in $(cut -d, -f4 "$work/trace.csv" | tail -n +2 | sort -u); do printf '#!/bin/bash\nsleep %s\n' "$d" >"$work/sleep$d.sh"; done
echo "replaying ${#rows[@]} jobs on Slurm under $policy (one sync a second) ..." >&2
t0="$(date +%s)"
next=0
while true; do
  now=$(($(date +%s) - t0))
  while [ "$next" -lt "${#rows[@]}" ]; do
    IFS=, read -r name tenant submit duration limit devices _ <<<"${rows[$next]}"
    [ "$submit" -le "$now" ] || break
    slurm_id[$next]="$("$bitgoeul" npu submit --parsable --no-schedule --tenant "$tenant" --gres="npu:rngd:$devices" \
      --time "$((limit / 60))" -J "$name" "$work/sleep$duration.sh")"
    next=$((next + 1))
  done
  "$bitgoeul" npu sync >>"$work/sync.log" 2>&1 || true
  if [ "$next" -ge "${#rows[@]}" ] && [ -z "$(squeue -h -t PENDING,RUNNING,COMPLETING,CONFIGURING -o %i)" ]; then break; fi
  [ "$now" -lt 1800 ] || { echo "npu_sim_vs_slurm: not done after 30 min" >&2; exit 1; }
  # Sleep to the next whole second.
  sleep "$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.3f", 1 - (t - int(t)) }')"
done
for _ in 1 2 3; do "$bitgoeul" npu sync >>"$work/sync.log" 2>&1 || true; sleep 1; done
"$bitgoeul" npu eta-accuracy >"$work/eta.txt"

# --- Compare: start times relative to the replay's start (t0) and the trace's zero.
ids="$(IFS=,; echo "${slurm_id[*]}")"
sacct --completion --noheader --parsable2 --starttime=2000-01-01 --jobs="$ids" --format=JobIDRaw,Start,ElapsedRaw \
  >"$work/sacct.txt"
: >"$work/live.csv"
for k in "${!rows[@]}"; do
  IFS=, read -r name _ <<<"${rows[$k]}"
  line="$(awk -F'|' -v id="${slurm_id[$k]}" '$1 == id { print $2 "|" $3 }' "$work/sacct.txt")"
  start="$(date -u -d "${line%%|*}" +%s)"
  echo "$name,$((start - t0)),${line##*|}" >>"$work/live.csv"
done
# compare TRACE SIM_DIR LABEL: per-job lines and the summary.
compare() {
awk -F, -v policy="$policy" -v label="$3" '
  FNR == 1 { file++ }
  file == 1 && FNR > 1 { submit[$1] = $3; duration[$1] = $4; devices[$1] = $6 }
  file == 2 && FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  file == 2 { sim[$(col["name"])] = $(col["first_start_s"]) }
  file == 3 { live[$1] = $2; elapsed[$1] = $3; order[++n] = $1 }
  END {
    printf "%-6s %4s %4s %5s %8s %8s %8s %7s %7s\n", "job", "dev", "run", "submit", "sim", "slurm", "err_s", "err_%", "wait_%"
    for (i = 1; i <= n; i++) {
      j = order[i]; e = live[j] - sim[j]; a = e < 0 ? -e : e
      abs[i] = a
      rel[i] = sim[j] > 0 ? 100 * a / sim[j] : (a == 0 ? 0 : 100)
      wait = sim[j] - submit[j]
      wrel = "-"
      if (wait > 0) { w[++nw] = 100 * a / wait; wrel = sprintf("%.1f", w[nw]) }
      printf "%-6s %4d %4d %5d %8d %8d %+8d %7.1f %7s\n", j, devices[j], duration[j], submit[j], sim[j], live[j], e, rel[i], wrel
    }
    asort_(abs, n); asort_(rel, n); asort_(w, nw)
    printf "\n%s, %s, %d jobs: start-time error median %.1f s (p90 %.1f s); as %% of the simulated start time median %.1f%% (p90 %.1f%%)", policy, label, n, q(abs, n, 0.5), q(abs, n, 0.9), q(rel, n, 0.5), q(rel, n, 0.9)
    if (nw > 0) printf "; as %% of the simulated wait, over the %d jobs that waited: median %.1f%%", nw, q(w, nw, 0.5)
    printf "\n"
  }
  function asort_(a, m,   i, j, t) { for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
  function q(a, m, p,   r) { if (m == 0) return 0; r = int(p * m + 0.999999); if (r < 1) r = 1; return a[r] }
' "$1" "$2/jobs.csv" "$work/live.csv"
}
echo "== the simulator on the trace's run times"
compare "$work/trace.csv" "$work/sim" "simulator on the trace" | tee "$work/summary.txt"
# Slurm runs `sleep N` for N s plus its own start and end work; the simulator again, given the run times Slurm
# measured (sacct's elapsed), separates the center's decisions from that overhead.
awk -F, 'FNR == NR { elapsed[$1] = $3; next } FNR == 1 { print; next }
  { OFS = ","; if ($1 in elapsed && elapsed[$1] > 0) $4 = elapsed[$1]; print }' "$work/live.csv" "$work/trace.csv" \
  >"$work/trace-measured.csv"
"$bitgoeul" npu simulate --cluster "$cluster" --tenants "$work/tenants.toml" --trace "$work/trace-measured.csv" \
  --policy "$policy" -o "$work/sim-measured" >/dev/null
echo "== the simulator on the run times Slurm measured"
compare "$work/trace-measured.csv" "$work/sim-measured" "simulator on Slurm's measured run times" | tee -a "$work/summary.txt"
echo "center's ETA accuracy (predicted at submission vs actual start): $(tail -1 "$work/eta.txt")"
"$root/scripts/slurm_local.sh" stop "$work/slurm" >/dev/null
