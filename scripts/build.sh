#!/usr/bin/env bash
# Configures and builds Bitgoeul in build/release (or $BUILD_DIR). Extra arguments go to cmake.
# BUILD_TARGETS="a b" builds only those targets.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build/release}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
if [ -n "${BUILD_TARGETS:-}" ]; then
  # shellcheck disable=SC2086
  cmake --build "$build_dir" --target $BUILD_TARGETS
else
  cmake --build "$build_dir"
fi
