#!/usr/bin/env bash
# gemm_bench.sh - make bench-gemm (and the last part of make bench): GFLOP/s of our GEMM
# (kernels/gemm.c, timed by bench_gemm) beside NumPy's np.dot (its BLAS, timed by
# gemm_numpy.py) on the book's shapes, 1 and 2 threads, float64 and float32, one table.
#
# Usage: tests/bench/gemm_bench.sh BENCH_GEMM_BINARY   (from the project root)
# Environment: GEMM_SECONDS (default 0.3): time per measurement (the best call is kept).
# A ratio is printed only when NumPy runs on an optimized BLAS (OpenBLAS, MKL, BLIS); on
# Debian's reference BLAS the NumPy column says so instead (it would flatter C).
set -euo pipefail
bench=$1
seconds=${GEMM_SECONDS:-0.3}

py=""
for cand in /usr/bin/python3 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import numpy' 2>/dev/null; then
        py=$cand
        break
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dlfs-gemm-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "note: load average $load on $(nproc) cores: other programs are running, the 2-thread figures"
    echo "      suffer most (OpenMP threads spin while they wait; OMP_WAIT_POLICY=passive helps on a busy machine)"
fi
"$bench" --seconds "$seconds" > "$tmp/c"
echo "C:     kernels/gemm.c, $(sed -n 's/^isa=//p' "$tmp/c") micro-kernel, OpenMP threads as listed"

label="" ratio_ok=0
if [ -z "$py" ]; then
    echo "NumPy: not installed (apt-get install python3-numpy): C figures only"
else
    : > "$tmp/np"
    for t in 1 2; do
        # OpenBLAS tuning variables set on some machines slow a current NumPy: unset them.
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" tests/bench/gemm_numpy.py "$t" "$seconds" >> "$tmp/np"
    done
    kind=$(sed -n 's/^blas_kind=\([a-z]*\) .*/\1/p' "$tmp/np" | head -1)
    blas=$(sed -n 's/^blas_kind=[a-z]* blas=//p' "$tmp/np" | head -1)
    case $kind in
    openblas) label=OpenBLAS ratio_ok=1 ;;
    mkl)      label=MKL ratio_ok=1 ;;
    blis)     label=BLIS ratio_ok=1 ;;
    reference) label=ref.BLAS ;;
    *)        label=NumPy ;;
    esac
    echo "NumPy: $("$py" -c 'import numpy; print(numpy.__version__)'), np.dot on $blas ($kind)"
    if [ $ratio_ok = 0 ]; then
        echo "NumPy's np.dot runs on the $kind BLAS, not an optimized one: no ratio is reported (it"
        echo "would flatter C). NumPy as pip installs it uses OpenBLAS; on Debian: apt-get install libopenblas0-pthread"
    fi
fi

echo
printf '%-27s %7s %7s %10s %10s %6s\n' shape threads dtype "C GFLOP/s" "${label:-NumPy} GF/s" ratio
awk -v ratio_ok=$ratio_ok '
    function field(name,   i, kv) {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
        return ""
    }
    FNR == 1 { file++ }
    /^shape=/ {
        key = field("shape") " " field("threads") " " field("dtype")
        if (file == 1) { order[++n] = key; c[key] = field("gflops") }
        else np[key] = field("gflops")
    }
    END {
        for (i = 1; i <= n; i++) {
            key = order[i]; split(key, k, " ")
            if (!(key in np)) printf "%-27s %7s %7s %10.1f %10s %6s\n", k[1], k[2], k[3], c[key], "-", "-"
            else if (!ratio_ok) printf "%-27s %7s %7s %10.1f %10.1f %6s\n", k[1], k[2], k[3], c[key], np[key], "-"
            else printf "%-27s %7s %7s %10.1f %10.1f %5.2fx\n", k[1], k[2], k[3], c[key], np[key], c[key] / np[key]
        }
    }' "$tmp/c" "$( [ -s "$tmp/np" ] 2>/dev/null && echo "$tmp/np" || echo /dev/null)"
echo "(ratio = C / NumPy: above 1, C is faster; each figure is the fastest of ${seconds} s of calls)"
