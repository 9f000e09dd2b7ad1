#!/bin/bash
# Runs the whole Roster test suite headless: installs what it needs, builds into
# ./build, then runs `meson test` inside its own D-Bus session with a real,
# unlocked gnome-keyring and an Xvfb display. A second stage builds build-asan
# (AddressSanitizer + UndefinedBehaviorSanitizer, LeakSanitizer at exit) and runs
# the core, sandbox, cli and fuzz-replay suites there. Ends with
# "N passed, N failed", counting both stages.
#
#   tools/test.sh [meson test arguments…]
#
# With arguments (a single test, say) the sanitizer stage is skipped unless
# ROSTER_SANITIZERS=1; ROSTER_SANITIZERS=0 always skips it.
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
export ROSTER_REQUIRE_KEYRING=1 ROSTER_REQUIRE_DISPLAY=1 ROSTER_REQUIRE_FLATPAK_BUILDER=1

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

logs=("$builddir/meson-logs/testlog.json")

if [ "${ROSTER_SANITIZERS:-$([ $# -eq 0 ] && echo 1 || echo 0)}" = 1 ]; then
  asandir=${ROSTER_ASAN_BUILDDIR:-build-asan}
  t0=$(date +%s)
  if [ ! -f "$asandir/build.ninja" ]; then
    meson setup "$asandir" --buildtype=debugoptimized -Db_sanitize=address,undefined \
      -Db_lundef=false -Dgui=false -Dbenchmarks=false
  fi
  meson compile -C "$asandir" || rc=$?
  # The system libraries have no frame pointers: without the slow unwinder the
  # leak stacks stop at g_malloc and the narrow suppressions cannot match; twelve
  # frames are enough for them and keep the slow unwinder affordable.
  export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=12:abort_on_error=1
  export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  rm -f "$asandir/meson-logs/testlog.json"
  dbus-run-session -- bash -c '
      set -e
      printf %s "roster-test-keyring" |
        gnome-keyring-daemon --unlock --components=secrets >/dev/null
      exec meson test -C "$0" --print-errorlogs --num-processes 2 --timeout-multiplier 4 \
        --suite core --suite sandbox --suite cli --suite fuzz-replay
    ' "$asandir" || rc=$?
  logs+=("$asandir/meson-logs/testlog.json")
  echo "sanitizer stage: $(( $(date +%s) - t0 )) s"
fi

python3 - "${logs[@]}" <<'PY' || true
import json, sys
res = []
for log in sys.argv[1:]:
    try:
        lines = open(log).readlines()
    except OSError:
        res.append("ERROR")  # a stage that never ran its tests counts as failed
        continue
    for line in lines:
        if line.strip():
            res.append(json.loads(line)["result"])
ok = sum(r in ("OK", "EXPECTEDFAIL") for r in res)
skip = sum(r == "SKIP" for r in res)
print(f"{ok} passed, {len(res) - ok - skip} failed, {skip} skipped")
PY
exit $rc
