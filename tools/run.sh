#!/bin/bash
# Builds and opens Roster. With no organization configured it offers the demo
# organization; `tools/run.sh --demo` opens the demo straight away.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh

builddir=${ROSTER_BUILDDIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=debugoptimized
fi
meson compile -C "$builddir"

export GSETTINGS_SCHEMA_DIR="$PWD/$builddir/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
exec "$builddir/src/ui/roster" "$@"
