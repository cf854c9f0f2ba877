#!/usr/bin/env bash
# Integration specification of the center's own scheduling on a real Slurm (scripts/slurm_local.sh): jobs reach
# Slurm held, and `npu sync` (a periodic tick) releases them in the order the center's policy decides.
#
# Three tenants on the 16 RNGD cards of rngd1 + rngd2 (sleep jobs, 1 min limits):
#   heavy  runs 8 cards for 6 s first (fair-share usage: ~48 device-s)
#   third  then takes all 16 cards for 8 s (the blocker)
#   heavy  submits H (all 16 cards, 3 s), then light submits L (the same), both behind the blocker
# multifactor (fair share from charged usage): light used nothing, so L starts before H although H came first;
# fifo (the control, a second store on the same Slurm): H before L. Also checked: queue positions and ETAs while
# they wait, quota and voucher rejections that never reach Slurm, billed device-hours equal sacct's elapsed ×
# devices, nothing left in Slurm, and every daemon stopped by its pid.
#   tests/npu_policy_slurm_test.sh BITGOEUL_EXECUTABLE
# Exit 77 (skipped) when Slurm is not installed or we are not root, unless BITGOEUL_REQUIRE_SLURM=1 (CI).
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/tests/fixtures/npu_center"

# shellcheck source=tests/slurm_checks.sh
source "$root/tests/slurm_checks.sh"
start_local_slurm "npu policy slurm" "${BITGOEUL_TEST_POLICY_SLURM_PORT:-29817}" sbatch squeue sacct scontrol \
  scancel sinfo
cd "$work" || exit 1

cat >"$work/tenants.toml" <<'EOF'
[[tenants]]
name = "public"
kind = "programme"
voucher_device_hours = 100
[[tenants]]
name = "labs"
kind = "organisation"
parent = "public"
[[tenants]]
name = "heavy"
kind = "project"
parent = "labs"
[[tenants]]
name = "light"
kind = "project"
parent = "labs"
maximum = { ATOM = 2 }
voucher_device_hours = 1
[[tenants]]
name = "third"
kind = "project"
parent = "labs"
EOF
printf '#!/bin/bash\nsleep 6\n' >"$work/six.sh"
printf '#!/bin/bash\nsleep 8\n' >"$work/eight.sh"
printf '#!/bin/bash\nsleep 3\n' >"$work/three.sh"

# sync_until "what" SECONDS command...: `npu sync` once a second (the tick `npu serve` runs) until command succeeds.
sync_until() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  while [ $SECONDS -lt $deadline ]; do
    "$bitgoeul" npu sync >/dev/null 2>&1
    if "$@"; then return 0; fi
    sleep 1
  done
  fail "$what (within $seconds s)"
  return 1
}
state_of() { squeue -h -j "$1" -t all -o %T 2>/dev/null; }
is_running() { [ "$(state_of "$1")" = RUNNING ]; }
ended() { local id; for id in "$@"; do case "$(state_of "$id")" in PENDING | RUNNING | COMPLETING | CONFIGURING) return 1 ;; esac; done; }
charged_count() { [ "$(BITGOEUL_TOKEN="$operator" "$bitgoeul" npu usage | grep -cE '^ +[0-9]+ ')" -ge "$1" ]; }

# run_scenario POLICY: the three tenants' jobs on a fresh store under POLICY; sets h, l, blocker, first.
run_scenario() {
  local policy="$1"
  export BITGOEUL_CENTER_DB="$work/$policy.sqlite"
  expect_ok "$policy: init" "$bitgoeul" npu init --cluster "$fixtures/cluster.toml" --tenants "$work/tenants.toml" \
    --policy "$policy" --operator-token-file "$work/$policy.token"
  operator="$(cat "$work/$policy.token")"
  export BITGOEUL_TOKEN="$operator"
  first="$("$bitgoeul" npu submit --parsable --tenant heavy --gres=npu:rngd:8 --time 1 "$work/six.sh")" ||
    fail "$policy: heavy's first job: $first"
  sync_until "$policy: heavy's first job ends and is charged" 60 charged_count 1 || return
  blocker="$("$bitgoeul" npu submit --parsable --tenant third --gres=npu:rngd:8 -N 2 --time 1 "$work/eight.sh")"
  sync_until "$policy: the blocker runs" 20 is_running "$blocker" || return
  h="$("$bitgoeul" npu submit --parsable --tenant heavy --gres=npu:rngd:8 -N 2 --time 1 "$work/three.sh")"
  sleep 1
  l="$("$bitgoeul" npu submit --parsable --tenant light --gres=npu:rngd:8 -N 2 --time 1 "$work/three.sh")"
  "$bitgoeul" npu queue >"$work/$policy.queue"
  # Both wait held by the center (Slurm says JobHeldUser), each with a queue position and a predicted start.
  local reasons
  reasons="$(squeue -h -j "$h,$l" -o %r | sort -u)"
  [ "$reasons" = "JobHeldUser" ] && pass "$policy: H and L wait held in Slurm" ||
    fail "$policy: H and L wait held in Slurm (reasons: $reasons)"
  awk -v h="$h" -v l="$l" '$1 == h || $1 == l { if ($10 !~ /^[12]$/ || $11 !~ /^20[0-9][0-9]-/ || $12 != "(CenterPolicy)") bad = 1; n++ }
    END { exit !(n == 2 && !bad) }' "$work/$policy.queue" &&
    pass "$policy: npu queue shows POS and ETA for both" ||
    { fail "$policy: npu queue shows POS and ETA for both"; cat "$work/$policy.queue"; }
  sync_until "$policy: blocker, H and L end" 90 ended "$blocker" "$h" "$l" || return
  sync_until "$policy: every job charged" 30 charged_count 4
}

start_of() { sacct --completion --noheader --parsable2 --starttime=2000-01-01 -j "$1" --format=Start | head -1; }

# --- Fair share (multifactor, the default policy): the lighter tenant first.
run_scenario multifactor
h_start="$(start_of "$h")"; l_start="$(start_of "$l")"; h_end_blocker="$(start_of "$blocker")"
if [ -n "$h_start" ] && [ -n "$l_start" ] && [[ "$l_start" < "$h_start" ]]; then
  pass "multifactor: light's L ($l_start) starts before heavy's H ($h_start), though submitted later"
else
  fail "multifactor: light's L starts before heavy's H (L $l_start, H $h_start)"
fi
awk -v h="$h" -v l="$l" '$1 == h && $10 == 2 { hp = 1 } $1 == l && $10 == 1 { lp = 1 } END { exit !(hp && lp) }' \
  "$work/multifactor.queue" && pass "multifactor: the queue put L at position 1, H at 2" ||
  { fail "multifactor: the queue put L at position 1, H at 2"; cat "$work/multifactor.queue"; }

# Accounting: billed device-hours per tenant equal sacct's elapsed × allocated cards (RNGD weight 1).
"$bitgoeul" npu usage >"$work/usage.txt"
sacct --completion --noheader --parsable2 --starttime=2000-01-01 --jobs="$first,$blocker,$h,$l" \
  --format=JobIDRaw,Account,ElapsedRaw,NNodes >"$work/sacct.txt"
expected="$(awk -F'|' '{ hours[$2] += 8 * $4 * $3 / 3600 } END { printf "%.6f %.6f %.6f", hours["heavy"], hours["light"], hours["third"] }' "$work/sacct.txt")"
charged="$(awk '$1 == "total" { h[$2] = $NF } END { printf "%.6f %.6f %.6f", h["heavy"], h["light"], h["third"] }' "$work/usage.txt")"
[ "$expected" = "$charged" ] && pass "billed hours match sacct's elapsed × devices ($charged)" ||
  { fail "billed hours match sacct (sacct: $expected, charged: $charged)"; cat "$work/usage.txt" "$work/sacct.txt"; }
"$bitgoeul" npu eta-accuracy --jobs >"$work/eta.txt" && grep -q "^jobs 4:" "$work/eta.txt" &&
  pass "eta-accuracy measures the 4 jobs: $(tail -1 "$work/eta.txt")" ||
  { fail "eta-accuracy measures the 4 jobs"; cat "$work/eta.txt"; }

# Quota and voucher, checked before Slurm sees anything.
jobs_before="$(squeue -h -t all -o %i | wc -l)"
expect_error "quota: light may not hold 4 ATOM" "rejected: quota exceeded for tenant 'light'" \
  "$bitgoeul" npu submit --tenant light --gres=npu:atom:4 --time 1 "$work/three.sh"
expect_error "voucher: 16 RNGD for an hour would overdraw light's 1 device-hour" "rejected: voucher of 'light' has" \
  "$bitgoeul" npu submit --tenant light --gres=npu:rngd:8 -N 2 --time 1:00:00 "$work/three.sh"
[ "$(squeue -h -t all -o %i | wc -l)" = "$jobs_before" ] && pass "rejected jobs never reached Slurm" ||
  fail "rejected jobs never reached Slurm"

# --- The control: fifo on a fresh store, the same jobs: H (submitted first) before L.
run_scenario fifo
h_start="$(start_of "$h")"; l_start="$(start_of "$l")"
if [ -n "$h_start" ] && [ -n "$l_start" ] && [[ "$h_start" < "$l_start" ]]; then
  pass "fifo: heavy's H ($h_start) starts before light's L ($l_start)"
else
  fail "fifo: heavy's H starts before light's L (H $h_start, L $l_start)"
fi

# --- Nothing left running; everything stops.
[ -z "$(squeue -h -t PENDING,RUNNING,COMPLETING -o %i)" ] && pass "nothing left in Slurm" ||
  { fail "nothing left in Slurm"; squeue; }
"$root/scripts/slurm_local.sh" stop "$state" >/dev/null
if "$root/scripts/slurm_local.sh" status "$state" >/dev/null; then fail "every daemon stopped"; else
  pass "every daemon stopped"; fi
finish_checks "npu policy slurm"
