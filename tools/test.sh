#!/bin/bash
# Runs the whole Roster test suite headless: installs what it needs, builds into
# ./build, then runs `meson test` inside its own D-Bus session with a real,
# unlocked gnome-keyring and an Xvfb display. Ends with "N passed, N failed".
#
#   tools/test.sh [meson test arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh --test

builddir=${ROSTER_BUILDDIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --buildtype=debugoptimized
fi
meson compile -C "$builddir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/roster-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config \
       XDG_CACHE_HOME=$tmp/cache XDG_RUNTIME_DIR=$tmp/runtime
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
export GDK_BACKEND=x11 GSK_RENDERER=cairo
# Tests fail instead of skipping when the keyring or the display is missing.
export ROSTER_REQUIRE_KEYRING=1 ROSTER_REQUIRE_DISPLAY=1

rc=0
# The bus is started outside Xvfb so that no keyring prompt can ever open and
# hang; the keyring gets a non-empty password so the login collection exists.
dbus-run-session -- bash -c '
    set -e
    printf %s "roster-test-keyring" |
      gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
      meson test -C "$0" --print-errorlogs --num-processes 2 "${@}"
  ' "$builddir" "$@" || rc=$?

python3 - "$builddir/meson-logs/testlog.json" <<'PY' || true
import json, sys
res = []
for line in open(sys.argv[1]):
    if line.strip():
        res.append(json.loads(line)["result"])
ok = sum(r in ("OK", "EXPECTEDFAIL") for r in res)
skip = sum(r == "SKIP" for r in res)
print(f"{ok} passed, {len(res) - ok - skip} failed, {skip} skipped")
PY
exit $rc
