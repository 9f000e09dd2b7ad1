#!/bin/bash
# Checks of the translation machinery, one per sub-command (see po/meson.build):
#
#   test-i18n.sh potfiles SRCROOT       POTFILES.in lists every file with translatable
#                                        strings, and every listed file exists
#   test-i18n.sh linguas SRCROOT        every language of LINGUAS has a catalog with the
#                                        right Plural-Forms, and no catalog is left out
#   test-i18n.sh check SRCROOT          msgfmt -c --check-format accepts every catalog
#   test-i18n.sh lookup SRCROOT BUILD   the built catalogs translate at run time
#   test-i18n.sh complete SRCROOT       every catalog translates every message of the
#                                        sources as they are now (no untranslated or fuzzy)
#
# Prints TAP; exits non-zero when a check fails.
set -uo pipefail

cmd=${1:?sub-command}
src=$(realpath "${2:?source root}")
po=$src/po
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
finish() { echo "1..$n"; [ "$fails" -eq 0 ]; exit $?; }

languages() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$po/LINGUAS" | tr -s ' \t' '\n' | sed '/^$/d'; }

# The number of plural forms each language must declare (CLDR / gettext conventions).
expected_nplurals() {
  case $1 in
    ja|ko|th|vi|zh_CN|zh_TW) echo 1 ;;
    pl|cs|sk|ro|ru|uk) echo 3 ;;
    *) echo 2 ;;
  esac
}

case $cmd in
  potfiles)
    listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$po/POTFILES.in")
    for f in $listed; do
      if [ -f "$src/$f" ]; then ok "listed file exists: $f"; else not_ok "listed file missing: $f"; fi
    done
    # Files that mark strings for translation must be listed.
    cd "$src" || exit 1
    marked=$( { grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2)[[:space:]]*\(' \
                  --include='*.c' src/ui src/cli src/core 2>/dev/null
                grep -rl 'translatable="yes"' --include='*.ui' src 2>/dev/null
                ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null; } | sort -u)
    for f in $marked; do
      if grep -qxF "$f" <<<"$listed"; then ok "in POTFILES.in: $f"; else not_ok "not in POTFILES.in but has translatable strings: $f"; fi
    done
    finish
    ;;

  linguas)
    langs=$(languages)
    count=$(wc -w <<<"$langs")
    if [ "$count" -ge 1 ]; then ok "LINGUAS names $count languages"; else not_ok "LINGUAS is empty"; fi
    for l in $langs; do
      f=$po/$l.po
      if [ ! -f "$f" ]; then not_ok "$l: $l.po missing"; continue; fi
      header=$(sed -n '/^msgid ""/,/^$/p' "$f")
      want=$(expected_nplurals "$l")
      got=$(grep -o 'nplurals=[0-9]*' <<<"$header" | head -1 | cut -d= -f2)
      if [ "$got" = "$want" ]; then ok "$l: nplurals=$got"; else not_ok "$l: nplurals is '${got:-unset}', expected $want"; fi
      if grep -q "\"Language: $l\\\\n\"" "$f"; then ok "$l: Language header"; else not_ok "$l: Language header is not '$l'"; fi
    done
    for f in "$po"/*.po; do
      [ -e "$f" ] || continue
      l=$(basename "$f" .po)
      if grep -qxF "$l" <<<"$langs"; then :; else not_ok "$l.po is not in LINGUAS"; fi
    done
    finish
    ;;

  check)
    for l in $(languages); do
      if out=$(msgfmt -c --check-format -o /dev/null "$po/$l.po" 2>&1); then
        ok "$l: msgfmt -c --check-format"
      else
        not_ok "$l: msgfmt -c --check-format"
        sed 's/^/# /' <<<"$out"
      fi
    done
    finish
    ;;

  lookup)
    build=$(realpath "${3:?build root}")
    # The build tree's po/ is laid out like a locale directory (<lang>/LC_MESSAGES/roster.mo).
    for l in $(languages); do
      mo=$build/po/$l/LC_MESSAGES/roster.mo
      if [ -s "$mo" ]; then ok "$l: roster.mo built"; else not_ok "$l: $mo missing"; continue; fi
      want=$(msggrep --no-wrap -K -F -e 'Window width' "$po/$l.po" | sed -n 's/^msgstr "\(.*\)"$/\1/p' | tail -1)
      if [ -z "$want" ]; then ok "$l: # SKIP 'Window width' not translated yet"; continue; fi
      got=$(env -u LC_MESSAGES -u LANG LC_ALL=C.UTF-8 LANGUAGE=$l TEXTDOMAINDIR=$build/po \
            gettext -d roster 'Window width')
      if [ "$got" = "$want" ] && [ "$got" != "Window width" ]; then
        ok "$l: 'Window width' is '$got' at run time"
      else
        not_ok "$l: 'Window width' looked up as '$got', expected '$want'"
      fi
    done
    finish
    ;;

  complete)
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/roster-i18n.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    # A template of the sources as they are now, with the arguments of meson's glib preset,
    # so that a catalog that was not merged after strings changed fails too.
    if ! (cd "$src" && xgettext --package-name=roster -o "$tmp/roster.pot" \
            --files-from=po/POTFILES.in --from-code=UTF-8 --add-comments \
            --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
            --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
            2>"$tmp/xgettext.log"); then
      not_ok "xgettext"; sed 's/^/# /' "$tmp/xgettext.log"; finish
    fi
    total=$(msgattrib --no-wrap "$tmp/roster.pot" | grep -c '^msgid ')
    ok "template has $((total - 1)) messages"
    for l in $(languages); do
      stats=$(msgfmt --statistics -o /dev/null "$po/$l.po" 2>&1)
      if out=$(msgcmp "$po/$l.po" "$tmp/roster.pot" 2>&1) && ! grep -qE 'fuzzy|untranslated' <<<"$stats"; then
        ok "$l: complete ($stats)"
      else
        missing=$(grep -cE 'used but not defined|is untranslated|is fuzzy' <<<"$out")
        not_ok "$l: incomplete: $stats; $missing messages of the sources lack a translation"
        grep -E 'used but not defined|is untranslated|is fuzzy' <<<"$out" | head -4 | sed 's/^/# /'
      fi
    done
    finish
    ;;

  *)
    echo "unknown sub-command $cmd" >&2
    exit 2
    ;;
esac
