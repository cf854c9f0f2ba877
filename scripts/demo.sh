#!/usr/bin/env bash
# The main job on the default data: install, build, import the map, build the contraction hierarchy, route between
# landmarks and write GeoJSON and a travel-time matrix, then simulate the robotaxi pilot zone (KPIs, CSV/JSON, HTML
# report), all into out/demo/.
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
echo "wrote $out: city.graph, city.ch, route-*.geojson, matrix.csv, network.geojson;"
echo "      $out/taxi: trips.csv, vehicle_events.csv, fleet_timeline.csv, kpis.json, report.html"
