#!/bin/bash
# Installs the Debian packages Roster needs to build, run and test, when any is missing.
# Used by tools/run.sh and tools/test.sh; safe to run again (it does nothing then).
set -euo pipefail

build_pkgs=(
  pkg-config meson ninja-build gcc gettext desktop-file-utils appstream
  libgtk-4-dev libgtk-4-bin libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libsecret-1-dev libsqlite3-dev libglib2.0-dev-bin glib-networking
  adwaita-icon-theme fonts-dejavu-core
)
test_pkgs=(
  xvfb xauth dbus gnome-keyring at-spi2-core python3 flatpak-builder
)

want=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
