#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors, runs every test; then runs the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer (clang 14) and each fuzz target for a short time.
#   FUZZ_SECONDS=N  how long each fuzz target runs (default 15)
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"
fuzz_seconds="${FUZZ_SECONDS:-15}"

"$root/scripts/install_deps.sh"

echo "== dashboard (web/): unit tests (Vitest); install_deps.sh built it into web/dist for the browser test"
(cd "$root/web" && npm test)

echo "== release build (g++, -Werror) and all tests [${SECONDS}s]"
# Both trees are unity builds (BITGOEUL_UNITY: sources compiled in batches of 8): measured 211 s instead of 380 s
# for this one, 376 s instead of 531 s for the clang tree.
BUILD_DIR="$root/build/release" "$root/scripts/build.sh" -DBITGOEUL_WERROR=ON -DBITGOEUL_UNITY=ON
ctest --test-dir "$root/build/release" --output-on-failure -j "$jobs" -LE slurm
# The NPU center's tests on Slurm (label slurm) each start their own loopback Slurm (scripts/slurm_local.sh) and stop
# it by pid; here they must run, not skip: install_deps.sh installed slurm-wlm and munge. They spend their time
# waiting for Slurm's scheduler, so they run while the clang tree builds; their log follows that build.
slurm_log="$(mktemp)"
BITGOEUL_REQUIRE_SLURM=1 ctest --test-dir "$root/build/release" --output-on-failure -j "$jobs" -L slurm \
  >"$slurm_log" 2>&1 &
slurm_pid=$!
# Whatever ends this script first, the Slurm tests finish (and stop their daemons) before it exits.
trap 'wait "$slurm_pid" 2>/dev/null || true' EXIT

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz targets (clang 14, one build) [${SECONDS}s]"
# One clang build serves both: the libraries carry ASan + UBSan and libFuzzer's coverage hooks (fuzzer-no-link),
# which unit tests linked without libFuzzer ignore. -O1 keeps the sanitized tests quick to build and to run (-O0
# builds the tests' own files in half the time but runs them 1.5-2.5 times longer); line tables are all a sanitizer
# report needs, and build a fifth faster than full debug information. Only the unit tests and the fuzz targets are
# built (the command and the benchmarks are the release build's).
clang_dir="$root/build/clang"
CXX=clang++-14 cmake -S "$root" -B "$clang_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DBITGOEUL_UNITY=ON \
  -DBITGOEUL_WERROR=ON -DBITGOEUL_SANITIZE=ON -DBITGOEUL_FUZZ=ON -DBITGOEUL_BENCH=OFF >/dev/null
clang_targets="$(ctest --test-dir "$clang_dir" -N -L unit | sed -n 's/^ *Test *#[0-9]*: *//p' | sed 's/_shard[0-9]*$//' |
  sort -u | tr '\n' ' ')"
for corpus in "$root"/tests/fuzz/*/; do clang_targets+="$(basename "$corpus")_fuzz "; done
# shellcheck disable=SC2086
cmake --build "$clang_dir" --target $clang_targets
echo "-- release tests on Slurm (label slurm), run during the clang build [${SECONDS}s]"
slurm_status=0
wait "$slurm_pid" || slurm_status=$?
cat "$slurm_log"
rm -f "$slurm_log"
[ "$slurm_status" -eq 0 ] || { echo "release tests on Slurm failed" >&2; exit 1; }
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$clang_dir" --output-on-failure -j "$jobs" -L unit

echo "== fuzz targets, ${fuzz_seconds}s each, ${jobs} at a time (libFuzzer) [${SECONDS}s]"
fuzz_logs="$(mktemp -d)"
# Runs one target on a copy of its seed corpus; the whole log on a finding (input, base64, stack).
fuzz_one() {
  local name="$1" target work
  target="$(find "$clang_dir" -type f -name "${name}_fuzz" -perm -u+x | head -n 1)"
  [ -n "$target" ] || { echo "no fuzz executable for tests/fuzz/$name" >"$fuzz_logs/$name.log"; return 1; }
  work="$(mktemp -d)"
  cp "$root/tests/fuzz/$name"/* "$work"/
  local status=0
  "$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 "$work" >"$fuzz_logs/$name.log" 2>&1 ||
    status=$?
  rm -rf "$work"
  return "$status"
}
declare -A fuzz_pid=()
for corpus in "$root"/tests/fuzz/*/; do
  name="$(basename "$corpus")"
  fuzz_one "$name" &
  fuzz_pid[$name]=$!
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
done
fuzz_failed=""
for name in "${!fuzz_pid[@]}"; do
  if wait "${fuzz_pid[$name]}"; then
    echo "-- $name: $(tail -n 1 "$fuzz_logs/$name.log")"
  else
    echo "-- $name: FAILED"; tail -n 80 "$fuzz_logs/$name.log"
    fuzz_failed+="$name "
  fi
done
rm -rf "$fuzz_logs"
[ -z "$fuzz_failed" ] || { echo "fuzz targets found failing inputs: $fuzz_failed(corpora in tests/fuzz/)" >&2; exit 1; }
echo "all tests passed [${SECONDS}s]"
