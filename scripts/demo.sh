#!/usr/bin/env bash
# The main job on the default data: install, build, import the map, build the contraction hierarchy, route between
# landmarks and write GeoJSON and a travel-time matrix, then simulate the robotaxi pilot zone (KPIs, CSV/JSON, HTML
# report), and the same zone under its demonstration permit with the regulator's report and the audit log checked,
# all into out/demo/.
#   scripts/demo.sh [MAP.osm|MAP.osm.pbf|MAP.osm.bz2] [LANDMARKS.csv] [SCENARIO.toml]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
map="${1:-$root/../shared/data/osm/asanH.clean.osm}"
landmarks="${2:-$root/data/landmarks/songpa.csv}"
scenario="${3:-$root/scenarios/pilot-zone.toml}"
out="$root/out/demo"

"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
bitgoeul="$root/build/release/src/cli/bitgoeul"
mkdir -p "$out"

"$bitgoeul" road import "$map" -o "$out/city.graph"
"$bitgoeul" road contract "$out/city.graph" -o "$out/city.ch"
"$bitgoeul" road info "$out/city.graph"

# Route from the first landmark to every other one.
mapfile -t rows < <(tail -n +2 "$landmarks")
IFS=, read -r from_id from_lat from_lon from_name <<<"${rows[0]}"
for row in "${rows[@]:1}"; do
  IFS=, read -r to_id to_lat to_lon to_name <<<"$row"
  echo "== $from_name -> $to_name"
  "$bitgoeul" road route "$out/city.graph" --from "$from_lat,$from_lon" --to "$to_lat,$to_lon" \
    --geojson "$out/route-${from_id}-${to_id}.geojson"
done
"$bitgoeul" road matrix "$out/city.graph" --points "$landmarks" -o "$out/matrix.csv"
"$bitgoeul" road export "$out/city.graph" --geojson "$out/network.geojson"
"$bitgoeul" taxi simulate "$scenario" -o "$out/taxi"

# The pilot under its demonstration permit: the regulator's daily report, and the run's audit log against its anchor.
permit="$root/scenarios/permits/songpa-pilot/permit.toml"
"$bitgoeul" taxi permit check "$permit" --map "$map" --day 2026-11-25
"$bitgoeul" taxi simulate "$root/scenarios/pilot-zone-permit.toml" -o "$out/taxi-permit"
"$bitgoeul" taxi report --permit "$permit" "$out/taxi-permit"
anchor="$out/taxi-permit/audit_anchor.json"
"$bitgoeul" audit verify "$out/taxi-permit/audit.jsonl" \
  --expect-count "$(sed -n 's/.*"records": *\([0-9]*\).*/\1/p' "$anchor")" \
  --expect-head "$(sed -n 's/.*"head": *"\([0-9a-f]*\)".*/\1/p' "$anchor")"
echo "wrote $out: city.graph, city.ch, route-*.geojson, matrix.csv, network.geojson;"
echo "      $out/taxi: trips.csv, vehicle_events.csv, fleet_timeline.csv, kpis.json, report.html"
echo "      $out/taxi-permit: the same under the permit, with regulator_report.html, audit.jsonl"
