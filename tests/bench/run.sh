#!/usr/bin/env bash
# make bench: C and NumPy side by side, in one run, alternating, on this machine.
# Usage: tests/bench/run.sh BUILD_DIR   (run from the project root by `make bench`)
# Environment:
#   WEIGHTS  the book's sample_weight.pkl (default ../shared/data/sample_weight.pkl)
#   BOOK     a clone of github.com/oreilly-japan/deep-learning-from-scratch: its own scripts
#            are timed too (default: ../deep-learning-from-scratch or /work/book/dlfs when
#            there; the rows are skipped with a message when there is none)
#   ROUNDS   rounds of the whole-process timings (default 5)
#   TRAIN=0  skip the trainings on the book's full schedules (chapter 4, about a minute;
#            chapter 7's SimpleConvNet, several minutes)
#   DEEP_FULL=1  also train DeepConvNet on the book's full schedule (about half an hour)
#   SKIP_CH06=1  skip the chapter 6 rows (the book's scripts: about 7 minutes)
#   STOP_AFTER=ch04  stop after the chapter 3 and 4 rows (a quick re-run after a change to
#            their kernels, common/nn/network*.c)
#   ONLY=conv  only the rows of chapters 7 and 8 (after a change to the convolution layers)
#   CONV_ROUNDS  rounds of chapter 7's iteration and inference, both sides (default 3)
# NumPy is measured as people install it, linked to OpenBLAS (pip's wheels; on Debian
# libopenblas0-pthread). The BLAS it really loaded is printed; when it is the reference BLAS
# the ratios against it are not NumPy's speed, so they are not printed as such.
set -euo pipefail
build=${1:-build}
rounds=${ROUNDS:-5}
weights=${WEIGHTS:-../shared/data/sample_weight.pkl}
mnist=data/mnist
timeit=$(cd "$build/bench" && pwd)/timeit
here=$(pwd)

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
# wall_run FILE CMD...: run CMD with its stdout in FILE; print its wall time in seconds.
wall_run() {
    local out=$1 t0 t1
    shift
    t0=$(date +%s.%N)
    "$@" >"$out" 2>/dev/null || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
last_acc() { grep 'train acc, test acc |' | tail -1 | sed 's/.*| //'; }

# The BLAS library NumPy has mapped, from its own /proc/self/maps.
blas_of_numpy() {
    numpy -c 'import numpy, sys
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if ("blas" in l or "mkl" in l) and "/" in l})
kind = "unknown"
if any("openblas" in p for p in libs): kind = "OpenBLAS"
elif any("mkl" in p for p in libs): kind = "MKL"
elif any("/blas/libblas" in p or p.endswith("/libblas.so.3") for p in libs): kind = "reference"
print(kind, " ".join(libs) or "(no BLAS library mapped)")'
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "C: $(${CC:-cc} --version | head -1), -O2, OpenMP, $(nproc) threads (--threads default: all cores)"
compare=0
if [ -z "$py" ]; then
    echo "numpy: not installed (apt-get install python3-numpy): C figures only"
else
    blas=$(blas_of_numpy)
    if [ "${blas%% *}" = reference ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "numpy: on the reference BLAS ($blas): installing libopenblas0-pthread, as \`make deps\` installs packages"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread >/dev/null || true
            blas=$(blas_of_numpy)
        fi
    fi
    echo "numpy: $(numpy -c 'import numpy; print(numpy.__version__)'), BLAS: ${blas}; OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset (all cores)}"
    case ${blas%% *} in
        OpenBLAS|MKL) compare=1 ;;
        reference)
            echo "numpy: WARNING: NumPy runs on the reference BLAS (Debian's libblas3), far slower than"
            echo "       NumPy as pip installs it; its times are shown but no ratio is taken. Install"
            echo "       OpenBLAS as root: apt-get install libopenblas0-pthread (or run make bench as root)" ;;
        *) echo "numpy: cannot tell which BLAS NumPy uses: its times are shown but no ratio is taken" ;;
    esac
fi
# "ratio: ..." only against NumPy on an optimized BLAS.
say_ratio() {   # say_ratio WHAT NUMPY_SECONDS C_SECONDS
    if [ "$compare" = 1 ]; then echo "ratio: C is $(ratio "$2" "$3")x faster than $1"
    else echo "ratio: not taken ($1 is not on an optimized BLAS)"; fi
}

# The book's clone, for its own scripts.
book=""
for cand in "${BOOK:-}" ../deep-learning-from-scratch; do
    if [ -n "$cand" ] && [ -f "$cand/ch03/neuralnet_mnist_batch.py" ] && [ -f "$cand/dataset/mnist.py" ]; then
        book=$(cd "$cand" && pwd)
        break
    fi
done
if [ -z "$py" ]; then book=""; fi
if [ -n "$book" ]; then
    echo "book: $book (the book's own scripts, run in place with $py)"
    # load_mnist downloads MNIST when dataset/ lacks it: never let a benchmark do that.
    if [ ! -f "$book/dataset/mnist.pkl" ] && ! ls "$book"/dataset/*-ubyte.gz >/dev/null 2>&1; then
        echo "book: $book/dataset has neither mnist.pkl nor the MNIST .gz files: its rows are skipped"
        book=""
    fi
else
    echo "book: no clone found (BOOK=/path/to/deep-learning-from-scratch): the book's-script rows are skipped"
fi
run_book() { (cd "$book" && numpy "$here/tests/bench/run_book.py" "$@"); }

# Warm caches on both sides: our build/cache/mnist, the book's dataset/mnist.pkl.
"$build/bin/ch03_mnist" --weights "$weights" --out "$build/bench" >/dev/null 2>&1 || true
if [ -n "$book" ]; then run_book ch03/neuralnet_mnist_batch.py >/dev/null 2>&1 || true; fi

if [ "${ONLY:-}" != conv ]; then          # ---- chapters 3 to 6 (ONLY=conv skips them) ----
if [ ! -f "$weights" ]; then
    echo "ch03_mnist: skipped: $weights not found (WEIGHTS=FILE to point at sample_weight.pkl)"
else
    echo
    echo "== ch03_mnist: whole process, $rounds rounds alternating (median wall time, peak memory)"
    echo "   C does 3.6.2 (one by one) and 3.6.3 (batched); the NumPy scripts only 3.6.3"
    c_times=() c_mem=() np_times=() np_mem=() bk_times=() bk_mem=()
    for _ in $(seq "$rounds"); do
        r=$($timeit "$build/bin/ch03_mnist" --weights "$weights" --out "$build/bench")
        c_times+=("$(echo "$r" | field seconds)") c_mem+=("$(echo "$r" | field maxrss_mib)")
        if [ -n "$book" ]; then
            r=$(cd "$book" && $timeit env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/tests/bench/run_book.py" ch03/neuralnet_mnist_batch.py)
            bk_times+=("$(echo "$r" | field seconds)") bk_mem+=("$(echo "$r" | field maxrss_mib)")
        fi
        if [ -n "$py" ]; then
            r=$($timeit env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" tests/bench/mnist_numpy.py "$mnist" "$weights")
            np_times+=("$(echo "$r" | field seconds)") np_mem+=("$(echo "$r" | field maxrss_mib)")
        fi
    done
    c=$(printf '%s\n' "${c_times[@]}" | median)
    echo "C     ch03_mnist (MNIST cache warm):                    ${c} s, peak $(printf '%s\n' "${c_mem[@]}" | median) MiB"
    if [ -n "$book" ]; then
        b=$(printf '%s\n' "${bk_times[@]}" | median)
        echo "NumPy the book's ch03/neuralnet_mnist_batch.py (mnist.pkl warm): ${b} s, peak $(printf '%s\n' "${bk_mem[@]}" | median) MiB"
        say_ratio "the book's script" "$b" "$c"
    fi
    if [ -n "$py" ]; then
        n=$(printf '%s\n' "${np_times[@]}" | median)
        echo "NumPy tests/bench/mnist_numpy.py (lean, reads the .gz): ${n} s, peak $(printf '%s\n' "${np_mem[@]}" | median) MiB"
        say_ratio "the lean script" "$n" "$c"
    fi

    echo
    echo "== ch03_mnist: predict alone, 10,000 images, batch 100 (best of 7), the book's float32"
    c1=$("$build/bench/bench_predict" "$mnist" "$weights" 1)
    cp=$("$build/bench/bench_predict" "$mnist" "$weights" 0)
    cb=$(echo "$cp" | field predict_seconds)
    echo "C     $(nproc) threads: ${cb} s (one by one: $(echo "$cp" | field one_by_one_seconds) s); 1 thread: $(echo "$c1" | field predict_seconds) s ($(echo "$cp" | sed -n 's/.*arithmetic=\([a-z0-9]*\).*/\1/p'))"
    if [ -n "$py" ]; then
        np=$(numpy tests/bench/mnist_numpy.py "$mnist" "$weights" --time-predict 2>&1 >/dev/null | field predict_seconds)
        echo "NumPy the book's predict, batch 100 (float32):  ${np} s"
        say_ratio NumPy "$np" "$cb"
    fi
fi

echo
echo "== chapter 4 training, the book's schedule (784-50-10, 10,000 iterations of batch 100, lr 0.1,"
echo "   train and test accuracy every epoch, seed 0), whole process, one run each"
if [ "${TRAIN:-1}" = 0 ]; then
    echo "skipped (TRAIN=0)"
else
    tmp=$(mktemp)
    c_train=$(wall_run "$tmp" "$build/bin/ch04_two_layer_net" --time --out "$build/bench")
    echo "C     ch04_two_layer_net --seed 0: ${c_train} s whole process (training loop" \
         "$(tail -1 "$tmp" | sed -n 's/^seconds \([0-9.]*\) .*/\1/p') s); final train, test acc: $(last_acc <"$tmp")"
    if [ -n "$book" ]; then
        bk_train=$(cd "$book" && wall_run "$tmp" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/tests/bench/run_book.py" ch04/train_neuralnet.py --seed 0)
        echo "NumPy the book's ch04/train_neuralnet.py, np.random.seed(0): ${bk_train} s whole process; final train, test acc: $(last_acc <"$tmp")"
        say_ratio "the book's script" "$bk_train" "$c_train"
    fi
    rm -f "$tmp"
    if [ -n "$py" ]; then
        r=$($timeit env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" tests/bench/train_numpy.py "$mnist")
        np_train=$(echo "$r" | field seconds)
        echo "NumPy tests/bench/train_numpy.py (lean, reads the .gz): ${np_train} s whole process"
        say_ratio "the lean script" "$np_train" "$c_train"
    fi
fi

if [ "${STOP_AFTER:-}" = ch04 ]; then
    echo
    echo "(STOP_AFTER=ch04: the rows of chapters 5 to 8 are not run)"
    exit 0
fi

# ---- chapter 6: the book's own scripts (BOOK = a clone of the book's code) ----------------
echo
if [ "${SKIP_CH06:-0}" = 1 ]; then
    echo "== ch06: skipped (SKIP_CH06=1)"
elif [ -z "$py" ] || [ ! -f "$book/ch06/optimizer_compare_mnist.py" ]; then
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

fi                                        # ---- end of chapters 3 to 6 ----

echo
echo "== ch07 SimpleConvNet: one training iteration (batch 100: gradient + Adam update, median of 20)"
echo "   and the test-set inference (network.accuracy, 10,000 images in batches of 100);"
echo "   ${CONV_ROUNDS:=3} rounds, C then NumPy in each, and the median round of each side (this"
echo "   virtual machine's speed wanders by a quarter from minute to minute)"
have_np=0
if [ -z "$py" ]; then
    echo "NumPy skipped: no python3 with NumPy"
elif [ ! -f "$book/ch07/simple_convnet.py" ]; then
    echo "NumPy skipped: the book's code not found at $book (BOOK=path to a clone of"
    echo "      github.com/oreilly-japan/deep-learning-from-scratch)"
else
    have_np=1
fi
: > "$build/bench/ch07_c" ; : > "$build/bench/ch07_np"
for r in $(seq "$CONV_ROUNDS"); do
    c_line=$("$build/bench/bench_convnet" "$mnist" --iters 20)
    echo "C     round $r: $c_line"
    echo "$c_line" >> "$build/bench/ch07_c"
    if [ $have_np = 1 ]; then
        np_line=$(numpy tests/bench/convnet_numpy.py "$book" "$mnist" --iters 20)
        echo "NumPy round $r: $np_line"
        echo "$np_line" >> "$build/bench/ch07_np"
    fi
done
c_iter=$(field iter_seconds < "$build/bench/ch07_c" | median)
c_acc=$(field accuracy_seconds < "$build/bench/ch07_c" | median)
echo "C     iteration ${c_iter} s, inference ${c_acc} s ($(sed -n '1s/.*\(threads=[0-9]*\).*/\1/p' "$build/bench/ch07_c"); medians)"
echo "      the book's 12,000 iterations at this speed: $(awk -v s="$c_iter" 'BEGIN { printf "%.0f", 12000 * s }') s"
if [ $have_np = 1 ]; then
    np_iter=$(sed -n 's/.*iter_seconds \([0-9.]*\).*/\1/p' "$build/bench/ch07_np" | median)
    np_acc=$(sed -n 's/.*accuracy_seconds \([0-9.]*\).*/\1/p' "$build/bench/ch07_np" | median)
    echo "NumPy iteration ${np_iter} s, inference ${np_acc} s (the book's SimpleConvNet and Adam)"
    echo "ratio: C is $(ratio "$np_iter" "$c_iter")x faster per iteration, $(ratio "$np_acc" "$c_acc")x on the inference"
fi

echo
echo "== ch07_train_convnet: the book's full schedule (20 epochs, 12,000 iterations, Adam), whole"
echo "   process, seed 0; the weights it saves against our committed data/weights/simple_convnet.npz"
if [ "${TRAIN:-1}" = 0 ]; then
    echo "skipped (TRAIN=0)"
else
    tmp=$(mktemp -d)
    c_full=$(wall_run "$tmp/out" "$build/bin/ch07_train_convnet" --quiet --save "$tmp/simple_convnet.npz" --out "$tmp")
    echo "C     ch07_train_convnet --quiet: ${c_full} s whole process; $(grep '^test acc' "$tmp/out" | tail -1)"
    if cmp -s "$tmp/simple_convnet.npz" data/weights/simple_convnet.npz; then
        echo "      its weights are data/weights/simple_convnet.npz byte for byte"
    else
        echo "      its weights DIFFER from data/weights/simple_convnet.npz"
    fi
    if [ -n "${np_iter:-}" ]; then
        echo "NumPy the book's 12,000 iterations at its measured speed above: $(awk -v s="$np_iter" 'BEGIN { printf "%.0f", 12000 * s }') s (iterations only)"
    fi
    rm -rf "$tmp"
fi

if [ "${ONLY:-}" != conv ]; then          # ---- chapter 5 and the GEMM table ----
echo
echo "== ch05_train_neuralnet: the book's schedule (784-50-10 ReLU TwoLayerNet, 10,000 iterations of"
echo "   batch 100, lr 0.1, train and test accuracy every epoch), --seed 0 against the book's own"
echo "   ch05/train_neuralnet.py after np.random.seed(0); whole process, MNIST loading included"
if [ -z "$book" ] || [ ! -f "$book/ch05/train_neuralnet.py" ] || [ ! -f "$book/dataset/mnist.pkl" ]; then
    echo "NumPy side skipped: set BOOK=/path/to/deep-learning-from-scratch (a clone of the book's"
    echo "  code whose dataset/ holds mnist.pkl, so it does not download), e.g. BOOK=~/dlfs make bench"
fi
tmp=$(mktemp -d)
t0=$(date +%s.%N)
"$build/bin/ch05_train_neuralnet" --seed 0 --out "$tmp" > "$tmp/c.out"
t1=$(date +%s.%N)
c_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "C     ch05_train_neuralnet --seed 0 (threads: all cores): ${c_s} s, last line: $(grep -v '^data' "$tmp/c.out" | tail -1)"
if [ -n "$py" ] && [ -n "$book" ] && [ -f "$book/ch05/train_neuralnet.py" ] && [ -f "$book/dataset/mnist.pkl" ]; then
    t0=$(date +%s.%N)
    numpy tests/bench/book_seeded.py "$book" ch05/train_neuralnet.py 0 > "$tmp/np.out" 2> "$tmp/np.err"
    t1=$(date +%s.%N)
    np_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    echo "NumPy book's train_neuralnet.py ($(sed -n 's/.*blas //p' "$tmp/np.err")): ${np_s} s, last line: $(tail -1 "$tmp/np.out")"
    echo "ratio: C is $(ratio "$np_s" "$c_s")x faster"
    t0=$(date +%s.%N)
    OPENBLAS_NUM_THREADS=1 numpy tests/bench/book_seeded.py "$book" ch05/train_neuralnet.py 0 > /dev/null 2>&1
    t1=$(date +%s.%N)
    np1_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    echo "NumPy the same, OPENBLAS_NUM_THREADS=1: ${np1_s} s (OpenBLAS's threads cost more than they give on these small products)"
    echo "ratio: C is $(ratio "$np1_s" "$c_s")x faster than one-thread NumPy"
    if diff <(grep -v '^data' "$tmp/c.out") "$tmp/np.out" > /dev/null; then
        echo "accuracy lines: all $(wc -l < "$tmp/np.out") identical"
    else
        echo "accuracy lines DIFFER:"; diff <(grep -v '^data' "$tmp/c.out") "$tmp/np.out" || true
    fi
fi
rm -rf "$tmp"
echo
echo "== GEMM (kernels/gemm.c): GFLOP/s on the book's shapes beside NumPy's np.dot, 1 and 2 threads"
echo "   (chapter 4's Affine at batch 100 and its backward products, chapter 7's im2col products, square 1024)"
tests/bench/gemm_bench.sh "$build/bench/bench_gemm"
fi                                        # ---- end of chapter 5 and the GEMM table ----

echo
echo "== ch08 DeepConvNet (book 8.1): inference on the 10,000 test images (batches of 100) and one"
echo "   training iteration (batch 100: gradient, Adam update, loss), median of ${DEEP_ITERS:=5}"
deep_weights=${DEEP_WEIGHTS:-../shared/data/book2016/ch08_deep_convnet_params.pkl}
[ -f "$deep_weights" ] || deep_weights=""      # the speed does not depend on the weights
c_line=$("$build/bench/bench_deep_convnet" "$mnist" "$deep_weights" "$DEEP_ITERS")
echo "$c_line" | sed 's/^/C     /'
if [ -z "$py" ]; then
    echo "NumPy: skipped (no NumPy)"
elif deep_book=$book; [ ! -f "$deep_book/ch08/deep_convnet.py" ]; then
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

if [ "${DEEP_FULL:-0}" = 1 ]; then
    echo
    echo "== ch08_train_deepnet: the book's full schedule (20 epochs, 12,000 iterations), whole process"
    tmp=$(mktemp -d)
    c_full=$(wall_run "$tmp/out" "$build/bin/ch08_train_deepnet" --save "$tmp/deep_convnet.npz")
    echo "C     ch08_train_deepnet: ${c_full} s whole process; $(grep '^test acc' "$tmp/out" | tail -1)"
    if cmp -s "$tmp/deep_convnet.npz" data/weights/deep_convnet.npz; then
        echo "      its weights are data/weights/deep_convnet.npz byte for byte"
    else
        echo "      its weights DIFFER from data/weights/deep_convnet.npz"
    fi
    rm -rf "$tmp"
fi
