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
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "installing: ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
