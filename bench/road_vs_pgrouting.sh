#!/usr/bin/env bash
# Runs our contraction-hierarchy queries and pgRouting's pgr_dijkstra on the same map and the same random
# source/target pairs in one run, checks that both give the same travel times, and prints per-query times and
# their ratio. PostgreSQL is started on loopback in a temporary directory and stopped by its pid afterwards.
#   bench/road_vs_pgrouting.sh [MAP] [PAIRS] [SEED]      (default: asanH.clean.osm, 1000 pairs, seed 42)
#   GRAPH=path/to/file.graph bench/road_vs_pgrouting.sh   use an existing graph (e.g. `bitgoeul road synth`)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
map="${1:-$root/../shared/data/osm/asanH.clean.osm}"
pair_count="${2:-1000}"
seed="${3:-42}"
port="${PGROUTING_PORT:-54329}"
pg_bin=/usr/lib/postgresql/15/bin

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
if ! dpkg-query -W -f='${Status}' postgresql-15-pgrouting 2>/dev/null | grep -q "install ok installed"; then
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 postgresql-15-pgrouting
fi
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh" >/dev/null
bitgoeul="$root/build/release/src/cli/bitgoeul"

work="$(mktemp -d /tmp/bitgoeul-pgrouting.XXXXXX)"
chmod 755 "$work"
pg_pid=""
cleanup() {
  if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
    kill -INT "$pg_pid"   # PostgreSQL's "fast shutdown"
    for _ in $(seq 50); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

graph="${GRAPH:-$work/city.graph}"
if [ -z "${GRAPH:-}" ]; then
  "$bitgoeul" road import "$map" -o "$graph" >/dev/null
fi
"$bitgoeul" road contract "$graph" -o "${graph%.graph}.ch" >/dev/null
"$bitgoeul" road export "$graph" --edges-csv "$work/edges.csv"
nodes="$("$bitgoeul" road info "$graph" | awk '/^nodes:/ {print $2}')"

# Random pairs of graph node indices (0-based for us, 1-based in the exported edge list).
python3 - "$nodes" "$pair_count" "$seed" "$work" <<'PY'
import random, sys
nodes, count, seed, work = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
pairs = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(count)]
with open(f"{work}/pairs.csv", "w") as ours, open(f"{work}/pairs_pg.csv", "w") as theirs:
    ours.write("source_node,target_node\n")
    for s, t in pairs:
        ours.write(f"{s},{t}\n")
        theirs.write(f"{s + 1},{t + 1}\n")
PY

# --- PostgreSQL + pgRouting on loopback, owned by the unprivileged postgres user when we are root.
run_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres "$work"
  run_pg=(runuser -u postgres --)
fi
"${run_pg[@]}" "$pg_bin/initdb" -D "$work/pgdata" --auth=trust -U postgres >/dev/null
"${run_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/postgres.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
pg_pid="$(head -n 1 "$work/pgdata/postmaster.pid")"
psql=(psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)

"${psql[@]}" <<SQL
CREATE EXTENSION pgrouting CASCADE;
CREATE TABLE edges (id bigint, source bigint, target bigint, travel_time_ms double precision, distance_m double precision,
                    road_class text, osm_way_id bigint);
\copy edges FROM '$work/edges.csv' CSV HEADER
CREATE INDEX ON edges (source);
CREATE TABLE pairs (k serial, s bigint, t bigint);
\copy pairs (s, t) FROM '$work/pairs_pg.csv' CSV
CREATE TABLE results (k int, travel_time_ms double precision, elapsed_ms double precision);
-- One pgr_dijkstra call per pair, timed inside the server so client round trips are not counted.
DO \$\$
DECLARE r record; started timestamptz; total double precision;
BEGIN
  FOR r IN SELECT * FROM pairs ORDER BY k LOOP
    started := clock_timestamp();
    SELECT agg_cost INTO total FROM pgr_dijkstra(
      'SELECT id, source, target, travel_time_ms AS cost FROM edges', r.s, r.t, directed => true)
      ORDER BY seq DESC LIMIT 1;
    IF r.s = r.t THEN total := 0; END IF;
    INSERT INTO results VALUES (r.k, total, extract(epoch FROM clock_timestamp() - started) * 1000);
  END LOOP;
END \$\$;
\copy (SELECT k, travel_time_ms, elapsed_ms FROM results ORDER BY k) TO '$work/pgrouting.csv' CSV HEADER
SQL

"$bitgoeul" road bench-pairs "$graph" --pairs "$work/pairs.csv" -o "$work/ours.csv" > "$work/ours.txt"

python3 - "$work" <<'PY'
import csv, statistics, sys, re
work = sys.argv[1]
theirs = list(csv.DictReader(open(f"{work}/pgrouting.csv")))
ours = list(csv.DictReader(open(f"{work}/ours.csv")))
assert len(theirs) == len(ours), f"{len(theirs)} pgRouting answers vs {len(ours)} of ours"
mismatches = 0
for a, b in zip(theirs, ours):
    t = a["travel_time_ms"]
    o = b["travel_time_s"]
    t_val = None if t == "" else round(float(t))
    o_val = None if o in ("", "unreachable") else round(float(o) * 1000)
    if t_val != o_val:
        mismatches += 1
pg_ms = [float(r["elapsed_ms"]) for r in theirs]
our_us = [float(r["query_us"]) for r in ours]
pg_median_us = statistics.median(pg_ms) * 1000
our_median_us = statistics.median(our_us)
pg_mean_us = statistics.mean(pg_ms) * 1000
our_mean_us = statistics.mean(our_us)
print(f"pairs: {len(ours)}   travel-time mismatches: {mismatches}")
print(f"pgr_dijkstra   median {pg_median_us:12.1f} us   mean {pg_mean_us:12.1f} us per query")
print(f"bitgoeul CH    median {our_median_us:12.2f} us   mean {our_mean_us:12.2f} us per query")
print(f"ratio (pgRouting / Bitgoeul): median {pg_median_us / max(our_median_us, 1e-3):.0f}x   "
      f"mean {pg_mean_us / max(our_mean_us, 1e-3):.0f}x")
sys.exit(1 if mismatches else 0)
PY
