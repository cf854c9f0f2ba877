#!/usr/bin/env bash
# End-to-end specification of `bitgoeul audit`: a log written by `audit append` verifies; each kind of tampering
# done with sed/awk/head is found on the right line; anchors catch the removal of the last records; the Python
# verifier printed in docs/audit-log.md agrees with ours.
#   tests/audit_cli_test.sh BITGOEUL_EXECUTABLE
set -uo pipefail
bitgoeul="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/cli_checks.sh
source "$root/tests/cli_checks.sh"

log="$work/audit.jsonl"
# --- A log of eight decisions, written one command at a time (each reopens and verifies the log first).
written=0
for i in 1 2 3 4 5 6 7 8; do
  case $((i % 4)) in
    1) args=(--kind assignment --actor dispatch/insertion --field "request=$i" --field "vehicle=$((i + 2))") ;;
    2) args=(--kind rejection --actor permit --field "request=$i" --field rule=outside_hours --field walk_m=null) ;;
    3) args=(--kind suspension --actor operator:kim --field 'reason=폭우 "heavy rain"' --field until_s=28800) ;;
    0) args=(--kind override --actor "operator lee" --field "vehicle=$i" --field note='"17"') ;;
  esac
  "$bitgoeul" audit append "$log" --time "$((25200 + 30 * i)).5" "${args[@]}" >/dev/null && written=$((written + 1))
done
if [ "$written" -eq 8 ] && [ "$(wc -l <"$log")" -eq 8 ]; then pass "eight records appended"; else fail "eight records appended"; fi
verdict="$("$bitgoeul" audit verify "$log" 2>&1)"
if [[ "$verdict" == *"intact: 8 records, head "* ]]; then pass "intact log verifies"; else fail "intact log verifies: $verdict"; fi
head="$("$bitgoeul" audit verify "$log" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"])')"
expect_ok "anchor matches" "$bitgoeul" audit verify "$log" --expect-count 8 --expect-head "$head"
expect_ok "anchor in capitals" "$bitgoeul" audit verify "$log" --expect-head "${head^^}"

# --- The Python verifier from docs/audit-log.md, run as printed there.
awk '/<!-- verify_audit_log.py: begin -->/{on=1; next} /<!-- verify_audit_log.py: end -->/{on=0} on && !/^```/' \
  "$root/docs/audit-log.md" >"$work/verify_audit_log.py"
python_verdict="$(python3 "$work/verify_audit_log.py" "$log" 8 "$head" 2>&1)"
if [ "$python_verdict" = "intact: 8 records, head $head" ]; then pass "the documented Python verifier agrees";
else fail "the documented Python verifier agrees: $python_verdict"; fi
for seed in "$root"/tests/fuzz/audit_log/*.jsonl; do
  ours=0; theirs=0
  "$bitgoeul" audit verify "$seed" >/dev/null 2>&1 || ours=1
  python3 "$work/verify_audit_log.py" "$seed" >/dev/null 2>&1 || theirs=1
  if [ "$ours" -eq "$theirs" ]; then pass "same verdict on $(basename "$seed")";
  else fail "same verdict on $(basename "$seed") (bitgoeul $ours, python $theirs)"; fi
done

# --- Each kind of tampering: the message names the line and the kind.
# tampered "description" "expected message" COMMAND... : COMMAND reads the log on stdin and writes the tampered one.
tampered() {
  local what="$1" needle="$2"; shift 2
  "$@" <"$log" >"$work/tampered.jsonl"
  expect_error "$what" "$needle" "$bitgoeul" audit verify "$work/tampered.jsonl"
}
tampered "edited field" "tampered.jsonl:5: record edited" sed '5s/"vehicle":7/"vehicle":8/'
tampered "edited time" "tampered.jsonl:2: record edited" sed '2s/"time":25260.5/"time":25261.5/'
tampered "edited hash" "tampered.jsonl:3: record edited" \
  awk 'NR==3 { i = index($0, "\"hash\":\"") + 8; c = substr($0, i, 1); $0 = substr($0, 1, i - 1) (c == "0" ? "1" : "0") substr($0, i + 1) } 1'
tampered "first record removed" "tampered.jsonl:1: record removed: record 1 is missing" sed 1d
tampered "middle record removed" "tampered.jsonl:4: record removed: record 4 is missing" sed 4d
tampered "two records removed" "tampered.jsonl:3: record removed: records 3..4 are missing" sed 3,4d
tampered "records swapped" "tampered.jsonl:3: records reordered: seq 4 comes before seq 3, which is on line 4" \
  awk 'NR==3 { held = $0; next } NR==4 { print; print held; next } 1'
tampered "record duplicated" "tampered.jsonl:7: duplicated or inserted record: seq 6 was already used" sed 6p
tampered "garbage line" "tampered.jsonl:2: malformed record: not JSON" sed '2i garbage'
tampered "empty line" "tampered.jsonl:6: malformed record: empty line" sed '6s/^/\n/'
tampered "spaces added" "tampered.jsonl:2: malformed record: not in canonical form" sed '2s/,"seq":/, "seq":/'
tampered "missing field" "tampered.jsonl:1: malformed record: missing field 'actor'" sed '1s/"actor"/"acteur"/'
tampered "cut mid-line" "tampered.jsonl:8: torn last record" head -c -40
tampered "CRLF line ends" "tampered.jsonl:1: malformed record: not in canonical form" sed 's/$/\r/'
python3 -c 'import sys; sys.stdout.write("x" * 2_000_000 + "\n")' >"$work/huge.txt"
tampered "huge line" "tampered.jsonl:5: malformed record: line of 2000000 bytes" sed "4r $work/huge.txt"

# --- The last records: the chain alone cannot tell, the anchor can.
sed '$d' "$log" >"$work/short.jsonl"
expect_ok "last record removed: undetectable without an anchor" "$bitgoeul" audit verify "$work/short.jsonl"
expect_error "last record removed: count anchor" "records removed from the end: the log holds 7 records, the anchor expects 8" \
  "$bitgoeul" audit verify "$work/short.jsonl" --expect-count 8 --expect-head "$head"
expect_error "last record removed: head anchor" "head does not match the anchor" \
  "$bitgoeul" audit verify "$work/short.jsonl" --expect-head "$head"
expect_error "python verifier checks the anchor too" "records removed from the end" \
  python3 "$work/verify_audit_log.py" "$work/short.jsonl" 8 "$head"
: >"$work/empty.jsonl"
expect_ok "empty file is an empty log" "$bitgoeul" audit verify "$work/empty.jsonl"
expect_error "empty file against an anchor" "the log holds 0 records, the anchor expects 8" \
  "$bitgoeul" audit verify "$work/empty.jsonl" --expect-count 8

# --- --json on a damaged log: exit 1, one object naming line and kind.
sed 4d "$log" >"$work/removed.jsonl"
if json="$("$bitgoeul" audit verify "$work/removed.jsonl" --json 2>/dev/null)"; then fail "--json exits 1 when damaged"; else
  if python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert (r["intact"], r["problem"], r["line"], r["records"]) == (False, "removed", 4, 3), r' "$json"; then
    pass "--json names the problem and line"; else fail "--json names the problem and line: $json"; fi
fi

# --- The writer: appends keep the chain; a damaged log is refused and left untouched.
cp "$log" "$work/grow.jsonl"
expect_ok "append to an intact log" "$bitgoeul" audit append "$work/grow.jsonl" --kind resume --actor operator:kim --time 99999
expect_ok "grown log verifies with the old anchor as a prefix" "$bitgoeul" audit verify "$work/grow.jsonl" \
  --expect-count 8 --expect-head "$head" --allow-later-records
expect_error "grown log against the exact anchor" "records appended after the anchor" \
  "$bitgoeul" audit verify "$work/grow.jsonl" --expect-count 8 --expect-head "$head"
cp "$work/removed.jsonl" "$work/removed.before"
expect_error "append refuses a damaged log" "refusing to append to a damaged audit log" \
  "$bitgoeul" audit append "$work/removed.jsonl" --kind override --time 1
if cmp -s "$work/removed.jsonl" "$work/removed.before"; then pass "damaged log left untouched"; else fail "damaged log left untouched"; fi

# --- show.
table="$("$bitgoeul" audit show "$log" --kind rejection --kind override --limit 3 2>&1)"
if [ "$(grep -cE ' (rejection|override) ' <<<"$table")" -eq 3 ] && ! grep -q ' assignment ' <<<"$table" &&
   grep -q 'note="17"' <<<"$table" && grep -q 'rule=outside_hours' <<<"$table"; then
  pass "show filters by kind and limits"; else fail "show filters by kind and limits: $table"; fi
if "$bitgoeul" audit show "$work/removed.jsonl" 2>&1 >/dev/null | grep -q "warning: .*removed.jsonl:4: record removed"; then
  pass "show warns about a damaged chain"; else fail "show warns about a damaged chain"; fi

# --- Bad input.
expect_error "missing log" "no-such.jsonl: cannot open audit log" "$bitgoeul" audit verify "$work/no-such.jsonl"
expect_error "a directory" "is a directory, not an audit log" "$bitgoeul" audit show "$work"
expect_error "bad anchor" "--expect-head: 'xyz' is not a SHA-256 hash" "$bitgoeul" audit verify "$log" --expect-head xyz
expect_error "bad field" "--field 'novalue': expected NAME=VALUE" "$bitgoeul" audit append "$work/x.jsonl" --kind k --field novalue
expect_error "kind required" "--kind is required" "$bitgoeul" audit append "$work/x.jsonl"
if "$bitgoeul" audit verify --help | grep -q -- "--expect-head"; then pass "verify --help"; else fail "verify --help"; fi

finish_checks "audit CLI"
