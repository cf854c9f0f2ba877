#!/usr/bin/env bash
# End-to-end specification of `bitgoeul taxi serve` over real HTTP: tokens made by `taxi token`, the service started
# on a free loopback port with its store, its API called with curl — allowed, refused and hostile calls — a ride
# from request to drop-off, the service stopped (SIGTERM) and killed (SIGKILL) and every acknowledged ride found
# after each restart, one JSON log line per request.
#   tests/taxi_service_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"
map="$root/../shared/data/osm/asanH.clean.osm"
permit="$root/scenarios/permits/songpa-pilot/permit.toml"

"$bitgoeul" taxi token --role rider --id r1 >"$work/rider.txt" && "$bitgoeul" taxi token --role regulator --id molit >"$work/regulator.txt"
"$bitgoeul" taxi token --role rider --id r2 >"$work/rider2.txt" && "$bitgoeul" taxi token --role operator --id ops >"$work/operator.txt"
"$bitgoeul" taxi token --role vehicle --id v1 >"$work/vehicle.txt" && "$bitgoeul" taxi token --role gateway --id gw >"$work/gateway.txt"
rider="$(sed -n '2s/^# //p' "$work/rider.txt")"
regulator="$(sed -n '2s/^# //p' "$work/regulator.txt")"
rider2="$(sed -n '2s/^# //p' "$work/rider2.txt")"
operator="$(sed -n '2s/^# //p' "$work/operator.txt")"
vehicle="$(sed -n '2s/^# //p' "$work/vehicle.txt")"
gateway="$(sed -n '2s/^# //p' "$work/gateway.txt")"
for who in rider regulator rider2 operator vehicle gateway; do grep -v '^#' "$work/$who.txt" >>"$work/access.toml"; done
if [ "${#rider}" -eq 68 ] && ! grep -q "$rider" "$work/access.toml"; then
  pass "taxi token: the file holds the hash, not the token"; else fail "taxi token output: $(cat "$work/rider.txt")"; fi

pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT
# Starts the service on the store in $work (a free port each time) and sets $pid and $url.
start_service() {
  : >"$work/serve.log"
  "$bitgoeul" taxi serve --map "$map" --permit "$permit" --access "$work/access.toml" --listen 127.0.0.1:0 \
    --db "$work/state.sqlite" --log "$work/requests.log" --web none >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    grep -q "listening on" "$work/serve.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  url="$(sed -n 's/^listening on //p' "$work/serve.log")"
}
start_service
if [ -n "$url" ]; then pass "serve listens ($url)"; else fail "serve did not start: $(cat "$work/serve.log")"; fi

status() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }
expect_status() {
  local what="$1" wanted="$2"; shift 2
  local got; got="$(status "$@")"
  if [ "$got" = "$wanted" ]; then pass "$what"; else fail "$what: HTTP $got, wanted $wanted: $(head -c 300 "$work/body")"; fi
}
expect_status "health" 200 "$url/health"
expect_status "no token" 401 "$url/api/v1/permit"
expect_status "a wrong token" 401 -H "Authorization: Bearer bgt_nope" "$url/api/v1/permit"
expect_status "the permit for a rider" 200 -H "Authorization: Bearer $rider" "$url/api/v1/permit"
expect_status "the network" 200 -H "Authorization: Bearer $regulator" "$url/api/v1/network"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['type']=='FeatureCollection' and len(d['features'])>100" "$work/body"; then
  pass "the network is GeoJSON"; else fail "the network is GeoJSON"; fi
quote='{"origin":{"lat":37.5102,"lon":127.1101},"destination":{"lat":37.5249,"lon":127.1098}}'
expect_status "a quote" 200 -H "Authorization: Bearer $rider" -d "$quote" "$url/api/v1/quote"
if grep -q '"admitted"' "$work/body"; then pass "the quote answers admitted or not"; else fail "quote body: $(cat "$work/body")"; fi
expect_status "the regulator may not ask for rides" 403 -H "Authorization: Bearer $regulator" -d "$quote" "$url/api/v1/quote"
expect_status "malformed JSON" 400 -H "Authorization: Bearer $rider" -d '{"origin":' "$url/api/v1/quote"
expect_status "NaN-like coordinates" 400 -H "Authorization: Bearer $rider" \
  -d '{"origin":{"lat":1e999,"lon":0},"destination":{"lat":0,"lon":0}}' "$url/api/v1/quote"
head -c 5000000 /dev/zero | tr '\0' 'a' >"$work/huge"
expect_status "a 5 MB body" 413 -H "Authorization: Bearer $rider" --data-binary "@$work/huge" "$url/api/v1/quote"
expect_status "an unknown path" 404 "$url/api/v1/../../etc/passwd"
expect_status "a wrong method" 405 -X DELETE "$url/health"
curl -s "$url/metrics" >"$work/metrics"
if grep -q 'bitgoeul_http_responses_total{route="/api/v1/quote",status="413"}' "$work/metrics" ||
   grep -q 'bitgoeul_http_responses_total{route="/api/v1/quote",status="400"} 2' "$work/metrics"; then
  pass "metrics count the responses"; else fail "metrics: $(cat "$work/metrics")"; fi
expect_status "still serving after all that" 200 "$url/health"

# The live fleet: a vehicle registers, a rider asks, the vehicle picks up.
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$1)" "$work/body"; }
expect_status "whoami for the regulator" 200 -H "Authorization: Bearer $regulator" "$url/api/v1/whoami"
if [ "$(json_field '["role"]') $(json_field '["id"]')" = "regulator molit" ] &&
  json_field '["may"]' | grep -q "view_fleet" && ! json_field '["may"]' | grep -q "suspend_zone"; then
  pass "whoami names the regulator and what it may do (read, never act)"; else fail "whoami: $(head -c 300 "$work/body")"; fi
expect_status "whoami with a wrong token" 401 -H "Authorization: Bearer bgt_nope" "$url/api/v1/whoami"
expect_status "a vehicle registers itself" 201 -H "Authorization: Bearer $vehicle" -d '{"lat":37.5090,"lon":127.1080}' \
  "$url/api/v1/vehicles/v1/register"
expect_status "not as another vehicle" 403 -H "Authorization: Bearer $vehicle" -d '{"lat":37.5090,"lon":127.1080}' \
  "$url/api/v1/vehicles/v2/register"
expect_status "a ride" 201 -H "Authorization: Bearer $rider" -d "$quote" "$url/api/v1/rides"
ride_status="$(json_field '["status"]')"
ride="$(json_field '["id"]')"
if [ "$ride_status" = "assigned" ] && [ "$(json_field '["vehicle"]')" = "v1" ]; then pass "the ride is assigned to v1"; else
  fail "ride: $(cat "$work/body")"; fi
expect_status "another rider cannot see it" 403 -H "Authorization: Bearer $rider2" "$url/api/v1/rides/$ride"
expect_status "the regulator cannot cancel it" 403 -X DELETE -H "Authorization: Bearer $regulator" "$url/api/v1/rides/$ride"
expect_status "the assignment" 200 -H "Authorization: Bearer $vehicle" "$url/api/v1/vehicles/v1/assignment"
if [ "$(json_field '["stops"][0]["kind"]')" = "pickup" ]; then pass "the assignment starts with the pick-up"; else
  fail "assignment: $(cat "$work/body")"; fi
now="$(date +%s)"
expect_status "telemetry with a bad entry" 400 -H "Authorization: Bearer $gateway" \
  -d "{\"positions\":[{\"vehicle\":\"v1\",\"time\":$now,\"lat\":37.509,\"lon\":127.108,\"status\":\"busy\"},{\"vehicle\":\"v1\",\"time\":$now,\"lat\":-1e400,\"lon\":127.1}]}" \
  "$url/api/v1/telemetry"
expect_status "telemetry" 200 -H "Authorization: Bearer $gateway" \
  -d "{\"positions\":[{\"vehicle\":\"v1\",\"time\":$now,\"lat\":37.5095,\"lon\":127.1085,\"status\":\"busy\"}]}" \
  "$url/api/v1/telemetry"
expect_status "the pick-up" 200 -H "Authorization: Bearer $vehicle" -d "{\"ride\":\"$ride\",\"kind\":\"pickup\"}" \
  "$url/api/v1/vehicles/v1/stops"
expect_status "the pick-up again" 409 -H "Authorization: Bearer $vehicle" -d "{\"ride\":\"$ride\",\"kind\":\"pickup\"}" \
  "$url/api/v1/vehicles/v1/stops"
expect_status "a second ride" 201 -H "Authorization: Bearer $rider2" -d "$quote" "$url/api/v1/rides"
second="$(json_field '["id"]')"
expect_status "the fleet for the operator" 200 -H "Authorization: Bearer $operator" "$url/api/v1/fleet"
expect_status "the KPIs for the regulator" 200 -H "Authorization: Bearer $regulator" "$url/api/v1/kpis"
expect_status "the audit log for the regulator" 200 -H "Authorization: Bearer $regulator" "$url/api/v1/audit?after=0&limit=100"
if [ "$(wc -l <"$work/body")" -ge 3 ] && grep -q '"kind":"pickup"' "$work/body"; then pass "the audit log holds the pick-up"; else
  fail "audit: $(cat "$work/body")"; fi
curl -s "$url/metrics" >"$work/metrics"
if grep -q 'bitgoeul_http_request_duration_seconds_bucket{route="/api/v1/rides",le="+Inf"} 2' "$work/metrics" &&
   grep -q 'bitgoeul_rides{status="onboard"} 1' "$work/metrics" && grep -q 'bitgoeul_vehicles_online 1' "$work/metrics"; then
  pass "metrics: latency histogram, rides by status, vehicles online"; else fail "metrics: $(cat "$work/metrics")"; fi
if python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert all({"time", "method", "route", "status", "ms", "principal"} <= set(l) for l in lines)
assert any(l["route"] == "/api/v1/rides" and l["status"] == 201 and l["principal"] == "rider:r1" for l in lines)
' "$work/requests.log"; then pass "one JSON log line per request"; else fail "log: $(tail -3 "$work/requests.log")"; fi

# Restarts: after SIGTERM and after SIGKILL every acknowledged ride is found as it was.
check_rides() {
  local what="$1"
  expect_status "$what: the first ride" 200 -H "Authorization: Bearer $rider" "$url/api/v1/rides/$ride"
  local first; first="$(json_field '["status"]')"
  expect_status "$what: the second ride" 200 -H "Authorization: Bearer $rider2" "$url/api/v1/rides/$second"
  local other; other="$(json_field '["status"]')"
  if [ "$first" = "onboard" ] && [ "$other" = "assigned" ]; then pass "$what: rides recovered"; else
    fail "$what: rides $first / $other"; fi
}
kill -TERM "$pid"; wait "$pid"; pid=""
start_service
check_rides "after SIGTERM"
kill -KILL "$pid"; wait "$pid" 2>/dev/null; pid=""
start_service
check_rides "after SIGKILL"
expect_status "the drop-off after both restarts" 200 -H "Authorization: Bearer $gateway" \
  -d "{\"ride\":\"$ride\",\"kind\":\"dropoff\"}" "$url/api/v1/vehicles/v1/stops"

kill -TERM "$pid"
wait "$pid"; code=$?; pid=""
if [ "$code" -eq 0 ] && grep -q "stopped (SIGTERM)" "$work/serve.log"; then pass "stops on SIGTERM"; else
  fail "stop: exit $code: $(tail -3 "$work/serve.log")"; fi
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(20)' >"$work/busy" &
busy_pid=$!
for _ in $(seq 1 50); do [ -s "$work/busy" ] && break; sleep 0.1; done
expect_error "a busy port is named" "cannot listen on 127.0.0.1:$(cat "$work/busy")" "$bitgoeul" taxi serve --map "$map" \
  --permit "$permit" --access "$work/access.toml" --db "$work/state.sqlite" --listen "127.0.0.1:$(cat "$work/busy")"
kill "$busy_pid" 2>/dev/null
expect_error "a bad access file" "access.toml" "$bitgoeul" taxi serve --map "$map" --permit "$permit" \
  --access "$work/nope/access.toml" --db "$work/state.sqlite" --listen 127.0.0.1:0
expect_error "a bad listen address" "--listen: '8080' is not ADDRESS:PORT (no ':PORT'" "$bitgoeul" taxi serve --map "$map" \
  --permit "$permit" --access "$work/access.toml" --db "$work/state.sqlite" --listen 8080
expect_error "a listen address without its address" "--listen: ':8080' is not ADDRESS:PORT (no ADDRESS" "$bitgoeul" taxi \
  serve --map "$map" --permit "$permit" --access "$work/access.toml" --db "$work/state.sqlite" --listen :8080
expect_error "a port out of range" "the port must be a whole number from 0 to 65535" "$bitgoeul" taxi serve --map "$map" \
  --permit "$permit" --access "$work/access.toml" --db "$work/state.sqlite" --listen 127.0.0.1:65536
echo "not a database, not at all, just some text that is long enough................................" >"$work/bad.sqlite"
expect_error "a store that is not one is named" "bad.sqlite" "$bitgoeul" taxi serve --map "$map" --permit "$permit" \
  --access "$work/access.toml" --db "$work/bad.sqlite" --listen 127.0.0.1:0
finish_checks "taxi serve"
