#!/usr/bin/env bash
# End-to-end specification of `bitgoeul taxi`: the default scenario runs and leaves every output; demand tools;
# the errors a user meets.
#   tests/taxi_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"

# --- The README's scenario, twice with the same seed: identical outputs.
for run in a b; do
  if "$bitgoeul" taxi simulate "$root/scenarios/pilot-zone.toml" -o "$work/$run" >"$work/$run.log" 2>&1; then
    pass "pilot-zone simulation ($run)"; else fail "pilot-zone simulation ($run): $(cat "$work/$run.log")"; fi
done
for file in trips.csv vehicle_events.csv fleet_timeline.csv kpis.json report.html; do
  if [ -s "$work/a/$file" ]; then pass "writes $file"; else fail "writes $file"; fi
done
if cmp -s "$work/a/trips.csv" "$work/b/trips.csv" && cmp -s "$work/a/vehicle_events.csv" "$work/b/vehicle_events.csv"; then
  pass "same seed, same outputs"; else fail "same seed, same outputs"; fi
if python3 - "$work/a" <<'PY'
import csv, json, sys
run = sys.argv[1]
kpis = json.load(open(f"{run}/kpis.json"))
trips = list(csv.DictReader(open(f"{run}/trips.csv")))
o = kpis["overall"]
assert o["requests"] == len(trips) > 0
assert o["served"] + o["rejected"] + o["unfinished"] == o["requests"]
assert sum(1 for t in trips if t["status"] == "completed") == o["served"]
for t in trips:
    if t["status"] == "rejected":
        assert t["reject_reason"], t
    if t["status"] == "completed":
        assert float(t["wait_s"]) <= 600 + 1e-6, t          # max_wait_minutes = 10
        assert float(t["pickup_s"]) <= float(t["dropoff_s"]), t
PY
then pass "KPIs agree with trips.csv and limits hold"; else fail "KPIs agree with trips.csv and limits hold"; fi
if "$bitgoeul" taxi simulate "$root/scenarios/pilot-zone.toml" -o "$work/c" --seed 7 --policy batch_matching \
   --vehicles 10 >/dev/null 2>&1 && ! cmp -s "$work/a/trips.csv" "$work/c/trips.csv"; then
  pass "overrides change the run"; else fail "overrides change the run"; fi

if "$bitgoeul" taxi simulate "$root/scenarios/pilot-zone.toml" -o "$work/e" --no-rebalance --free-flow >/dev/null 2>&1 &&
   ! grep -q ",reposition," "$work/e/vehicle_events.csv" && grep -q ",reposition," "$work/a/vehicle_events.csv" &&
   python3 -c "import json,sys; t=json.load(open(sys.argv[1])); assert t['simulate_s'] >= 0" "$work/e/timing.json"; then
  pass "--no-rebalance and --free-flow; timing.json"; else fail "--no-rebalance and --free-flow; timing.json"; fi
if "$bitgoeul" taxi simulate "$root/scenarios/pilot-zone.toml" -o "$work/f" --start 08:00 --end 09:00 >/dev/null 2>&1 &&
   python3 - "$work/f/trips.csv" <<'PY'
import csv, sys
times = [float(t["request_time_s"]) for t in csv.DictReader(open(sys.argv[1]))]
assert times and min(times) >= 8 * 3600 and max(times) < 9 * 3600, (min(times), max(times))
PY
then pass "--start/--end narrow the span"; else fail "--start/--end narrow the span"; fi

# --- Demand tools.
data="$root/../shared/data/gwangju"
if "$bitgoeul" taxi demand generate --zones "$data/dongs.geojson" --parent-zones "$data/districts.geojson" \
   --population "$data/district_population.csv" --trips 2000 --seed 3 -o "$work/demand.csv" >/dev/null &&
   "$bitgoeul" taxi demand inspect "$work/demand.csv" --zones "$data/districts.geojson" | grep -q "requests:    2000"; then
  pass "Gwangju demand generated and inspected"; else fail "Gwangju demand generated and inspected"; fi

# --- Bad input.
printf 'map = "m.osm"\n[fleet]\nvehicels = 3\n' >"$work/typo.toml"
expect_error "misspelt scenario key" "typo.toml:3: fleet.vehicels: unknown key" "$bitgoeul" taxi simulate "$work/typo.toml"
expect_error "missing scenario" "no-such.toml" "$bitgoeul" taxi simulate "$work/no-such.toml"
expect_error "bad --start" "--start: '8h' is not a time HH:MM" "$bitgoeul" taxi simulate \
  "$root/scenarios/pilot-zone.toml" --start 8h -o "$work/g"
expect_error "span ending before it starts" "--start/--end: the span must end after it starts" "$bitgoeul" taxi \
  simulate "$root/scenarios/pilot-zone.toml" --start 09:00 --end 08:00 -o "$work/g"
printf 'request_time_s,origin_lat,origin_lon,destination_lat,destination_lon\n10,37.51,127.10,37.52,127.11\n20,x,127.1,37.52,127.11\n' >"$work/bad_demand.csv"
expect_error "bad demand row" "bad_demand.csv:3: column 'origin_lat'" "$bitgoeul" taxi simulate \
  "$root/scenarios/pilot-zone.toml" --demand "$work/bad_demand.csv" -o "$work/d"
expect_error "unknown policy" "fastest" "$bitgoeul" taxi simulate "$root/scenarios/pilot-zone.toml" --policy fastest

finish_checks "taxi CLI"
