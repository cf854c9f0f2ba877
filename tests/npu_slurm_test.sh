#!/usr/bin/env bash
# Integration specification of the NPU center on a real Slurm (scripts/slurm_local.sh: slurmctld and three slurmd
# on loopback, GRES npu:rngd on rngd1/rngd2 and npu:atom on atom1): two tenants submit short sleep jobs through
# `bitgoeul npu`; quotas and vouchers are enforced before Slurm sees a job; vouchers burn what sacct recorded
# (elapsed × devices), once; a tenant cannot cancel another's job; every daemon is stopped by its pid afterwards.
#   tests/npu_slurm_test.sh BITGOEUL_EXECUTABLE
# Exit 77 (skipped) when Slurm is not installed or we are not root, unless BITGOEUL_REQUIRE_SLURM=1 (CI).
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/tests/fixtures/npu_center"

# shellcheck source=tests/slurm_checks.sh
source "$root/tests/slurm_checks.sh"
start_local_slurm "npu slurm" "${BITGOEUL_TEST_SLURM_PORT:-28417}" sbatch squeue sacct scontrol scancel
export BITGOEUL_CENTER_DB="$work/center.sqlite"
cd "$work" || exit 1

npu() { "$bitgoeul" npu "$@"; }
as() { local token="$1"; shift; BITGOEUL_TOKEN="$token" "$bitgoeul" npu "$@"; }

expect_ok "init from the fixtures" npu init --cluster "$fixtures/cluster.toml" --tenants "$fixtures/tenants.toml" \
  --operator-token-file "$work/operator.token"
operator="$(cat "$work/operator.token")"
univ="$(as "$operator" token --tenant univ-lab --label test)"
startup="$(as "$operator" token --tenant startup-llm --label test)"
[ -n "$univ" ] && [ -n "$startup" ] && pass "tenant tokens issued" || fail "tenant tokens issued"
if grep -qaF -e "$univ" -e "$operator" "$work"/center.sqlite*; then fail "the store keeps no token in clear"; else
  pass "the store keeps no token in clear"; fi

printf '#!/bin/bash\nsleep 4\n' >"$work/short.sh"
printf '#!/bin/bash\nsleep 60\n' >"$work/long.sh"
printf '#!/bin/bash\n#SBATCH --gres=npu:rngd:8\nsleep 1\n' >"$work/directive.sh"

# --- Two tenants submit; the university lab fills its RNGD quota of 4 (2 + 2); a third job is refused.
u1="$(as "$univ" submit --parsable --gres=npu:rngd:2 --time 1 -J "'; DROP TABLE jobs; --" "$work/short.sh")" &&
  pass "univ-lab job 1 submitted ($u1)" || fail "univ-lab job 1 submitted: $u1"
u2="$(as "$univ" submit --parsable --gres=npu:rngd:2 --time 1 "$work/long.sh")" &&
  pass "univ-lab job 2 submitted ($u2)" || fail "univ-lab job 2 submitted: $u2"
s1="$(as "$startup" submit --parsable --gres=npu:atom:2 --time 00:01:00 "$work/short.sh")" &&
  pass "startup-llm job submitted ($s1)" || fail "startup-llm job submitted: $s1"
jobs_before="$(squeue -h -t all -o %i | wc -l)"
expect_error "quota: a third univ-lab job is rejected" \
  "rejected: quota exceeded for tenant 'univ-lab' (the quota of organisation 'univ'): 4 RNGD in use or queued + 1 requested > maximum 4" \
  as "$univ" submit --gres=npu:rngd:1 --time 1 "$work/short.sh"
[ "$(squeue -h -t all -o %i | wc -l)" = "$jobs_before" ] && pass "the rejected job never reached Slurm" ||
  fail "the rejected job never reached Slurm"
expect_error "#SBATCH directives are refused (options come from the flags)" "line 2" \
  as "$univ" submit --gres=npu:rngd:1 --time 1 "$work/directive.sh"
expect_error "bad gres" "--gres 'npu:rngd:lots'" as "$univ" submit --gres=npu:rngd:lots --time 1 "$work/short.sh"
expect_error "bad time" "--time" as "$univ" submit --gres=npu:rngd:1 --time 10:99:99:99 "$work/short.sh"
expect_error "foreign tenant" "may not submit" as "$univ" submit --tenant startup-llm --gres=npu:atom:1 --time 1 \
  "$work/short.sh"
expect_error "unknown token" "token: unknown" as "bgt_forged" queue

# Slurm got the center's job name and the tenant's account, never the user's text.
name_account="$(squeue -h -j "$u1" -t all -o '%j|%a')"
[ "$name_account" = "bg-1|univ-lab" ] && pass "Slurm sees job name bg-1, account univ-lab" ||
  fail "Slurm sees job name bg-1, account univ-lab (got '$name_account')"

# --- A tenant cannot cancel another tenant's job; the owner can.
expect_error "startup-llm cannot cancel univ-lab's job" "job $u2: no such job of yours" as "$startup" cancel "$u2"
state_u2="$(squeue -h -j "$u2" -o %T)"
case "$state_u2" in PENDING | RUNNING) pass "univ-lab's job is untouched ($state_u2)" ;;
  *) fail "univ-lab's job is untouched (got '$state_u2')" ;; esac
as "$startup" queue | grep -q " univ-lab " && fail "startup-llm's queue hides univ-lab's jobs" ||
  pass "startup-llm's queue hides univ-lab's jobs"

# Wait for the short jobs to end, then cancel the long one (after it ran a little).
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  [ -z "$(squeue -h -j "$u1,$s1" -o %i 2>/dev/null)" ] && break
  sleep 1
done
expect_ok "univ-lab cancels its own running job" as "$univ" cancel "$u2"

# --- Accounting: each job charged elapsed × devices as sacct recorded, once.
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
  [ "$(as "$operator" usage | grep -cE '^ +[0-9]+ ')" -ge 3 ] && break
  sleep 1
done
as "$operator" usage >"$work/usage.txt"
sacct --completion --noheader --parsable2 --starttime=2000-01-01 --jobs="$u1,$u2,$s1" \
  --format=JobIDRaw,ElapsedRaw,NNodes,State >"$work/sacct.txt"
# Expected billed hours from sacct: univ jobs 2 RNGD (weight 1), startup 2 ATOM (weight 0.5).
expected="$(awk -F'|' -v u1="$u1" -v u2="$u2" -v s1="$s1" '
  $1 == u1 || $1 == u2 { univ += 2 * $2 / 3600 } $1 == s1 { startup += 2 * $2 * 0.5 / 3600 }
  END { printf "%.6f %.6f", univ, startup }' "$work/sacct.txt")"
charged="$(awk '$1 == "total" && $2 == "univ-lab" { u = $NF } $1 == "total" && $2 == "startup-llm" { s = $NF }
  END { printf "%.6f %.6f", u, s }' "$work/usage.txt")"
[ "$expected" = "$charged" ] && pass "billed hours match sacct's elapsed × devices ($charged)" ||
  { fail "billed hours match sacct (sacct: $expected, charged: $charged)"; cat "$work/usage.txt" "$work/sacct.txt"; }
grep -q " CANCELLED " "$work/usage.txt" && pass "the cancelled job is charged for the time it ran" ||
  fail "the cancelled job is charged for the time it ran"
burnt_before="$(as "$operator" tenants | awk '$1 == "univ" { print $NF }')"
expect_ok "sync again" as "$operator" sync
expect_ok "and again" as "$operator" sync
burnt_after="$(as "$operator" tenants | awk '$1 == "univ" { print $NF }')"
[ -n "$burnt_before" ] && [ "$burnt_before" = "$burnt_after" ] && pass "charged once ($burnt_after)" ||
  fail "charged once (before '$burnt_before', after '$burnt_after')"
univ_burnt="$(awk -F/ '{ print $2 }' <<<"$burnt_after")"
univ_expected="${expected% *}"
awk -v a="$univ_burnt" -v b="$univ_expected" 'BEGIN { exit !(a - b < 0.0005 && b - a < 0.0005) }' &&
  pass "univ's voucher burnt what its project used ($univ_burnt h)" ||
  fail "univ's voucher burnt what its project used ($univ_burnt vs $univ_expected)"

# --- Voucher: univ has 2 device-hours; 4 RNGD for 1 hour would burn 4.
expect_error "voucher: a job that could overdraw it is rejected" "rejected: voucher of 'univ' has" \
  as "$univ" submit --gres=npu:rngd:4 --time 1:00:00 "$work/short.sh"

# --- The operator revokes a token; it stops working at once.
spare="$(as "$operator" token --tenant startup-llm --label spare)"
spare_id="$(as "$operator" token --list | awk '$NF == "spare" { print $1 }')"
expect_ok "operator revokes token $spare_id" as "$operator" token --revoke "$spare_id"
expect_error "a revoked token is refused" "token: revoked ('spare')" as "$spare" queue
expect_error "a tenant cannot list tokens" "only the operator" as "$startup" token --list

# --- Everything stops.
"$root/scripts/slurm_local.sh" stop "$state" >/dev/null
if "$root/scripts/slurm_local.sh" status "$state" >/dev/null; then fail "every daemon stopped"; else
  pass "every daemon stopped"; fi
finish_checks "npu slurm"
