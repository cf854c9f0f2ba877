#!/usr/bin/env bash
# End-to-end specification of `bitgoeul taxi serve` over real HTTP: tokens made by `taxi token`, the service started
# on a free loopback port, its API called with curl — allowed, refused and hostile calls — and the service stopped
# by its pid.
#   tests/taxi_service_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"
map="$root/../shared/data/osm/asanH.clean.osm"
permit="$root/scenarios/permits/songpa-pilot/permit.toml"

"$bitgoeul" taxi token --role rider --id r1 >"$work/rider.txt" && "$bitgoeul" taxi token --role regulator --id molit >"$work/regulator.txt"
rider="$(sed -n '2s/^# //p' "$work/rider.txt")"
regulator="$(sed -n '2s/^# //p' "$work/regulator.txt")"
grep -v '^#' "$work/rider.txt" >"$work/access.toml"
grep -v '^#' "$work/regulator.txt" >>"$work/access.toml"
if [ "${#rider}" -eq 68 ] && ! grep -q "$rider" "$work/access.toml"; then
  pass "taxi token: the file holds the hash, not the token"; else fail "taxi token output: $(cat "$work/rider.txt")"; fi

"$bitgoeul" taxi serve --map "$map" --permit "$permit" --access "$work/access.toml" --listen 127.0.0.1:0 \
  >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/serve.log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$work/serve.log")"
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
head -c 2000000 /dev/zero | tr '\0' 'a' >"$work/huge"
expect_status "a 2 MB body" 413 -H "Authorization: Bearer $rider" --data-binary "@$work/huge" "$url/api/v1/quote"
expect_status "an unknown path" 404 "$url/api/v1/../../etc/passwd"
expect_status "a wrong method" 405 -X DELETE "$url/health"
curl -s "$url/metrics" >"$work/metrics"
if grep -q 'bitgoeul_http_responses_total{route="/api/v1/quote",status="413"}' "$work/metrics" ||
   grep -q 'bitgoeul_http_responses_total{route="/api/v1/quote",status="400"} 2' "$work/metrics"; then
  pass "metrics count the responses"; else fail "metrics: $(cat "$work/metrics")"; fi
expect_status "still serving after all that" 200 "$url/health"

kill -TERM "$pid"
wait "$pid"; code=$?
if [ "$code" -eq 0 ] && grep -q "stopped (SIGTERM)" "$work/serve.log"; then pass "stops on SIGTERM"; else
  fail "stop: exit $code: $(tail -3 "$work/serve.log")"; fi
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(20)' >"$work/busy" &
busy_pid=$!
for _ in $(seq 1 50); do [ -s "$work/busy" ] && break; sleep 0.1; done
expect_error "a busy port is named" "cannot listen on 127.0.0.1:$(cat "$work/busy")" "$bitgoeul" taxi serve --map "$map" \
  --permit "$permit" --access "$work/access.toml" --listen "127.0.0.1:$(cat "$work/busy")"
kill "$busy_pid" 2>/dev/null
expect_error "a bad access file" "access.toml" "$bitgoeul" taxi serve --map "$map" --permit "$permit" \
  --access "$work/nope/access.toml" --listen 127.0.0.1:0
expect_error "a bad listen address" "--listen: '8080' is not ADDRESS:PORT" "$bitgoeul" taxi serve --map "$map" \
  --permit "$permit" --access "$work/access.toml" --listen 8080
finish_checks "taxi serve"
