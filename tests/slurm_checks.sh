# Shared by the end-to-end tests that need a real Slurm (sourced after `root` is set): exit 77 (skipped) when Slurm
# is not installed or we are not root, unless BITGOEUL_REQUIRE_SLURM=1 (CI), where that is a failure; then the
# checks of tests/cli_checks.sh and a local Slurm (scripts/slurm_local.sh) on its own port in the work folder,
# stopped by its pids when the test exits. SLURM_CONF points at it afterwards.
#   start_local_slurm "test name" PORT program...
start_local_slurm() {
  local name="$1" port="$2"; shift 2
  skip() {
    if [ "${BITGOEUL_REQUIRE_SLURM:-0}" = 1 ]; then
      echo "FAIL - $1 (BITGOEUL_REQUIRE_SLURM=1)"
      exit 1
    fi
    echo "skipped: $1"
    exit 77
  }
  for program in slurmctld slurmd munged "$@"; do
    command -v "$program" >/dev/null || skip "Slurm is not installed ($program missing; scripts/install_deps.sh installs it)"
  done
  [ "$(id -u)" -eq 0 ] || skip "the local Slurm runs its daemons as root"
  # shellcheck source=tests/cli_checks.sh
  source "$root/tests/cli_checks.sh"
  state="$work/slurm"
  export SLURM_LOCAL_PORT="$port"
  stop_slurm() { "$root/scripts/slurm_local.sh" stop "$state" >/dev/null 2>&1 || true; }
  trap 'stop_slurm; rm -rf "$work"' EXIT
  if ! "$root/scripts/slurm_local.sh" start "$state" >"$work/start.log" 2>&1; then
    cat "$work/start.log"
    fail "local Slurm starts"
    finish_checks "$name"
  fi
  pass "local Slurm starts"
  export SLURM_CONF="$state/slurm.conf"
}
