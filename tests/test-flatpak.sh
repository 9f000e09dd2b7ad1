#!/bin/bash
# Checks the Flatpak manifest offline: flatpak-builder parses it without a warning and it
# names the app id, the command, the GNOME runtime and SDK, a meson build without tests,
# and no more sandbox holes than the app needs.
#
#   test-flatpak.sh MANIFEST METAINFO
#
# Skips when flatpak-builder is missing, unless ROSTER_REQUIRE_FLATPAK_BUILDER=1.
set -uo pipefail

manifest=$(realpath "${1:?manifest}")
metainfo=${2:?metainfo}

if ! command -v flatpak-builder >/dev/null 2>&1; then
  if [ "${ROSTER_REQUIRE_FLATPAK_BUILDER:-0}" = 1 ]; then
    echo "flatpak-builder is not installed (tools/deps.sh --test installs it)" >&2
    exit 1
  fi
  echo "1..0 # SKIP flatpak-builder is not installed; set ROSTER_REQUIRE_FLATPAK_BUILDER=1 to fail instead"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/roster-flatpak.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --show-manifest reads and normalises the manifest without a network or a runtime.
rc=0
(cd "$tmp" && HOME=$tmp flatpak-builder --show-manifest "$manifest") \
  >"$tmp/shown.json" 2>"$tmp/stderr" || rc=$?

exec python3 - "$tmp/shown.json" "$tmp/stderr" "$rc" "$metainfo" <<'PY'
import json, sys, xml.etree.ElementTree as ET

shown, stderr, rc, metainfo = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3]), sys.argv[4]
results = []

def check(cond, what):
    results.append((bool(cond), what))

check(rc == 0, f"flatpak-builder --show-manifest exits 0 (got {rc})")
check(stderr.strip() == "", "flatpak-builder prints no warning" + ("" if not stderr.strip() else ": " + stderr.strip().splitlines()[0]))
try:
    m = json.load(open(shown))
except Exception as e:
    m = {}
    check(False, f"the normalised manifest is JSON ({e})")

app_id = ET.parse(metainfo).getroot().findtext("id")
check(m.get("id") == app_id == "io.github.rosterapp.Roster", f"app id is {app_id}")
check(m.get("command") == "roster", "command is roster")
check(m.get("runtime") == "org.gnome.Platform", "runtime is org.gnome.Platform")
check(m.get("sdk") == "org.gnome.Sdk", "sdk is org.gnome.Sdk")
check(str(m.get("runtime-version")) == "50", "runtime-version is 50")

args = m.get("finish-args", [])
for a in ["--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"]:
    check(a in args, f"finish-args has {a}")
check(not any(a.startswith("--filesystem") for a in args), "no file system access (export goes through the portal)")
check(not any("org.freedesktop.secrets" in a for a in args), "no org.freedesktop.secrets (libsecret uses the Secret portal)")
check(not any("org.freedesktop.Notifications" in a for a in args), "no notification daemon name (notifications go through the portal)")
check("--socket=x11" not in args and "--device=all" not in args, "no plain X11 socket or all devices")
check(set(args) <= {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"},
      "finish-args has nothing else: " + " ".join(args))

mods = [x for x in m.get("modules", []) if isinstance(x, dict)]
app = mods[-1] if mods else {}
check(app.get("name") == "roster", "the last module is roster")
check(app.get("buildsystem") == "meson", "built with meson")
opts = app.get("config-opts", [])
check("-Dtests=false" in opts and "-Dbenchmarks=false" in opts, "tests and benchmarks are off")
srcs = app.get("sources", [])
check(any(s.get("type") == "dir" and s.get("path") == ".." for s in srcs), "source is the checkout (dir ..)")

for i, (ok, what) in enumerate(results, 1):
    print(("ok" if ok else "not ok"), i, "-", what)
print(f"1..{len(results)}")
sys.exit(0 if all(ok for ok, _ in results) else 1)
PY
