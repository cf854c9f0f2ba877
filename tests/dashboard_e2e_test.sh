#!/usr/bin/env bash
# End-to-end test of the operator dashboard in a real browser: `bitgoeul taxi serve --web` on a free loopback port
# with a database, a small fleet and its riders driven over the API (tests/e2e/drive_fleet.mjs), and Debian's
# Chromium driven by playwright-core (tests/e2e/dashboard.mjs): sign in, vehicles drawn and moving, KPIs updating,
# a zone suspended with the UI — then the service itself is asked: the permit lists the zone suspended and a new ride
# there is rejected — and resumed. The static files are checked over HTTP too (content types, no way out of the
# directory). The regulator's token opens a read-only dashboard: no action buttons, and its forced calls get 403.
# Keeps screenshots at build/artifacts/dashboard.png (and -suspended, -regulator). Everything started is stopped by its pid.
#   tests/dashboard_e2e_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"
map="$root/../shared/data/osm/asanH.clean.osm"
permit="$root/scenarios/permits/songpa-pilot/permit.toml"
zone="songpa-pilot"
screenshot="$root/build/artifacts/dashboard.png"

for needed in /usr/bin/chromium "$root/web/node_modules/playwright-core/package.json" "$root/web/dist/index.html"; do
  if [ ! -e "$needed" ]; then
    echo "FAIL - $needed is missing: run scripts/install_deps.sh (Chromium, npm ci and the dashboard's build)"
    exit 1
  fi
done
mkdir -p "$(dirname "$screenshot")"
rm -f "$screenshot" "${screenshot%.png}-suspended.png" "${screenshot%.png}-regulator.png"

pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap stop_all EXIT

# Tokens: the operator's (the browser), a rider's, and the fleet's (the gateway role when the service has it).
token_of() { sed -n '2s/^# //p' "$1"; }
"$bitgoeul" taxi token --role operator --id ops >"$work/operator.txt"
"$bitgoeul" taxi token --role rider --id u1 >"$work/rider.txt"
"$bitgoeul" taxi token --role regulator --id molit >"$work/regulator.txt"
fleet_file="$work/operator.txt"
if "$bitgoeul" taxi token --role gateway --id gateway >"$work/gateway.txt" 2>/dev/null; then fleet_file="$work/gateway.txt"; fi
token_files=("$work/operator.txt" "$work/rider.txt" "$work/regulator.txt")
[ "$fleet_file" = "$work/operator.txt" ] || token_files+=("$fleet_file")
for f in "${token_files[@]}"; do grep -v '^#' "$f"; done >"$work/access.toml"
operator="$(token_of "$work/operator.txt")"
rider="$(token_of "$work/rider.txt")"
regulator="$(token_of "$work/regulator.txt")"
fleet="$(token_of "$fleet_file")"

# The dashboard from a copy of web/dist with a symlink out of it, to see the symlink refused.
cp -r "$root/web/dist" "$work/dist"
echo "secret outside the dashboard" >"$work/secret.txt"
ln -s "$work/secret.txt" "$work/dist/leak.txt"

# The permit's local time is chosen so that it is about noon now, inside its service hours on any kind of day.
utc_hour=$((10#$(date -u +%H)))
offset=$((12 - utc_hour))
db_option=()
if "$bitgoeul" taxi serve --help 2>/dev/null | grep -q -- '--db'; then db_option=(--db "$work/state.sqlite"); fi
"$bitgoeul" taxi serve --map "$map" --permit "$permit" --access "$work/access.toml" --listen 127.0.0.1:0 \
  --utc-offset "$offset" --web "$work/dist" "${db_option[@]}" >"$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$work/serve.log")"
if [ -z "$url" ]; then fail "serve did not start: $(tail -5 "$work/serve.log")"; finish_checks "dashboard"; fi
pass "serve listens on $url ${db_option[*]:+with a database}"
if grep -q "dashboard at $url/" "$work/serve.log"; then pass "serve says where the dashboard is"; else
  fail "serve names the dashboard's URL: $(cat "$work/serve.log")"; fi

# The static files over HTTP.
status() { curl -s --path-as-is -o "$work/body" -w '%{http_code} %{content_type}' "$@"; }
expect_http() {
  local what="$1" wanted="$2"; shift 2
  local got; got="$(status "$@")"
  # shellcheck disable=SC2053  # $wanted is a glob on purpose: "200 text/html*"
  if [[ "$got" == $wanted ]]; then pass "$what"; else fail "$what: got '$got', wanted '$wanted': $(head -c 200 "$work/body")"; fi
}
expect_http "index.html at /" "200 text/html*" "$url/"
asset="$(grep -o 'assets/[^"]*\.js' "$work/dist/index.html" | head -n 1)"
expect_http "the script with its content type" "200 text/javascript*" "$url/$asset"
expect_http "a missing file" "404 *" "$url/nope.js"
expect_http "'..' out of the directory" "404 *" "$url/../../../../etc/passwd"
expect_http "'%2e%2e' out of the directory" "404 *" "$url/%2e%2e/%2e%2e/%2e%2e/etc/passwd"
expect_http "'%2f' and '..' mixed" "404 *" "$url/assets%2f..%2f..%2fsecret.txt"
expect_http "an absolute path" "404 *" "$url//etc/passwd"
expect_http "a symlink out of the directory" "404 *" "$url/leak.txt"
if ! grep -q "secret" "$work/body"; then pass "nothing outside the directory is shown"; else fail "leaked: $(cat "$work/body")"; fi
expect_http "a POST to the dashboard" "405 *" -X POST "$url/index.html"
expect_http "the API still answers beside it" "401 *" "$url/api/v1/permit"

# The fleet and its riders: `taxi loadgen` (12 vehicles driving their assignments, a ride a second), or where the
# executable has none, a small driver over the same API (tests/e2e/drive_fleet.mjs).
vehicles=12
if [ "$fleet_file" = "$work/gateway.txt" ] && "$bitgoeul" taxi loadgen --help >/dev/null 2>&1; then
  printf 'gateway = "%s"\nrider = "%s"\n' "$fleet" "$rider" >"$work/tokens.toml"
  driver="taxi loadgen"
  "$bitgoeul" taxi loadgen --scenario "$root/scenarios/pilot-zone-permit.toml" --url "$url" --token-file "$work/tokens.toml" \
    --duration 600 --speedup 10 --vehicles "$vehicles" --rate 1 --telemetry-interval 0.5 >"$work/fleet.log" 2>&1 &
else
  driver="tests/e2e/drive_fleet.mjs"
  node "$root/tests/e2e/drive_fleet.mjs" "$url" "$fleet" "$rider" "$vehicles" >"$work/fleet.log" 2>&1 &
fi
drive_pid=$!
pids+=("$drive_pid")
registered=0
for _ in $(seq 1 120); do
  registered="$(curl -s -H "Authorization: Bearer $operator" "$url/api/v1/fleet" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["vehicles"]))' 2>/dev/null)"
  [ "${registered:-0}" -ge "$vehicles" ] && break
  kill -0 "$drive_pid" 2>/dev/null || break
  sleep 0.5
done
if [ "${registered:-0}" -ge "$vehicles" ]; then pass "$driver: $registered vehicles registered"; else
  fail "$driver did not register $vehicles vehicles (fleet: ${registered:-none}): $(tail -5 "$work/fleet.log")"
  finish_checks "dashboard"
fi

# The browser. It says "suspended" when the zone is suspended through the UI, then waits for "resume" on its input.
mkfifo "$work/control"
trap '' PIPE  # should the browser script be gone, writing to it fails instead of ending this test silently
node "$root/tests/e2e/dashboard.mjs" "$url" "$operator" "$zone" "$screenshot" "$rider" "$regulator" <"$work/control" >"$work/browser.log" 2>&1 &
browser_pid=$!
pids+=("$browser_pid")
exec 3>"$work/control"
for _ in $(seq 1 1200); do
  grep -q "^suspended$" "$work/browser.log" && break
  kill -0 "$browser_pid" 2>/dev/null || break
  sleep 0.1
done
if grep -q "^suspended$" "$work/browser.log"; then
  pass "the dashboard suspended zone $zone"
  curl -s -H "Authorization: Bearer $operator" "$url/api/v1/permit" >"$work/permit.json"
  if python3 -c "
import json, sys
permit = json.load(open(sys.argv[1]))
zone = sys.argv[2]
listed = zone in permit.get('suspended_zones', [])
flagged = any(f['properties'].get('id') == zone and f['properties'].get('suspended') for f in permit['zones']['features'])
sys.exit(0 if listed or flagged else 1)" "$work/permit.json" "$zone"; then
    pass "GET /api/v1/permit shows zone $zone suspended"; else fail "the permit after suspension: $(head -c 400 "$work/permit.json")"; fi
  stop="$(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['stops']; print(s[0]['lat'], s[0]['lon'], s[-1]['lat'], s[-1]['lon'])" "$work/permit.json")"
  read -r lat0 lon0 lat1 lon1 <<<"$stop"
  code="$(curl -s -o "$work/ride.json" -w '%{http_code}' -H "Authorization: Bearer $rider" \
    -d "{\"origin\":{\"lat\":$lat0,\"lon\":$lon0},\"destination\":{\"lat\":$lat1,\"lon\":$lon1},\"passengers\":1}" "$url/api/v1/rides")"
  if [[ "$code" == 2* || "$code" == 4* ]] && python3 -c "
import json, sys
ride = json.load(open(sys.argv[1]))
sys.exit(0 if ride.get('status') == 'rejected' and ride.get('reason') == 'permit_suspension' else 1)" "$work/ride.json"; then
    pass "a new ride in the suspended zone is rejected (permit_suspension)"; else
    fail "a ride in the suspended zone: HTTP $code $(head -c 400 "$work/ride.json")"; fi
else
  fail "the dashboard did not get to suspend the zone: $(tail -n 15 "$work/browser.log")"
fi
echo resume >&3
exec 3>&-
wait "$browser_pid"; browser_code=$?
grep -E '^(ok|FAIL) ' "$work/browser.log" | sed 's/^/  browser: /'
if [ "$browser_code" -eq 0 ] && grep -q "^done$" "$work/browser.log"; then pass "every browser check passed"; else
  fail "browser checks (exit $browser_code): $(grep -E '^FAIL|console' -A3 "$work/browser.log" | head -n 12)"; fi
if [ -s "$screenshot" ]; then pass "screenshot kept at $screenshot"; else fail "no screenshot at $screenshot"; fi
curl -s -H "Authorization: Bearer $operator" "$url/api/v1/permit" >"$work/permit.json"
if python3 -c "
import json, sys
permit = json.load(open(sys.argv[1]))
sys.exit(1 if sys.argv[2] in permit.get('suspended_zones', []) else 0)" "$work/permit.json" "$zone"; then
  pass "resumed from the UI: the permit no longer lists $zone"; else fail "after resume: $(head -c 300 "$work/permit.json")"; fi

kill -TERM "$drive_pid"; wait "$drive_pid"
kill -TERM "$serve_pid"
wait "$serve_pid"; code=$?
if [ "$code" -eq 0 ]; then pass "serve stops on SIGTERM"; else fail "serve exit $code: $(tail -3 "$work/serve.log")"; fi
pids=()
finish_checks "dashboard"
