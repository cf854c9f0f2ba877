#!/usr/bin/env bash
# End-to-end specification of the demonstration permit: `taxi permit check`, a scenario run under the permit, the
# regulator's report (its numbers as expected, violations found when the run breaks a rule), and the run's audit
# log (intact, then every kind of tampering detected).
#   tests/taxi_permit_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"
permit="$root/scenarios/permits/songpa-pilot/permit.toml"
map="$root/../shared/data/osm/asanH.clean.osm"

# --- permit check: a valid permit is summarised; an invalid one is refused naming the element.
expect_ok "permit check" "$bitgoeul" taxi permit check "$permit" --map "$map" --day 2026-12-25
out="$("$bitgoeul" taxi permit check "$permit" --day 2026-12-25 2>&1)"
if grep -q "2026-12-25:  a holiday; open 10:00-20:00" <<<"$out"; then pass "Christmas has holiday hours"; else fail "Christmas: $out"; fi
out="$("$bitgoeul" taxi permit check "$permit" --day 2026-10-30 2>&1)"
if grep -q "2026-10-30:  a weekday; open never" <<<"$out"; then pass "closed before the permit is valid"; else fail "before validity: $out"; fi
cp -r "$root/scenarios/permits/songpa-pilot" "$work/bad"
sed 's/weekday = \["07:00-22:00"\]/weekday = ["07:00-12:00", "11:00-22:00"]/' "$permit" >"$work/bad/permit.toml"
expect_error "overlapping windows" "permit.toml:15: hours.weekday: windows 07:00-12:00 and 11:00-22:00 overlap" \
  "$bitgoeul" taxi permit check "$work/bad/permit.toml"
sed 's/^max_walk_m = 450/max_walk_m = 450\nshelter = true/' "$permit" >"$work/bad/permit.toml"
expect_error "unknown key" "stops.shelter: unknown key" "$bitgoeul" taxi permit check "$work/bad/permit.toml"
cp "$permit" "$work/bad/permit.toml"
printf 'id,name,lat,lon\nS1,far,37.60,127.00\n' >"$work/bad/stops.csv"
expect_error "stop outside the area" "stop 'S1' (37.600000, 127.000000) lies outside the permitted area" \
  "$bitgoeul" taxi permit check "$work/bad/permit.toml"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"bow"},"geometry":{"type":"Polygon","coordinates":[[[127.08,37.50],[127.12,37.53],[127.12,37.50],[127.08,37.53],[127.08,37.50]]]}}]}' \
  >"$work/bad/area.geojson"
expect_error "self-intersecting area" "bow" "$bitgoeul" taxi permit check "$work/bad/permit.toml"
cp "$permit" "$work/bad/permit.toml"
cp "$root/scenarios/permits/songpa-pilot/stops.csv" "$work/bad/stops.csv"
echo "S99,In the park,37.5250,127.0960" >>"$work/bad/stops.csv"
cp "$root/scenarios/permits/songpa-pilot/area.geojson" "$work/bad/area.geojson"
out="$("$bitgoeul" taxi permit check "$work/bad/permit.toml" --map "$map" 2>&1)"
if grep -q "warning:     stop 'S99' (37.525000, 127.096000) is farther than 250 m from every permitted road" <<<"$out"; then
  pass "a stop no permitted road reaches is pointed out"; else fail "unreachable stop: $out"; fi
expect_error "missing permit" "nope.toml" "$bitgoeul" taxi permit check "$work/nope.toml"

# --- A run under the permit, and the regulator's report with the expected numbers.
run="$work/run"
if "$bitgoeul" taxi simulate "$root/scenarios/pilot-zone-permit.toml" --policy nearest_idle -o "$run" >"$work/run.log" 2>&1; then
  pass "simulate under the permit"; else fail "simulate under the permit: $(cat "$work/run.log")"; fi
for file in permit.json permit_events.csv audit.jsonl audit_anchor.json; do
  if [ -s "$run/$file" ]; then pass "writes $file"; else fail "writes $file"; fi
done
expect_ok "regulator report" "$bitgoeul" taxi report --permit "$permit" "$run"
if diff -u "$root/tests/fixtures/permit/expected_regulator_summary.csv" "$run/regulator_summary.csv"; then
  pass "the report's numbers are the expected ones"; else fail "the report's numbers are the expected ones"; fi
if [ "$(wc -l <"$run/regulator_violations.csv")" -eq 1 ]; then pass "no violation"; else fail "violations: $(cat "$run/regulator_violations.csv")"; fi
if python3 - "$run" <<'PY'
import csv, sys
run = sys.argv[1]
trips = list(csv.DictReader(open(f"{run}/trips.csv")))
rules = {t["reject_reason"] for t in trips if t["status"] == "rejected"}
assert {"permit_area", "permit_suspension"} <= rules, rules
for t in trips:
    if t["reject_reason"].startswith("permit_"):
        assert t["reject_rule"], t                      # the rule is named
    if t["status"] == "completed":
        assert t["pickup_stop"] and float(t["walk_to_stop_m"]) <= 450, t
        assert not (30600 <= float(t["pickup_s"]) < 31800), t   # nobody picked up during the suspension
PY
then pass "refusals name their rule; pick-ups at stops, none in the suspension"; else fail "trips.csv under the permit"; fi

# --- The report finds what breaks the permit, and reads recorded incidents.
cp -r "$run" "$work/broken"
awk -F, 'BEGIN{OFS=","} $3=="pickup" && !done {$1="21600.0"; done=1} {print}' "$run/vehicle_events.csv" >"$work/broken/vehicle_events.csv"
awk -F, 'BEGIN{OFS=","} $3=="dropoff" && !done {$5="37.6000000"; done=1} {print}' "$work/broken/vehicle_events.csv" >"$work/broken/e.csv"
mv "$work/broken/e.csv" "$work/broken/vehicle_events.csv"
# The third pick-up by a vehicle over the fleet cap (36), the fourth during the suspension (08:30-08:50).
awk -F, 'BEGIN{OFS=","} $3=="pickup" {n++} $3=="pickup" && n==3 {$2="39"} $3=="pickup" && n==4 {$1="30700.0"} {print}' \
  "$work/broken/vehicle_events.csv" >"$work/broken/e.csv"
mv "$work/broken/e.csv" "$work/broken/vehicle_events.csv"
printf 'time_s,vehicle,kind,lat,lon,description\n27000,3,disengagement,37.515,127.100,"safety driver took over, construction"\n28000,5,incident,37.520,127.110,minor scrape\n' \
  >"$work/broken/incidents.csv"
expect_ok "report on a broken run" "$bitgoeul" taxi report --permit "$permit" "$work/broken"
if grep -q "^21600.0,[0-9]*,operating hours," "$work/broken/regulator_violations.csv" &&
   grep -q ",area,37.6000000," "$work/broken/regulator_violations.csv" &&
   grep -q "^[0-9.]*,39,fleet cap," "$work/broken/regulator_violations.csv" &&
   grep -q "^30700.0,[0-9]*,suspension," "$work/broken/regulator_violations.csv" &&
   grep -q "^disengagements,1$" "$work/broken/regulator_summary.csv" && grep -q "^incidents,1$" "$work/broken/regulator_summary.csv"; then
  pass "violations listed with time and place; incidents counted"; else fail "broken run: $(cat "$work/broken/regulator_violations.csv")"; fi
printf 'time_s,vehicle,kind,lat,lon\n27000,3,crash,37.5,127.1\n' >"$work/broken/incidents.csv"
expect_error "bad incident kind" "incidents.csv:2: kind: 'crash' is neither incident nor disengagement" \
  "$bitgoeul" taxi report --permit "$permit" "$work/broken"
printf 'time_s,vehicle,kind,lat,lon\nsoon,3,incident,37.5,127.1\n' >"$work/broken/incidents.csv"
expect_error "bad incident time" "incidents.csv:2" "$bitgoeul" taxi report --permit "$permit" "$work/broken"
sed 's/BITGOEUL-TEST-2026-001/OTHER-1/' "$permit" >"$work/bad/other.toml"
cp "$root/scenarios/permits/songpa-pilot/area.geojson" "$root/scenarios/permits/songpa-pilot/stops.csv" "$work/bad/"
expect_error "another permit's run" "made under permit 'BITGOEUL-TEST-2026-001', not 'OTHER-1'" \
  "$bitgoeul" taxi report --permit "$work/bad/other.toml" "$run"
expect_error "a run without a permit" "not made under a permit" "$bitgoeul" taxi report --permit "$permit" "$work"

# --- The audit log: intact against its anchor; each kind of tampering detected and located.
log="$run/audit.jsonl"
count="$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['records'])" "$run/audit_anchor.json")"
head_hash="$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['head'])" "$run/audit_anchor.json")"
expect_ok "audit log intact" "$bitgoeul" audit verify "$log" --expect-count "$count" --expect-head "$head_hash"
if grep -q '"kind":"suspension"' "$log" && grep -q '"rule":"suspension: heavy rain advisory"' "$log"; then
  pass "suspension and refusals by rule are audited"; else fail "audit records of the permit"; fi
sed '5s/"vehicle":[0-9]*/"vehicle":99/' "$log" >"$work/edited.jsonl"
expect_error "edited record" ":5: record edited" "$bitgoeul" audit verify "$work/edited.jsonl"
sed '7d' "$log" >"$work/removed.jsonl"
expect_error "removed record" ":7: record removed" "$bitgoeul" audit verify "$work/removed.jsonl"
awk 'NR==8{held=$0; next} NR==9{print; print held; next} {print}' "$log" >"$work/reordered.jsonl"
expect_error "reordered records" ":8:" "$bitgoeul" audit verify "$work/reordered.jsonl"
sed '$d' "$log" >"$work/tail.jsonl"
expect_error "last record removed (anchor)" "removed from the end" "$bitgoeul" audit verify "$work/tail.jsonl" --expect-count "$count"
finish_checks "taxi permit"
