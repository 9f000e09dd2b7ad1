#!/bin/bash
# Takes the screenshots in data/screenshots/ from the demo organization under Xvfb:
# welcome.png, dashboard.png, users.png, customers.png, settings.png, audit.png (1280x800,
# cairo renderer).
#
#   tools/screenshots.sh [builddir] [outdir]
#
# Runs inside its own D-Bus session so nothing stays behind (no keyring is needed:
# the demo key is never stored). ROSTER_SCREENSHOT_STYLE=dark takes dark ones.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ROSTER_IN_BUS:-}" ]; then
  export ROSTER_IN_BUS=1
  exec dbus-run-session -- "$0" "$@"
fi

builddir=$(realpath "${1:-${ROSTER_BUILDDIR:-build}}")
outdir=$(realpath -m "${2:-data/screenshots}")
mkdir -p "$outdir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/roster-shots.XXXXXX")
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

export HOME=$tmp/home XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config \
       XDG_CACHE_HOME=$tmp/cache
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
export GSETTINGS_SCHEMA_DIR="$builddir/data" GSETTINGS_BACKEND=memory
export GSK_RENDERER=cairo GDK_BACKEND=x11 GIO_USE_PROXY_RESOLVER=dummy NO_AT_BRIDGE=1 GTK_A11Y=none
if [ "${ROSTER_SCREENSHOT_STYLE:-}" = "dark" ]; then
  export ADW_DEBUG_COLOR_SCHEME=prefer-dark
fi

exec 5> "$tmp/display"
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"

shoot() {
  local name=$1; shift
  # A data folder of its own: every shot starts from an empty cache, so the demo
  # organization syncs at start (the bulk shots are taken when that sync ends).
  mkdir -p "$tmp/data-$name"
  XDG_DATA_HOME="$tmp/data-$name" "$builddir/src/ui/roster" "$@" >"$tmp/$name.log" 2>&1 &
  app_pid=$!
  sleep "${ROSTER_SCREENSHOT_WAIT:-5}"
  # No window manager: place and size the window ourselves.
  for win in $(xdotool search --onlyvisible --name '^Roster' 2>/dev/null); do
    xdotool windowmove --sync "$win" 0 0 windowsize --sync "$win" 1280 800 2>/dev/null || true
  done
  # The bulk window (a modal on top): centred, as a window manager would.
  for win in $(xdotool search --onlyvisible --name '^(Deactivate|Reactivate|Grant|Revoke|Remove|Undo|Resume)' 2>/dev/null); do
    xdotool windowmove --sync "$win" 300 80 2>/dev/null || true
  done
  sleep 1.5
  xwd -root -silent -display "$DISPLAY" | /usr/bin/convert xwd:- -crop 1280x800+0+0 "$outdir/$name.png"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
  echo "wrote $outdir/$name.png"
}

# ROSTER_SHOTS="settings audit" takes only some of them.
want() { [ -z "${ROSTER_SHOTS:-}" ] || [[ " $ROSTER_SHOTS " == *" $1 "* ]]; }

want welcome && shoot welcome
want dashboard && shoot dashboard --demo --page=dashboard
want users && shoot users --demo --page=users
want customers && shoot customers --demo --page=customers
want settings && shoot settings --demo --page=settings
want audit && shoot audit --demo --page=audit
# The bulk window on a few demo users (an org admin and a suspended one among them):
# its preview, and a run paused after a canary of 3.
want bulk-preview && ROSTER_SCREENSHOT_WAIT=${ROSTER_SCREENSHOT_WAIT:-9} ROSTER_DEMO_BULK=preview shoot bulk-preview --demo --page=users
want bulk-progress && ROSTER_SCREENSHOT_WAIT=${ROSTER_SCREENSHOT_WAIT:-9} ROSTER_DEMO_BULK=run shoot bulk-progress --demo --page=users
