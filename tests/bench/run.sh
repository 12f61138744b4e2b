#!/usr/bin/env bash
# make bench: C and NumPy side by side, in one run, alternating, on this machine.
# Usage: tests/bench/run.sh BUILD_DIR   (run from the project root by `make bench`)
# Environment: WEIGHTS (default ../shared/data/sample_weight.pkl), ROUNDS (default 5).
set -euo pipefail
build=${1:-build}
rounds=${ROUNDS:-5}
weights=${WEIGHTS:-../shared/data/sample_weight.pkl}
mnist=data/mnist
timeit=$build/bench/timeit

# A python3 with NumPy: Debian's python3-numpy lives with /usr/bin/python3.
py=""
for cand in /usr/bin/python3 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import numpy' 2>/dev/null; then
        py=$cand
        break
    fi
done
# OpenBLAS tuning variables set on some machines slow a current NumPy; unset them for it.
numpy() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$@"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(${CC:-cc} --version | head -1)"
[ -n "$py" ] && echo "numpy: $(numpy -c 'import numpy; print(numpy.__version__)')" \
             || echo "numpy: not installed (apt-get install python3-numpy): C figures only"

if [ ! -f "$weights" ]; then
    echo "ch03_mnist: skipped: $weights not found (WEIGHTS=FILE to point at sample_weight.pkl)"
else
    echo
    echo "== ch03_mnist: whole process, $rounds rounds alternating (median wall time, peak memory)"
    c_times=() c_mem=() np_times=() np_mem=()
    for _ in $(seq "$rounds"); do
        r=$($timeit "$build/bin/ch03_mnist" --weights "$weights" --out "$build/bench")
        c_times+=("$(echo "$r" | field seconds)") c_mem+=("$(echo "$r" | field maxrss_mib)")
        if [ -n "$py" ]; then
            r=$($timeit env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" tests/bench/mnist_numpy.py "$mnist" "$weights")
            np_times+=("$(echo "$r" | field seconds)") np_mem+=("$(echo "$r" | field maxrss_mib)")
        fi
    done
    c=$(printf '%s\n' "${c_times[@]}" | median)
    echo "C     ch03_mnist (one by one + batched): ${c} s, peak $(printf '%s\n' "${c_mem[@]}" | median) MiB"
    if [ -n "$py" ]; then
        n=$(printf '%s\n' "${np_times[@]}" | median)
        echo "NumPy mnist_numpy.py (batched):         ${n} s, peak $(printf '%s\n' "${np_mem[@]}" | median) MiB"
        echo "ratio: C is $(ratio "$n" "$c")x faster"
    fi

    echo
    echo "== ch03_mnist: predict alone, 10,000 images (best of 5), C on one thread"
    cp=$("$build/bench/bench_predict" "$mnist" "$weights")
    cb=$(echo "$cp" | field predict_seconds)
    echo "C     batched (100): ${cb} s; one by one: $(echo "$cp" | field one_by_one_seconds) s"
    if [ -n "$py" ]; then
        np=$(numpy tests/bench/mnist_numpy.py "$mnist" "$weights" --time-predict 2>&1 >/dev/null | field predict_seconds)
        echo "NumPy batched (100): ${np} s"
        echo "ratio: C is $(ratio "$np" "$cb")x faster"
    fi
fi

echo
echo "== ch04_two_layer_net: the book's schedule (784-50-10, 10,000 iterations of batch 100, lr 0.1,"
echo "   train and test accuracy every epoch), training loop time (data loading excluded), one run each"
c_line=$("$build/bin/ch04_two_layer_net" --time --out "$build/bench" | tail -1)
c_train=$(echo "$c_line" | sed -n 's/^seconds \([0-9.]*\) .*/\1/p')
echo "C     $c_line"
if [ -n "$py" ]; then
    np_line=$(numpy tests/bench/train_numpy.py "$mnist" | tail -1)
    np_train=$(echo "$np_line" | sed -n 's/^seconds \([0-9.]*\) .*/\1/p')
    echo "NumPy $np_line"
    echo "ratio: C is $(ratio "$np_train" "$c_train")x faster"
fi

# ---- chapter 6: the book's own scripts (BOOK = a clone of the book's code) ----------------
book=${BOOK:-/work/book/dlfs}
echo
if [ -z "$py" ] || [ ! -f "$book/ch06/optimizer_compare_mnist.py" ]; then
    echo "== ch06: skipped: needs NumPy and the book's code in BOOK=$book (BOOK=DIR to point at a clone)"
else
    for prog in "optimizer_compare_mnist|--iters 2000|4 optimizers x 2000 iterations, 5-layer net, batch 128" \
                "hyperparameter_optimization|--trials 100 --epochs 50|100 trials x 50 epochs, 7-layer net"; do
        IFS='|' read -r name args what <<<"$prog"
        echo "== ch06_$name: the book's schedule ($what), whole process (wall), one run each, seed 0"
        t0=$(date +%s.%N)
        "$build/bin/ch06_$name" $args --out "$build/bench" > "$build/bench/ch06_$name.c.out"
        c=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
        echo "C     ch06_$name $args: ${c} s"
        t0=$(date +%s.%N)
        numpy tests/bench/book_script.py "$book" "$name.py" 0 2>/dev/null > "$build/bench/ch06_$name.numpy.out"
        n=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
        echo "NumPy $book/ch06/$name.py (np.random.seed(0)): ${n} s"
        same=$({ grep -vxFf "$build/bench/ch06_$name.c.out" "$build/bench/ch06_$name.numpy.out" || true; } | wc -l)
        echo "lines NumPy prints that C does not print identically: $same of $(wc -l < "$build/bench/ch06_$name.numpy.out") (last digits of losses: summation order)"
        echo "ratio: C is $(ratio "$n" "$c")x faster"
    done
fi


echo
echo "== ch07 SimpleConvNet: one training iteration (batch 100: gradient + Adam update, median of 20)"
echo "   and the test-set inference (network.accuracy, 10,000 images in batches of 100)"
c_line=$("$build/bench/bench_convnet" "$mnist" --iters 20)
c_iter=$(echo "$c_line" | field iter_seconds)
c_acc=$(echo "$c_line" | field accuracy_seconds)
echo "C     iteration ${c_iter} s, inference ${c_acc} s ($(echo "$c_line" | sed -n 's/.*\(threads=[0-9]*\).*/\1/p'))"
echo "      the book's 12,000 iterations at this speed: $(awk -v s="$c_iter" 'BEGIN { printf "%.0f", 12000 * s }') s"
book=${BOOK:-../book/dlfs}
if [ -z "$py" ]; then
    echo "NumPy skipped: no python3 with NumPy"
elif [ ! -f "$book/ch07/simple_convnet.py" ]; then
    echo "NumPy skipped: the book's code not found at $book (BOOK=path to a clone of"
    echo "      github.com/oreilly-japan/deep-learning-from-scratch)"
else
    np_line=$(numpy tests/bench/convnet_numpy.py "$book" "$mnist" --iters 20)
    np_iter=$(echo "$np_line" | sed -n 's/.*iter_seconds \([0-9.]*\).*/\1/p')
    np_acc=$(echo "$np_line" | sed -n 's/.*accuracy_seconds \([0-9.]*\).*/\1/p')
    echo "NumPy iteration ${np_iter} s, inference ${np_acc} s (the book's SimpleConvNet and Adam)"
    echo "ratio: C is $(ratio "$np_iter" "$c_iter")x faster per iteration, $(ratio "$np_acc" "$c_acc")x on the inference"
fi
echo
echo "== GEMM (kernels/gemm.c): GFLOP/s on the book's shapes beside NumPy's np.dot, 1 and 2 threads"
echo "   (chapter 4's Affine at batch 100 and its backward products, chapter 7's im2col products, square 1024)"
tests/bench/gemm_bench.sh "$build/bench/bench_gemm"

echo
echo "== ch08 DeepConvNet (book 8.1): inference on the 10,000 test images (batches of 100) and one"
echo "   training iteration (batch 100: gradient, Adam update, loss), median of ${DEEP_ITERS:=5}"
deep_weights=${DEEP_WEIGHTS:-../shared/data/book2016/ch08_deep_convnet_params.pkl}
[ -f "$deep_weights" ] || deep_weights=""      # the speed does not depend on the weights
c_line=$("$build/bench/bench_deep_convnet" "$mnist" "$deep_weights" "$DEEP_ITERS")
echo "$c_line" | sed 's/^/C     /'
if [ -z "$py" ]; then
    echo "NumPy: skipped (no NumPy)"
elif deep_book=${BOOK:-../book/dlfs}; [ ! -f "$deep_book/ch08/deep_convnet.py" ]; then
    echo "NumPy: skipped: the book's code is not in BOOK=$deep_book (BOOK=DIR: a clone of github.com/oreilly-japan/deep-learning-from-scratch)"
else
    np_line=$(numpy tests/bench/deep_convnet_numpy.py "$deep_book" "$mnist" "$deep_weights" 3)
    echo "$np_line" | sed 's/^/NumPy /'
    np_inf=$(echo "$np_line" | field inference_seconds)
    echo "ratio: inference: C is $(ratio "$np_inf" "$(echo "$c_line" | field inference_seconds)")x faster (float64, the Net's layers),"\
         "$(ratio "$np_inf" "$(echo "$c_line" | field inference_fast_seconds)")x (float64 fast path),"\
         "$(ratio "$np_inf" "$(echo "$c_line" | field inference_f32_seconds)")x (float32);"\
         "training iteration: $(ratio "$(echo "$np_line" | field train_iter_seconds)" "$(echo "$c_line" | field train_iter_seconds)")x faster"
fi
