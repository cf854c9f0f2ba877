#!/usr/bin/env bash
# Load benchmark of the live dispatch service: `taxi serve` on loopback with a fresh SQLite store, driven by
# `taxi loadgen` on the pilot zone under its permit, then the figures against the issue's targets:
#   5,000 position updates/s, 200 ride requests/s, p99 assignment latency under 100 ms, on 2 cores.
# Builds nothing: give the bitgoeul executable.
#   bench/taxi_service_load.sh BITGOEUL [DURATION_S=30] [VEHICLES=1100] [RATE=220] [TELEMETRY_INTERVAL_S=0.2]
# (the default offer is 10% above the targets, so that meeting them is a measurement, not the offered rate)
# The service and the loadgen share the machine; taskset pins them when BITGOEUL_SERVICE_CPUS / BITGOEUL_LOADGEN_CPUS
# are set (e.g. "0,1" and "2,3" on a 4-core machine).
set -euo pipefail
bitgoeul="$(realpath "$1")"
duration="${2:-30}"
vehicles="${3:-1100}"
rate="${4:-220}"
interval="${5:-0.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
map="$root/../shared/data/osm/asanH.clean.osm"
permit="$root/scenarios/permits/songpa-pilot/permit.toml"
scenario="$root/scenarios/pilot-zone-permit.toml"
work="$(mktemp -d)"
service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# Command prefixes that pin to the given CPUs (taskset execs the command, so $! stays the command's pid).
service_pin=()
loadgen_pin=()
[ -n "${BITGOEUL_SERVICE_CPUS:-}" ] && service_pin=(taskset -c "$BITGOEUL_SERVICE_CPUS")
[ -n "${BITGOEUL_LOADGEN_CPUS:-}" ] && loadgen_pin=(taskset -c "$BITGOEUL_LOADGEN_CPUS")

: >"$work/access.toml"
make_token() {  # ROLE ID: appends the [[token]] entry to the access file, prints the token
  "$bitgoeul" taxi token --role "$1" --id "$2" >"$work/token.txt"
  grep -v '^#' "$work/token.txt" >>"$work/access.toml"
  sed -n '2s/^# //p' "$work/token.txt"
}
token_gateway="$(make_token gateway gw)"
token_rider="$(make_token rider bench)"
printf 'gateway = "%s"\nrider = "%s"\n' "$token_gateway" "$token_rider" >"$work/tokens.toml"

"${service_pin[@]}" "$bitgoeul" taxi serve --map "$map" --permit "$permit" --access "$work/access.toml" \
  --db "$work/state.sqlite" --log "$work/requests.log" --listen 127.0.0.1:0 --threads 2 >"$work/serve.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/serve.log" && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$work/serve.log")"
echo "service at $url (pid $service_pid); loadgen: $vehicles vehicles every ${interval} s, $rate rides/s, ${duration} s"

"${loadgen_pin[@]}" "$bitgoeul" taxi loadgen --scenario "$scenario" --url "$url" \
  --token-file "$work/tokens.toml" --duration "$duration" --speedup 10 --vehicles "$vehicles" --rate "$rate" \
  --telemetry-interval "$interval" --connections 4 --out "$work/figures.json"
kill -TERM "$service_pid"
wait "$service_pid" || true
service_pid=""

python3 - "$work/figures.json" "$(nproc)" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
rides = f["latency"].get("rides", {})
rows = [("position updates/s", f["position_updates_per_s"], ">=", 5000),
        ("ride requests/s", f["ride_requests_per_s"], ">=", 200),
        ("p99 assignment latency ms", rides.get("p99_ms", float("nan")), "<", 100)]
print(f"\nfigures on {sys.argv[2]} cores (service and loadgen together):")
for name, value, op, target in rows:
    met = value >= target if op == ">=" else value < target
    print(f"  {name:<28} {value:10.1f}   target {op} {target:<6} {'met' if met else 'NOT met'}")
print(f"  assignment latency p50/p95/p99 ms: {rides.get('p50_ms', 0):.1f} / {rides.get('p95_ms', 0):.1f} / {rides.get('p99_ms', 0):.1f}")
if f["errors"]:
    print("  errors:", ", ".join(f"{k} x{v}" for k, v in f["errors"].items()))
EOF
