#!/usr/bin/env bash
# memcheck.sh - run every chapter program under valgrind: 0 errors and 0 leaks (make memcheck).
#
# usage: tests/memcheck.sh BIN_DIR CHAPTER...   (from the project root; BIN_DIR is a normal,
#        non-sanitizer build such as build/bin)
# Long runs are kept short: the MNIST chapters read a small copy of data/mnist (the first
# 100 training and 100 test images, header counts rewritten); ch04_two_layer_net trains
# for 3 iterations, runs its gradient check, and one step of numerical training; the
# chapter 6 trainings run a few steps or epochs; ch07_train_convnet 3 steps of 10 images, whose
# parameters the other ch07 programs read. ch03_mnist needs the book's weights (data/sample_weight.pkl or
# ../shared/data/sample_weight.pkl) and is skipped with a message without them; so do the
# chapter 8 inference programs without DeepConvNet weights (ch08_train_deepnet: 1 iteration).
# Every block still allocated at exit counts as a leak (--errors-for-leak-kinds=all), except
# the OpenMP runtime's own (tests/memcheck.supp says which).
# The checks run MEMCHECK_JOBS at a time (default: one per core; valgrind runs a program on
# one core), the longest first, each with its own output directory; a line per check is
# printed as it ends.
set -u
# Valgrind runs one thread at a time, so an OpenMP thread spinning at a barrier (OpenMP's
# default) holds the one "core" the thread it waits for needs: ch07_gradient_check took 201 s
# that way and 5 s with waiting threads asleep. The results are the same either way.
export OMP_WAIT_POLICY=passive
bin=$1
shift
supp=$(dirname "$0")/memcheck.supp
command -v valgrind >/dev/null || { echo "memcheck: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dlfs-memcheck-XXXXXX")   # shown as T below
trap 'rm -rf "$tmp"' EXIT

# The first N items of an IDX file (gzip), with the count in its header set to N.
head_idx() {  # head_idx SRC.gz DST HEADER_BYTES ITEM_BYTES N
    src=$1 dst=$2 header=$3 item=$4 n=$5
    gunzip -c "$src" | head -c 4 > "$dst"                       # magic
    printf "\\$(printf %03o $((n >> 24 & 255)))\\$(printf %03o $((n >> 16 & 255)))" >> "$dst"
    printf "\\$(printf %03o $((n >> 8 & 255)))\\$(printf %03o $((n & 255)))" >> "$dst"   # count
    gunzip -c "$src" | head -c "$header" | tail -c +9 >> "$dst"  # rows, cols
    gunzip -c "$src" | tail -c +$((header + 1)) | head -c $((item * n)) >> "$dst"
}
small=$tmp/mnist
tiny=$tmp/mnist10     # 10 images: DeepConvNet under valgrind costs seconds per image
mkdir -p "$small" "$tiny" "$tmp/out"
have_data=1
for split in train t10k; do
    img=data/mnist/$split-images-idx3-ubyte.gz lbl=data/mnist/$split-labels-idx1-ubyte.gz
    if [ -f "$img" ] && [ -f "$lbl" ]; then
        head_idx "$img" "$small/$split-images-idx3-ubyte" 16 784 100
        head_idx "$lbl" "$small/$split-labels-idx1-ubyte" 8 1 100
        head_idx "$img" "$tiny/$split-images-idx3-ubyte" 16 784 10
        head_idx "$lbl" "$tiny/$split-labels-idx1-ubyte" 8 1 10
    else
        have_data=0
    fi
done
weights=
for w in data/sample_weight.pkl ../shared/data/sample_weight.pkl; do
    [ -f "$w" ] && { weights=$w; break; }
done
deep=      # DeepConvNet weights for the chapter 8 programs: the book's, else ours
for w in data/deep_convnet_params.pkl ../shared/data/book2016/ch08_deep_convnet_params.pkl \
         data/weights/deep_convnet.npz; do
    [ -f "$w" ] && { deep=$w; break; }
done

jobs_max=${MEMCHECK_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs_max in ''|*[!0-9]*|0) echo "memcheck: MEMCHECK_JOBS must be a positive integer" >&2; exit 2;; esac
checks=0
# check NAME ARGS...: run bin/NAME under valgrind, in the background; it must exit 0 and
# valgrind report nothing. Arguments under T/out are moved to this check's own T/out.<n>.
check() {
    name=$1
    shift
    checks=$((checks + 1))
    local id=$checks args=() a
    for a in "$@"; do
        args+=("${a/#"$tmp/out"/"$tmp/out.$id"}")
    done
    mkdir -p "$tmp/out.$id"
    (
        shown=$(echo "$*" | sed "s|$tmp|T|g")
        log=$tmp/$id.valgrind
        start=$(date +%s)
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --suppressions="$supp" --error-exitcode=99 --log-file="$log" "$bin/$name" "${args[@]}" \
            > "$tmp/$id.out" 2>&1
        rc=$?
        took=$(( $(date +%s) - start ))
        if [ $rc -eq 0 ] && [ ! -s "$log" ]; then
            echo "memcheck $name $shown: ok, 0 errors, 0 leaks ($took s)"
        else
            touch "$tmp/failed"
            { echo "memcheck $name $shown: FAILED (exit $rc; 99 = valgrind errors)"
              cat "$log" "$tmp/$id.out" | head -40; } >&2
        fi
    ) &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n
    done
}

# A SimpleConvNet parameter file for the ch07 programs that read one: 3 training steps on the
# small data, not under valgrind (ch07_train_convnet gets its own check).
convnet_params() {
    [ -f "$tmp/convnet.npz" ] || "$bin/ch07_train_convnet" --epochs 1 --batch 10 --train-size 30 \
        --test-size 20 --evaluate 10 --quiet --data "$small" --out "$tmp/out" \
        --save "$tmp/convnet.npz" > /dev/null
}

# the longest checks first (under valgrind: ch05_gradient_check about 2 minutes,
# ch08_half_float_network 45 s, ch04's three checks 45 s), the others beside them
long="ch05_gradient_check ch08_half_float_network ch04_two_layer_net"
order=()
for c in $long; do
    for a in "$@"; do [ "$a" = "$c" ] && order+=("$c"); done
done
for a in "$@"; do
    case " $long " in *" $a "*) ;; *) order+=("$a") ;; esac
done

for c in "${order[@]}"; do
    case $c in
    ch03_activations|ch04_gradients|ch03_mnist|ch04_two_layer_net|ch06_optimizer_compare_mnist|\
    ch06_weight_init_compare|ch06_batch_norm_*|ch06_overfit_*|ch06_hyperparameter_optimization|\
    ch07_simple_convnet|ch07_train_convnet|ch07_visualize_filter|ch07_apply_filter|\
    ch05_gradient_check|ch05_train_neuralnet|ch08_*)
        if [ $have_data = 0 ] && [ $c != ch03_activations ]; then
            echo "memcheck $c: skipped: data/mnist is missing (run \`make data\`)"
            continue
        fi ;;
    esac
    case $c in
    ch03_activations) check $c --out "$tmp/out" ;;
    ch04_gradients)   check $c --data "$small" --out "$tmp/out" ;;
    ch03_mnist)
        if [ -z "$weights" ]; then
            echo "memcheck ch03_mnist: skipped: no sample_weight.pkl in data/ or ../shared/data/"
        else
            check $c --weights "$weights" --data "$small" --batch 7 --out "$tmp/out"
        fi ;;
    ch04_two_layer_net)
        check $c --iters 3 --batch 10 --data "$small" --out "$tmp/out" --save "$tmp/out/w.npz"
        check $c --gradient-check --data "$small"
        check $c --numerical --iters 1 --batch 2 --hidden 2 --data "$small" --out "$tmp/out" ;;
    # chapter 6: a few steps each on the small copy (x_train[:300] gives its 100 images)
    ch06_weight_init_activation_histogram) check $c --scale he --activation relu --out "$tmp/out" ;;
    ch06_optimizer_compare_mnist|ch06_weight_init_compare)
        check $c --iters 2 --data "$small" --out "$tmp/out" ;;
    ch06_batch_norm_gradient_check) check $c --hidden 10 --data "$small" ;;
    ch06_batch_norm_test) check $c --epochs 2 --trials 1 --data "$small" --out "$tmp/out" ;;
    ch06_overfit_weight_decay) check $c --epochs 2 --data "$small" --out "$tmp/out" ;;
    ch06_overfit_dropout) check $c --epochs 2 --data "$small" --out "$tmp/out" ;;
    ch06_hyperparameter_optimization) check $c --trials 2 --epochs 2 --data "$small" --out "$tmp/out" ;;
    ch07_train_convnet)
        check $c --epochs 1 --batch 10 --train-size 30 --test-size 20 --evaluate 10 --quiet \
            --data "$small" --out "$tmp/out" --save "$tmp/out/convnet.npz" ;;
    ch07_simple_convnet|ch07_visualize_filter|ch07_apply_filter)
        convnet_params
        case $c in
        ch07_simple_convnet)   check $c --params "$tmp/convnet.npz" --data "$small" ;;
        ch07_visualize_filter) check $c --params "$tmp/convnet.npz" --out "$tmp/out" ;;
        ch07_apply_filter)     check $c --params "$tmp/convnet.npz" --data "$small" --out "$tmp/out" ;;
        esac ;;
    ch05_gradient_check) check $c --data "$small" ;;
    ch05_train_neuralnet)
        check $c --iters 3 --threads 2 --data "$small" --out "$tmp/out" --save "$tmp/out/w.npz" ;;
    ch08_deep_convnet|ch08_misclassified_mnist|ch08_half_float_network)
        if [ -z "$deep" ]; then
            echo "memcheck $c: skipped: no DeepConvNet weights (data/deep_convnet_params.pkl)"
        elif [ $c = ch08_misclassified_mnist ]; then
            check $c --weights "$deep" --data "$tiny" --out "$tmp/out"
        else
            check $c --weights "$deep" --data "$small" --count 20
        fi ;;
    ch08_train_deepnet)
        check $c --iters 1 --batch 5 --data "$tiny" --save "$tmp/out/deep.npz" ;;
    *)  check $c ;;
    esac
done
wait
if [ -e "$tmp/failed" ]; then
    echo "memcheck: FAILED (the lines above say which)" >&2
    exit 1
fi
echo "memcheck: every program ran with 0 errors and 0 leaks"
