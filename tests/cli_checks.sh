# Shared by the end-to-end CLI tests (sourced): a temporary work folder, and checks that print TAP-like lines and
# count failures. Each test ends with `finish_checks "name"`.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; failures=$((failures + 1)); }
# expect_error "description" "text the message must contain" command...
expect_error() {
  local what="$1" needle="$2"; shift 2
  local output status
  output="$("$@" 2>&1)"; status=$?
  if [ "$status" -ne 0 ] && grep -qF -- "$needle" <<<"$output"; then pass "$what"; else
    fail "$what (exit $status, wanted message containing '$needle'): $output"; fi
}
# expect_ok "description" command...
expect_ok() {
  local what="$1"; shift
  local output
  if output="$("$@" 2>&1)"; then pass "$what"; else fail "$what: $output"; fi
}
finish_checks() {
  if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
  echo "all $1 checks passed"
}
