#!/bin/bash
# Runs the benchmarks headless and prints their results:
#   bench-ui   (the users list at 100,000 users: query → frame, filtering, launch, RSS)
#   bench-sync (when built: sync of a large organization against a raw fetch)
#
#   tools/bench.sh [builddir] [bench-ui arguments…]
#   ROSTER_BENCH_ONLY=ui tools/bench.sh …   (skips bench-sync)
#
# Runs under Xvfb 1280x1024 with GSK_RENDERER=cairo so that runs compare, inside its
# own D-Bus session, with a throw-away HOME and XDG directories.
set -euo pipefail
cd "$(dirname "$0")/.."

builddir=$(realpath "${1:-${ROSTER_BUILDDIR:-build}}")
shift || true

if [ -z "${ROSTER_IN_BUS:-}" ]; then
  export ROSTER_IN_BUS=1
  exec dbus-run-session -- "$0" "$builddir" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/roster-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config \
       XDG_CACHE_HOME=$tmp/cache
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
export GSETTINGS_SCHEMA_DIR="$builddir/data" GSETTINGS_BACKEND=memory
export GSK_RENDERER=cairo GDK_BACKEND=x11 GIO_USE_PROXY_RESOLVER=dummy NO_AT_BRIDGE=1 GTK_A11Y=none

if [ -x "$builddir/tests/bench/bench-ui" ]; then
  echo "### bench-ui"
  xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
    "$builddir/tests/bench/bench-ui" --roster "$builddir/src/ui/roster" "$@" 2>&1 |
    grep -v -e '-DEBUG' -e 'shader cache'
else
  echo "bench-ui not built (meson -Dgui=true -Dbenchmarks=true)"
fi

if [ "${ROSTER_BENCH_ONLY:-}" != ui ] && [ -x "$builddir/tests/bench/bench-sync" ]; then
  echo
  echo "### bench-sync"
  "$builddir/tests/bench/bench-sync" 2>&1 | grep -v -e '-DEBUG'
fi
