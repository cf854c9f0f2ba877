#!/usr/bin/env bash
# End-to-end specification of `bitgoeul road`: the whole pipeline on a real map, and the errors a user meets.
#   tests/road_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/data/osm"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"

# --- The pipeline on the default map.
expect_ok "import asanH.clean.osm" "$bitgoeul" road import "$data/asanH.clean.osm" -o "$work/city.graph"
expect_ok "contract" "$bitgoeul" road contract "$work/city.graph" -o "$work/city.ch"
expect_ok "info" "$bitgoeul" road info "$work/city.graph"
expect_ok "route with GeoJSON" "$bitgoeul" road route "$work/city.graph" --from 37.5133,127.1002 \
  --to 37.5268,127.1085 --geojson "$work/route.geojson"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['type']=='FeatureCollection'; \
  assert any(f['geometry']['type']=='LineString' and len(f['geometry']['coordinates'])>2 for f in d['features'])" \
  "$work/route.geojson"; then pass "route GeoJSON has a LineString"; else fail "route GeoJSON has a LineString"; fi
expect_ok "matrix" "$bitgoeul" road matrix "$work/city.graph" --points "$root/data/landmarks/songpa.csv" \
  -o "$work/matrix.csv"
if [ "$(wc -l <"$work/matrix.csv")" -gt 6 ]; then pass "matrix has rows"; else fail "matrix has rows"; fi
expect_ok "export" "$bitgoeul" road export "$work/city.graph" --geojson "$work/net.geojson" --edges-csv "$work/e.csv"

# --- The raw Overpass export with inline member geometry gives the same graph as the cleaned one.
expect_ok "import raw Overpass asanH.osm" "$bitgoeul" road import "$data/asanH.osm" -o "$work/raw.graph"
raw_counts="$("$bitgoeul" road info "$work/raw.graph" | grep -E '^(nodes|edges):')"
clean_counts="$("$bitgoeul" road info "$work/city.graph" | grep -E '^(nodes|edges):')"
if [ -n "$raw_counts" ] && [ "$raw_counts" = "$clean_counts" ]; then
  pass "raw and clean exports give the same graph"; else fail "raw and clean exports give the same graph"; fi

# --- Bad input: every error names what is wrong.
expect_error "missing map" "no-such.osm" "$bitgoeul" road import "$work/no-such.osm" -o "$work/x.graph"
: >"$work/empty.osm"
expect_error "empty map" "empty.osm" "$bitgoeul" road import "$work/empty.osm" -o "$work/x.graph"
head -c 5000 "$data/asanH.clean.osm" >"$work/truncated.osm"
expect_error "truncated map" "truncated.osm" "$bitgoeul" road import "$work/truncated.osm" -o "$work/x.graph"
head -c 3000 "$data/monaco.osm.pbf" >"$work/truncated.osm.pbf"
expect_error "truncated pbf" "truncated.osm.pbf" "$bitgoeul" road import "$work/truncated.osm.pbf" -o "$work/x.graph"
echo "this is not bzip2" >"$work/bad.osm.bz2"
expect_error "corrupt bz2" "bad.osm.bz2" "$bitgoeul" road import "$work/bad.osm.bz2" -o "$work/x.graph"
expect_error "missing graph" "no-such.graph" "$bitgoeul" road info "$work/no-such.graph"
cp "$work/city.graph" "$work/damaged.graph"
printf '\xff\xff\xff\xff' | dd of="$work/damaged.graph" bs=1 seek=2000 conv=notrunc status=none
expect_error "damaged graph" "checksum" "$bitgoeul" road info "$work/damaged.graph"
head -c 1000 "$work/city.graph" >"$work/short.graph"
expect_error "truncated graph" "short.graph" "$bitgoeul" road info "$work/short.graph"
cp "$work/city.graph" "$work/future.graph"
printf '\x63' | dd of="$work/future.graph" bs=1 seek=8 conv=notrunc status=none
expect_error "graph of another version" "version 99" "$bitgoeul" road info "$work/future.graph"
expect_error "graph is not a graph" "wrong magic" "$bitgoeul" road info "$data/asanH.clean.osm"
expect_error "bad --from" "--from" "$bitgoeul" road route "$work/city.graph" --from 37.5,abc --to 37.52,127.1
expect_error "point far from every road" "no road" "$bitgoeul" road route "$work/city.graph" \
  --from 35.16,126.85 --to 37.5268,127.1085
printf 'id,lat,lon\na,37.51,127.10\nb,91,127.1\n' >"$work/bad_points.csv"
expect_error "bad matrix point names the line" "bad_points.csv:3:" "$bitgoeul" road matrix "$work/city.graph" \
  --points "$work/bad_points.csv" -o "$work/m.csv"
expect_error "unknown subcommand" "subcommand is required" "$bitgoeul" road teleport

finish_checks "road CLI"
