#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors, runs every test; then runs the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer (clang 14) and each fuzz target for a short time.
#   FUZZ_SECONDS=N  how long each fuzz target runs (default 20)
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"
fuzz_seconds="${FUZZ_SECONDS:-20}"

"$root/scripts/install_deps.sh"

echo "== dashboard (web/): unit tests (Vitest); install_deps.sh built it into web/dist for the browser test"
(cd "$root/web" && npm test)

echo "== release build (g++, -Werror) and all tests [${SECONDS}s]"
BUILD_DIR="$root/build/release" "$root/scripts/build.sh" -DBITGOEUL_WERROR=ON
# The NPU center's integration test (label slurm) starts its own loopback Slurm (scripts/slurm_local.sh) and stops
# it by pid; here it must run, not skip: install_deps.sh installed slurm-wlm and munge.
BITGOEUL_REQUIRE_SLURM=1 ctest --test-dir "$root/build/release" --output-on-failure -j "$jobs"

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz targets (clang 14, one build) [${SECONDS}s]"
# One clang build serves both: the libraries carry ASan + UBSan and libFuzzer's coverage hooks (fuzzer-no-link),
# which unit tests linked without libFuzzer ignore. -O1 keeps the sanitized tests quick to build and to run.
CXX=clang++-14 BUILD_DIR="$root/build/clang" "$root/scripts/build.sh" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DBITGOEUL_WERROR=ON -DBITGOEUL_SANITIZE=ON -DBITGOEUL_FUZZ=ON -DBITGOEUL_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/build/clang" --output-on-failure -j "$jobs" -L unit

echo "== fuzz targets, ${fuzz_seconds}s each (libFuzzer) [${SECONDS}s]"
for corpus in "$root"/tests/fuzz/*/; do
  name="$(basename "$corpus")"
  target="$(find "$root/build/clang" -type f -name "${name}_fuzz" -perm -u+x | head -n 1)"
  [ -n "$target" ] || { echo "no fuzz executable for tests/fuzz/$name" >&2; exit 1; }
  work="$(mktemp -d)"
  cp "$corpus"/* "$work"/
  echo "-- $name"
  # The whole log on a finding (the input, its base64 and the stack), two lines otherwise.
  if ! "$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
    tail -n 80 "$work.log"
    echo "fuzz target ${name}_fuzz found a failing input (corpus tests/fuzz/$name)" >&2
    exit 1
  fi
  tail -n 2 "$work.log"
  rm -rf "$work" "$work.log"
done
echo "all tests passed [${SECONDS}s]"
