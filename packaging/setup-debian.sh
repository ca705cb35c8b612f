#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing PartEdit needs. Idempotent and
# quiet: does nothing when everything is installed; uses sudo only when not root.
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache pkg-config
  qt6-base-dev qt6-tools-dev qt6-l10n-tools
  libtorch-dev libopencv-dev libsentencepiece-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  libopenblas0-pthread xvfb xauth
  qt6-translations-l10n
)

installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  grep -qx "$p installed" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-debian.sh: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup-debian.sh: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
