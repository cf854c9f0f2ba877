#!/usr/bin/env bash
# Runs our fleet simulator and SUMO's taxi device on the same map, the same ride requests, the same fleet (size,
# seats, start positions) and the same service limits, and prints side by side: wall-clock and CPU time and their
# ratios, service rate, mean wait, mean ride and vehicle-km (occupied and empty). Two pairings of dispatch policies:
#   nearest_idle ~ SUMO greedy        (each request to the nearest empty vehicle, in request order)
#   insertion    ~ SUMO greedyShared  (ride-pooling; SUMO pairs at most two waiting requests per empty taxi)
# What still differs and why: docs/taxi-vs-sumo.md. Nothing is left running; the work directory is removed.
#
#   bench/taxi_vs_sumo.sh [options]
#     --scenario FILE    scenario TOML (default scenarios/pilot-zone.toml: asanH.clean.osm, 07:00-10:00, 40 vehicles)
#     --map FILE         map instead of the scenario's (.osm/.osm.pbf/.osm.bz2)
#     --vehicles N       fleet size instead of the scenario's
#     --trips N          requests per day instead of the scenario's trips_per_day (synthetic demand only)
#     --start HH:MM --end HH:MM   request span instead of the scenario's
#     --big              a whole day, 24,000 requests, 160 vehicles (SUMO alone takes some 10-20 minutes)
#     --keep-rebalance   keep the scenario's idle-vehicle rebalancing (SUMO has none; off by default)
#     --keep-congestion  keep the scenario's hourly travel-time factors (SUMO makes its own traffic; off by default)
#     --sumo-speeds      let SUMO use its own default speeds per road class (default: our importer's class speeds)
#     --greedy-period S  SUMO dispatch period for greedy (default 1: as immediate as our nearest_idle)
#     --shared-period S  SUMO dispatch period for greedyShared (default 30: it pools only requests waiting together)
#     --csv FILE         where the figures go (default out/taxi_vs_sumo.csv)
#     --keep-work        keep the temporary work directory (SUMO inputs and outputs, our run outputs)
#   BITGOEUL=path/to/bitgoeul uses that binary instead of building build/release with scripts/build.sh.
# shellcheck disable=SC2154  # the sc_* settings are assigned by eval from the helper's `scenario` output
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
helper="$root/bench/taxi_vs_sumo/taxi_vs_sumo.py"
py=/usr/bin/python3   # Debian's interpreter: it sees sumolib (sumo-tools) and pyproj whatever python3 is on PATH
export SUMO_HOME="${SUMO_HOME:-/usr/share/sumo}"   # netconvert finds its OSM type maps there

scenario="$root/scenarios/pilot-zone.toml"
map=""
vehicles=""
trips=""
start=""
end=""
keep_rebalance=()
keep_congestion=()
sumo_speeds=0
greedy_period=1
shared_period=30
csv_out="$root/out/taxi_vs_sumo.csv"
keep_work=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario="$(realpath "$2")"; shift 2 ;;
    --map) map="$(realpath "$2")"; shift 2 ;;
    --vehicles) vehicles="$2"; shift 2 ;;
    --trips) trips="$2"; shift 2 ;;
    --start) start="$2"; shift 2 ;;
    --end) end="$2"; shift 2 ;;
    --big) start="00:00"; end="24:00"; trips=24000; vehicles=160; shift ;;
    --keep-rebalance) keep_rebalance=(--keep-rebalance); shift ;;
    --keep-congestion) keep_congestion=(--keep-congestion); shift ;;
    --sumo-speeds) sumo_speeds=1; shift ;;
    --greedy-period) greedy_period="$2"; shift 2 ;;
    --shared-period) shared_period="$2"; shift 2 ;;
    --csv) csv_out="$(realpath -m "$2")"; shift 2 ;;
    --keep-work) keep_work=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '/^set -euo\|shellcheck/d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "taxi_vs_sumo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
missing=()
for package in sumo sumo-tools python3-pyproj python3-rtree time; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
if [ -n "${BITGOEUL:-}" ]; then
  bitgoeul="$BITGOEUL"
else
  "$root/scripts/install_deps.sh"
  BUILD_TARGETS=bitgoeul "$root/scripts/build.sh" >/dev/null
  bitgoeul="$root/build/release/src/cli/bitgoeul"
fi

work="$(mktemp -d /tmp/bitgoeul-sumo.XXXXXX)"
cleanup() { if [ "$keep_work" -eq 0 ]; then rm -rf "$work"; else echo "work directory kept: $work"; fi; }
trap cleanup EXIT

# timed FILE COMMAND...: runs COMMAND, writes "wall_s,cpu_s" (CPU = user + system of it and its children) to FILE.
timed() {
  local file="$1"
  shift
  /usr/bin/time -f "%e %U %S" -o "$file.raw" "$@"
  awk '{ printf "%.3f,%.3f", $1, $2 + $3 }' "$file.raw" >"$file"
}

# --- The scenario's settings (sc_* variables), then the same requests for both engines.
span_args=()
[ -z "$start" ] || span_args+=(--start "$start")
[ -z "$end" ] || span_args+=(--end "$end")
vehicle_args=()
[ -z "$vehicles" ] || vehicle_args=(--vehicles "$vehicles")
assignments="$("$py" "$helper" scenario "$scenario" "${span_args[@]}" "${vehicle_args[@]}")"
eval "$assignments"
[ -n "$map" ] || map="$sc_scenario_map"
[ -n "$trips" ] || trips="$sc_trips_per_day"
graph="$work/map.graph"
"$bitgoeul" road import "$map" -o "$graph" >/dev/null
demand="$work/demand.csv"
case "$sc_demand_source" in
  roads)
    "$bitgoeul" taxi demand generate --graph "$graph" --trips "$trips" --seed "$sc_seed" --start "$sc_start" \
      --end "$sc_end" --min-distance "$sc_min_trip_m" -o "$demand" >/dev/null ;;
  zones)
    zone_args=(--zones "$sc_zones")
    [ -z "$sc_parent_zones" ] || zone_args+=(--parent-zones "$sc_parent_zones")
    [ -z "$sc_population" ] || zone_args+=(--population "$sc_population")
    "$bitgoeul" taxi demand generate "${zone_args[@]}" --trips "$trips" --seed "$sc_seed" --start "$sc_start" \
      --end "$sc_end" --min-distance "$sc_min_trip_m" -o "$demand" >/dev/null ;;
  file)
    # The helper reads coordinates in our own column layout only.
    if [ "$sc_demand_columns" != "bitgoeul" ]; then
      echo "taxi_vs_sumo: demand columns '$sc_demand_columns' unsupported; convert to the bitgoeul layout first" >&2
      exit 2
    fi
    cp "$sc_demand_file" "$demand" ;;
esac
echo "scenario $scenario: $(($(wc -l <"$demand") - 1)) requests $sc_start-$sc_end, $sc_vehicles vehicles x" \
  "$sc_capacity seats, max wait ${sc_max_wait_s} s, dwell ${sc_dwell_s} s, map $map"
# Our engine on the scenario itself, with the imported graph, this demand, the span and fleet asked for;
# rebalancing and congestion factors off unless kept (SUMO's taxi device has neither).
ours_args=(--map "$graph" --demand "$demand" --vehicles "$sc_vehicles" --start "$sc_start" --end "$sc_end")
[ ${#keep_rebalance[@]} -gt 0 ] || ours_args+=(--no-rebalance)
[ ${#keep_congestion[@]} -gt 0 ] || ours_args+=(--free-flow)

# --- Our engine, both policies; the vehicles' start positions come from its event log.
runs="$work/runs.csv"
echo "policy,algorithm,ours_dir,sumo_dir,ours_wall_s,ours_cpu_s,sumo_wall_s,sumo_cpu_s" >"$runs"
for policy in nearest_idle insertion; do
  timed "$work/ours_$policy.time" \
    "$bitgoeul" taxi simulate "$scenario" "${ours_args[@]}" --policy "$policy" -o "$work/ours_$policy" \
    >"$work/ours_$policy.log"
done

# --- SUMO: the same OSM map through netconvert (passenger roads only, junctions joined, traffic lights guessed as
# OSM tags them), with our importer's default speed per road class where a way has no maxspeed (SUMO's defaults are
# 2-2.5 times ours in a city); requests and vehicles snapped to the nearest edge allowing passenger cars and taxis.
type_args=()
if [ "$sumo_speeds" -eq 0 ]; then
  "$py" "$helper" typemap "$SUMO_HOME/data/typemap/osmNetconvert.typ.xml" "$work/speeds.typ.xml" >/dev/null
  type_args=(--type-files "$work/speeds.typ.xml")
fi
netconvert --osm-files "$map" "${type_args[@]}" -o "$work/map.net.xml" --keep-edges.by-vclass passenger \
  --remove-edges.isolated --geometry.remove --roundabouts.guess --ramps.guess --junctions.join --tls.guess-signals \
  --tls.discard-simple --tls.join --no-turnarounds.except-deadend --no-warnings >"$work/netconvert.log" 2>&1
"$py" "$helper" sumo --net "$work/map.net.xml" --demand "$demand" \
  --starts "$work/ours_nearest_idle/vehicle_events.csv" --scenario "$scenario" --begin-s "$sc_begin_s" --out "$work"

run_sumo() {  # ALGORITHM PERIOD DIR [PARAMS]
  local algorithm="$1" period="$2" dir="$3" params="${4:-}"
  mkdir -p "$dir"
  local extra=()
  [ -z "$params" ] || extra=(--device.taxi.dispatch-algorithm.params "$params")
  # SUMO starts (and inserts the taxis) up to 10 minutes before the first request. The helper removes persons
  # still without a taxi at their maximum wait, as our engine rejects them (why not SUMO's
  # --time-to-teleport.ride: see the helper).
  timed "$dir.time" "$py" "$helper" run --deadlines "$work/deadlines.csv" --end "$sc_end_s" -- \
    -n "$work/map.net.xml" -r "$work/taxis.rou.xml,$work/persons.rou.xml" \
    --begin "$sc_sumo_begin_s" --end "$sc_end_s" --seed "$sc_seed" \
    --device.taxi.dispatch-algorithm "$algorithm" --device.taxi.dispatch-period "$period" "${extra[@]}" \
    --device.taxi.idle-algorithm stop \
    --tripinfo-output "$dir/tripinfo.xml" --tripinfo-output.write-unfinished --statistic-output "$dir/statistics.xml" \
    --no-step-log --duration-log.statistics false >"$dir/sumo.log" 2>&1 ||
    { tail -n 20 "$dir/sumo.log" >&2; echo "taxi_vs_sumo: SUMO failed ($algorithm)" >&2; exit 1; }
}
# greedyShared accepts a shared ride if both riders' loss stays under relLossThreshold (relative) and
# absLossThreshold (seconds); our limit is ride <= max(factor x direct, direct + allowance), so the relative part is
# factor - 1 and the absolute one is left open.
rel_loss="$(awk -v f="$sc_max_detour_factor" 'BEGIN { printf "%g", f - 1 }')"
for pair in nearest_idle:greedy:"$greedy_period" insertion:greedyShared:"$shared_period"; do
  IFS=: read -r policy algorithm period <<<"$pair"
  params=""
  [ "$algorithm" != greedyShared ] || params="relLossThreshold:$rel_loss,absLossThreshold:86400"
  run_sumo "$algorithm" "$period" "$work/sumo_$algorithm" "$params"
  printf '%s,%s,%s,%s,%s,%s\n' "$policy" "$algorithm ${period}s" "$work/ours_$policy" "$work/sumo_$algorithm" \
    "$(cat "$work/ours_$policy.time")" "$(cat "$work/sumo_$algorithm.time")" >>"$runs"
done

mkdir -p "$(dirname "$csv_out")"
"$py" "$helper" compare --runs "$runs" --csv "$csv_out" --max-wait "$sc_max_wait_s"
