#!/bin/bash
# Runs the libFuzzer targets of tests/fuzz for a given time each.
#
#   tools/fuzz.sh [seconds] [target…]     (default: 600 s, every target)
#
# Builds build-fuzz (clang, ASan + UBSan, -Dfuzzing=true) when needed. New
# inputs go to $ROSTER_FUZZ_WORKDIR/<target>/ (default build-fuzz/fuzz-work), the
# seed corpus in tests/fuzz/corpus/<target>/ is only read. A crash leaves its
# input in that work dir (crash-*); add a minimal reproducer to the seed corpus.
# Prints, per target, the final execs/s and coverage (cov: / ft:).
# ROSTER_FUZZ_JOBS=N runs N targets at a time (default 1).
# Leaks: libFuzzer's per-input leak check reports GLib and json-glib state that is
# allocated on first use as leaks, so it is off here (ROSTER_FUZZ_LEAKS=1 turns it
# on); the replay tests (suite fuzz-replay) check the corpora for leaks in the
# sanitizer build of tools/test.sh, with LeakSanitizer at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
builddir=${ROSTER_FUZZ_BUILDDIR:-build-fuzz}
workdir=${ROSTER_FUZZ_WORKDIR:-$builddir/fuzz-work}
jobs=${ROSTER_FUZZ_JOBS:-1}

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dgui=false -Dbenchmarks=false
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for d in tests/fuzz/corpus/*/; do
    t=$(basename "$d")
    [ -f "tests/fuzz/fuzz-$t.c" ] && targets+=("$t")
  done
fi

ninja -C "$builddir" $(for t in "${targets[@]}"; do echo "tests/fuzz/fuzz-$t"; done)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
export G_SLICE=always-malloc G_DEBUG=gc-friendly

run_one () {
  local t=$1 dir=$workdir/$1 rc=0
  mkdir -p "$dir/corpus"
  "$builddir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -rss_limit_mb=2048 -detect_leaks="${ROSTER_FUZZ_LEAKS:-0}" -print_final_stats=1 -artifact_prefix="$dir/" \
    "$dir/corpus" "tests/fuzz/corpus/$t" >"$dir/log" 2>&1 || rc=$?
  local last execs
  last=$(grep -E '^#[0-9]+.*cov:' "$dir/log" | tail -1 || true)
  execs=$(grep -E '^stat::average_exec_per_sec' "$dir/log" | awk '{print $2}' || true)
  if [ $rc -eq 0 ]; then
    echo "$t: ok, ${execs:-?} execs/s; $last"
  else
    echo "$t: FAILED (exit $rc), see $dir/log and $dir/crash-* ; $last"
  fi
  return $rc
}

rc=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || rc=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do
  wait "$p" || rc=1
done
exit $rc
