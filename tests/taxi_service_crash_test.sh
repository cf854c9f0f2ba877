#!/usr/bin/env bash
# Crash test of the live dispatch service: `taxi serve` on loopback with a SQLite store, `taxi loadgen` driving it
# with the pilot zone's vehicles and riders, the service killed with SIGKILL at seeded random moments and restarted
# each time. Afterwards every ride the service acknowledged (the loadgen's journal) must be found by id, each once.
# Before that, on the fresh service: the WebSocket stream refuses a bad token, and under a short load each role
# hears only what is theirs.
#   tests/taxi_service_crash_test.sh BITGOEUL_EXECUTABLE        (BITGOEUL_CRASH_SEED picks the kill moments)
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"
map="$root/../shared/data/osm/asanH.clean.osm"
permit="$root/scenarios/permits/songpa-pilot/permit.toml"
scenario="$root/scenarios/pilot-zone-permit.toml"
seed="${BITGOEUL_CRASH_SEED:-20261125}"
kills=4
RANDOM=$seed

# Tokens: the operator checks, the gateway drives the vehicles, one rider asks for every ride.
: >"$work/access.toml"
# make_token ROLE ID: appends the token's [[token]] entry to the access file and prints the token.
make_token() {
  "$bitgoeul" taxi token --role "$1" --id "$2" >"$work/token.txt" || return 1
  grep -v '^#' "$work/token.txt" >>"$work/access.toml"
  sed -n '2s/^# //p' "$work/token.txt"
}
if ! token_operator="$(make_token operator ops)" || ! token_gateway="$(make_token gateway gw)" ||
  ! token_rider="$(make_token rider loadgen)"; then
  fail "taxi token"
  finish_checks "taxi service crash"
fi
printf 'gateway = "%s"\nrider = "%s"\n' "$token_gateway" "$token_rider" >"$work/tokens.toml"
# The loadgen's options and token file, refused before any call, each error naming what is wrong.
expect_error "loadgen: a URL that is not http://HOST:PORT" "--url: 'https://127.0.0.1:1'" "$bitgoeul" taxi loadgen \
  --scenario "$scenario" --url https://127.0.0.1:1 --token-file "$work/tokens.toml"
expect_error "loadgen: a negative speedup" "--speedup: must be in (0, 1000]" "$bitgoeul" taxi loadgen \
  --scenario "$scenario" --url http://127.0.0.1:1 --token-file "$work/tokens.toml" --speedup -3
printf 'gateway = "%s"\n' "$token_gateway" >"$work/half.toml"
expect_error "loadgen: a token file without the rider" "half.toml" "$bitgoeul" taxi loadgen \
  --scenario "$scenario" --url http://127.0.0.1:1 --token-file "$work/half.toml"
expect_error "loadgen: a missing scenario" "nonexistent.toml" "$bitgoeul" taxi loadgen \
  --scenario "$work/nonexistent.toml" --url http://127.0.0.1:1 --token-file "$work/tokens.toml"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"

service_pid=""
loadgen_pid=""
cleanup() {
  [ -n "$loadgen_pid" ] && kill "$loadgen_pid" 2>/dev/null
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

starts=0
# Starts the service and waits until it listens (the map and hierarchy take a few seconds).
start_service() {
  starts=$((starts + 1))
  "$bitgoeul" taxi serve --map "$map" --permit "$permit" --access "$work/access.toml" --db "$work/state.sqlite" \
    --listen "127.0.0.1:$port" >"$work/serve.$starts.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$work/serve.$starts.log" 2>/dev/null && return 0
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "serve (start $starts) did not listen: $(tail -5 "$work/serve.$starts.log")"
  finish_checks "taxi service crash"
}

start_service
pass "serve listens at $url"

# A stream listener: upgrades /api/v1/stream with ?token=, reads text messages for SECONDS and prints the HTTP
# status, then type:count for each message type, then the riders named by ride messages.
cat >"$work/stream.py" <<'EOF_PY'
import base64, collections, json, os, select, socket, sys, time
port, token, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port), timeout=seconds + 5)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /api/v1/stream?token={token} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n").encode())
data = b""
while b"\r\n\r\n" not in data:
    chunk = s.recv(4096)
    if not chunk: break
    data += chunk
head, _, rest = data.partition(b"\r\n\r\n")
status = head.split(b" ")[1].decode() if head else "none"
if status != "101":
    print(status); sys.exit(0)
def read(n):
    global rest
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk: raise EOFError
        rest += chunk
    out, rest = rest[:n], rest[n:]
    return out
types, riders = collections.Counter(), set()
deadline = time.time() + seconds
message = b""
while time.time() < deadline:
    if not rest and not select.select([s], [], [], 0.2)[0]:
        continue
    try:
        b0, b1 = read(2)
        length = b1 & 0x7F
        if length == 126: length = int.from_bytes(read(2), "big")
        elif length == 127: length = int.from_bytes(read(8), "big")
        payload = read(length)
    except EOFError:
        break
    opcode = b0 & 0x0F
    if opcode in (0, 1):  # text, or the continuation of a fragmented text message
        message += payload
        if b0 & 0x80:  # FIN: the message is complete
            parsed = json.loads(message)
            message = b""
            types[parsed.get("type")] += 1
            if parsed.get("type") == "ride": riders.add(parsed.get("rider"))
print("101", " ".join(f"{t}:{n}" for t, n in sorted(types.items())), "riders:" + ",".join(sorted(map(str, riders))))
EOF_PY
reply="$(python3 "$work/stream.py" "$port" not-a-token 1 2>&1)"
if [ "$reply" = "401" ]; then pass "stream: a bad token is refused (401)"; else fail "stream with a bad token: $reply"; fi
reply="$(python3 "$work/stream.py" "$port" "$token_operator" 2.5 2>&1)"
if [[ "$reply" == "101 fleet:"* ]]; then pass "stream: an operator gets the fleet snapshot ($reply)"; else
  fail "stream as operator: $reply"; fi

# Who hears what, under a short load on the fresh service: the gateway gets assignments and no fleet, the rider
# only their own rides, the operator everything.
# The listeners outlast the loadgen's start (loading the map) and its 4 s of load.
python3 "$work/stream.py" "$port" "$token_gateway" 9 >"$work/gateway.stream" 2>&1 &
gateway_listener=$!
python3 "$work/stream.py" "$port" "$token_rider" 9 >"$work/rider.stream" 2>&1 &
rider_listener=$!
"$bitgoeul" taxi loadgen --scenario "$scenario" --url "$url" --token-file "$work/tokens.toml" --duration 4 \
  --speedup 20 --vehicles 40 --rate 10 --quiet >"$work/loadgen2.log" 2>&1 &
loadgen_pid=$!
python3 "$work/stream.py" "$port" "$token_operator" 9 >"$work/operator.stream" 2>&1
wait "$gateway_listener" "$rider_listener"
wait "$loadgen_pid"
loadgen_pid=""
gateway="$(cat "$work/gateway.stream")"; rider="$(cat "$work/rider.stream")"; operator="$(cat "$work/operator.stream")"
if [[ "$gateway" == *"assignment:"* && "$gateway" != *"fleet:"* && "$gateway" != *"ride:"* ]]; then
  pass "stream: the gateway hears assignments only ($gateway)"; else fail "stream as gateway: $gateway"; fi
if [[ "$rider" == *"ride:"* && "$rider" == *"riders:loadgen" && "$rider" != *"fleet:"* && "$rider" != *"assignment:"* ]]; then
  pass "stream: the rider hears their own rides only ($rider)"; else fail "stream as rider: $rider"; fi
if [[ "$operator" == *"assignment:"* && "$operator" == *"fleet:"* && "$operator" == *"ride:"* ]]; then
  pass "stream: the operator hears everything ($operator)"; else fail "stream as operator: $operator"; fi

# The load: 40 vehicles and 20 rides/s for 30 s, the service killed 4 times meanwhile.
"$bitgoeul" taxi loadgen --scenario "$scenario" --url "$url" --token-file "$work/tokens.toml" --duration 30 \
  --speedup 20 --vehicles 40 --rate 20 --telemetry-interval 0.5 --journal "$work/journal.jsonl" \
  --out "$work/figures.json" >"$work/loadgen.log" 2>&1 &
loadgen_pid=$!
for _ in $(seq 1 "$kills"); do
  sleep "$((2 + RANDOM % 4)).$((RANDOM % 10))"
  kill -KILL "$service_pid"
  wait "$service_pid" 2>/dev/null
  start_service
done
pass "killed with SIGKILL and restarted $kills times (seed $seed)"
wait "$loadgen_pid"
status=$?
loadgen_pid=""
if [ "$status" -eq 0 ]; then pass "loadgen ran through the crashes"; else
  fail "loadgen exit $status: $(tail -5 "$work/loadgen.log")"; fi
grep -v '^loadgen:' "$work/loadgen.log" | sed 's/^/# /'
acknowledged="$(wc -l <"$work/journal.jsonl")"
if [ "$acknowledged" -ge 50 ]; then pass "$acknowledged rides acknowledged"; else
  fail "only $acknowledged rides acknowledged: $(tail -5 "$work/loadgen.log")"; fi

# Every acknowledged ride is in the service, under its own id, once.
check="$(python3 - "$port" "$token_operator" "$work/journal.jsonl" <<'EOF'
import http.client, json, sys
port, token, journal = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ids = [json.loads(line)["ride"] for line in open(journal)]
duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else []
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
missing = []
for ride in ids:
    connection.request("GET", f"/api/v1/rides/{ride}", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200 or json.loads(body).get("id") != ride:
        missing.append(f"{ride}:{response.status}")
print(f"checked {len(ids)} missing {len(missing)} duplicated {len(duplicates)} {' '.join(missing[:5])} {' '.join(duplicates[:5])}")
EOF
)"
if [[ "$check" == *" missing 0 duplicated 0 "* ]]; then pass "every acknowledged ride found once ($check)"; else
  fail "acknowledged rides after the crashes: $check"; fi

kill -TERM "$service_pid"
wait "$service_pid" 2>/dev/null
service_pid=""
finish_checks "taxi service crash"
