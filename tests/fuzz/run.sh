#!/usr/bin/env bash
# run.sh - run each libFuzzer harness on a fresh copy of its seed corpus (make fuzz).
#
# usage: tests/fuzz/run.sh FUZZ_DIR SECONDS [RUNS]
#   FUZZ_DIR  where make built fuzz_idx, fuzz_pickle and fuzz_npz; the corpora are copied
#             to FUZZ_DIR/run/<name>/ (tests/fuzz/ itself is never written)
#   SECONDS   time per harness (-max_total_time)
#   RUNS      if given, stop each harness after this many executions instead
# The memory bound of the readers (tests/README.md: a weight file holds at most 32 MiB of
# arrays; no crafted run of a program exceeds 128 MiB) is the fuzzers' limit too: a single
# allocation over 128 MiB (-malloc_limit_mb) or a resident size over 128 MiB (-rss_limit_mb),
# an input running over 5 s, a crash, a sanitizer report or a leak fails the harness; the
# input is saved in FUZZ_DIR/run/<name>/artifacts/. Exit status 1 if any harness failed.
# ASan keeps freed memory in a quarantine (256 MB by default) to catch use after free; 16 MB
# of it catches the recent ones and leaves the resident size to the readers.
# The harnesses run FUZZ_JOBS at a time (default: one per core; each is one process).
set -u
dir=$1
secs=$2
runs=${3:-}
src=$(dirname "$0")
case $secs in ''|*[!0-9]*|0) echo "run.sh: SECONDS must be a positive integer, got '$secs'" >&2; exit 2;; esac
case $runs in *[!0-9]*) echo "run.sh: RUNS must be a positive integer, got '$runs'" >&2; exit 2;; esac

MEMORY_BOUND_MB=128
jobs_max=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs_max in ''|*[!0-9]*|0) echo "run.sh: FUZZ_JOBS must be a positive integer" >&2; exit 2;; esac
mkdir -p "$dir/run"
rm -f "$dir/run/failed"
# fuzz_one NAME: one harness on a fresh copy of its corpus; a failure leaves run/failed.
fuzz_one() {
    t=$1
    work=$dir/run/$t
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "$src/corpus/$t/"* "$work/corpus/"
    if [ -n "$runs" ]; then limit="-runs=$runs"; what="$runs executions"; else
        limit="-max_total_time=$secs"; what="${secs} s"; fi
    echo "fuzz_$t: $what on $(ls "$work/corpus" | wc -l) seeds (log: $work/log)"
    start=$(date +%s)
    ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16} \
    "$dir/fuzz_$t" "$limit" -rss_limit_mb=$MEMORY_BOUND_MB -malloc_limit_mb=$MEMORY_BOUND_MB -timeout=5 \
        -dict="$src/$t.dict" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
        "$work/corpus" >"$work/log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/log")
    if [ $rc -eq 0 ] && [ -n "$execs" ]; then
        echo "fuzz_$t: ok: $execs executions in $took s (peak RSS $peak MB), no crash, leak, timeout or out-of-memory"
    else
        touch "$dir/run/failed"
        echo "fuzz_$t: FAILED (exit $rc) after ${execs:-?} executions in $took s:" >&2
        grep -E '^(==[0-9]+==|SUMMARY|.*contract broken|.*ERROR)' "$work/log" | head -5 >&2
        echo "fuzz_$t: input saved in $work/artifacts/: $(ls "$work/artifacts")" >&2
        echo "fuzz_$t: replay with $dir/fuzz_$t $work/artifacts/<file>" >&2
    fi
}

for t in idx pickle npz mnist_cache; do
    fuzz_one "$t" &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n
    done
done
wait
[ -e "$dir/run/failed" ] && exit 1
exit 0
