#!/usr/bin/env bash
# Installs Bitgoeul's build and test dependencies from Debian 12 packages. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build g++ clang-14 libclang-rt-14-dev
  libosmium2-dev libprotozero-dev libexpat1-dev libbz2-dev zlib1g-dev osmium-tool
  libgeos-dev liblemon-dev coinor-libcbc-dev coinor-libclp-dev libssl-dev
  libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libtomlplusplus-dev libboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
  # NPU center: its store, and a local Slurm for the integration tests (scripts/slurm_local.sh)
  libsqlite3-dev slurmctld slurmd slurm-client munge
  # the dashboard's browser test (tests/dashboard_e2e_test.sh): Debian's Chromium, driven by playwright-core
  chromium
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The operator dashboard (web/): its npm packages exactly as web/package-lock.json pins them (npm ci, again only
# when the lock file changed), then its build into web/dist, which `bitgoeul taxi serve` serves. Node.js >= 20 and
# its npm come with the machine (Debian 12's nodejs 18 is too old for Vite).
web="$(cd "$(dirname "$0")/../web" && pwd)"
node_major="$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')"
if [ -z "$node_major" ] || [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null; then
  echo "install_deps: web/ needs Node.js >= 20 with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.bitgoeul-installed-lock.json"; then
  (cd "$web" && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.bitgoeul-installed-lock.json)
fi
(cd "$web" && npm run --silent build)
