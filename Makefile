# dlfs-c: C companion to "Deep Learning from Scratch".
# `make help` lists the targets.  GNU Make.

CC      ?= cc
AR      ?= ar
# -ffp-contract=off: no fused multiply-add, so the last digits match the book's.
# -fno-math-errno: sqrt() and the like set no errno (nothing here reads it), so a vector
# loop can use the vector sqrt instruction; every value stays the same.
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
CFLAGS  += $(WARN) -ffp-contract=off -fno-math-errno -D_POSIX_C_SOURCE=200809L
# OpenMP threads for the kernels (common/kernels/parallel.h); OPENMP= builds without.
OPENMP  ?= -fopenmp
CFLAGS  += $(OPENMP)
LDFLAGS += $(OPENMP)
CPPFLAGS += -Icommon -MMD -MP
LDLIBS  += -lz -lm

ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif

# One build directory per mode.
ifeq ($(SANITIZE),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS  += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
else
BUILD   := build
endif

# Chapters: every folder chapters/<name>/ with a chapter.mk, which sets SECTION_<name> (the book
# section as NN.MM, the order `make run` follows), FIGS_<name> (its figures) and optionally
# RUNARGS_<name> (extra arguments for `make run`: a short run where the book's schedule is long)
# and FULLARGS_<name> (the book's full schedule, which FULL=1 uses instead).
include $(wildcard chapters/*/chapter.mk)
CHAPTERS := $(foreach e,$(sort $(foreach c,$(notdir $(patsubst %/chapter.mk,%,$(wildcard chapters/*/chapter.mk))),$(SECTION_$(c))/$(c))),$(notdir $(e)))
BINS     := $(CHAPTERS:%=$(BUILD)/bin/%)

COMMON_SRC := $(wildcard common/*/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIBCOMMON  := $(BUILD)/libcommon.a

TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(BUILD)/test/dlfs_tests

# Figures: plots/<fig>.gp reads build/plots/*.dat written by one chapter.
PLOTDIR  := build/plots
FIGS     := $(foreach c,$(CHAPTERS),$(FIGS_$(c)))
PNGS     := $(FIGS:%=$(PLOTDIR)/%.png)

# Debian packages a fresh machine may lack: `make run` needs DEPS_RUN, `make test` DEPS_TEST.
DEPS_RUN  := build-essential zlib1g-dev gnuplot-nox
DEPS_TEST := $(DEPS_RUN) libcriterion-dev
DEPS_PKGS := $(DEPS_TEST)

# make run / make test (and run-NAME, plots, bench) check the packages before compiling
# anything: every object waits for the check (an order-only prerequisite), also under -j.
ifneq ($(filter test,$(MAKECMDGOALS)),)
DEPS_GATE := check-test-deps
else ifneq ($(filter run run-% plots bench,$(MAKECMDGOALS)),)
DEPS_GATE := check-deps
endif

# FULL=1: every chapter whose chapter.mk sets FULLARGS_<name> (set but empty means the
# program's own defaults) runs with it in place of RUNARGS_<name>, in make run and make plots.
ifeq ($(FULL),1)
$(foreach c,$(CHAPTERS),$(if $(filter undefined,$(origin FULLARGS_$(c))),,\
  $(eval override RUNARGS_$(c) = $$(FULLARGS_$(c)))))
endif

.PHONY: all run test plots data bench fuzz memcheck deps check-deps check-test-deps clean help \
        $(CHAPTERS:%=run-%)
.DELETE_ON_ERROR:

all: $(BINS)

help:
	@echo 'make             build common/ (libcommon.a) and every chapter into $(BUILD)/bin/'
	@echo 'make run         build, run every chapter in book order, draw the figures'
	@echo 'make run-NAME    run one chapter, e.g. make run-ch03_softmax; FULL=1: the book'"'"'s full schedule'
	@echo 'make test        build and run the Criterion suite (unit + golden outputs)'
	@echo 'make plots       (re)write stale figure data and draw build/plots/*.png with gnuplot'
	@echo 'make bench       time C against NumPy + OpenBLAS and the book'"'"'s own scripts (BOOK=its clone; WEIGHTS=sample_weight.pkl)'
	@echo 'make bench-gemm  GEMM GFLOP/s beside NumPy (OpenBLAS) on the book'"'"'s shapes, 1 and 2 threads'
	@echo 'make data        verify data/mnist against SHA256SUMS; FETCH=1 downloads them again (kept only if they match)'
	@echo 'make deps        install the Debian packages this needs (as root or sudo -n), else print the command'
	@echo 'make fuzz        fuzz the IDX, pickle and .npz readers (clang, libFuzzer), FUZZ_SECONDS=60 each'
	@echo 'make memcheck    run every chapter under valgrind (short runs): 0 errors, 0 leaks'
	@echo 'make clean       remove build/'
	@echo 'options: CC=clang  WERROR=1  SANITIZE=1 (ASan+UBSan build in build/san/)'
	@echo 'chapters: $(CHAPTERS)'

# ---- building --------------------------------------------------------------

# Each output is written under a temporary name and renamed into place (mv is atomic), so
# two makes at once on a fresh checkout never read or leave a half-written file.
TMP = $@.tmp$$$$
SETTLE = mv -f $(TMP) $@ || { rm -f $(TMP); exit 1; }

$(BUILD)/obj/%.o: %.c | $(DEPS_GATE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -MT $@ -MF $(@:.o=.d) $(CFLAGS) -c $< -o $(TMP) && $(SETTLE)

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $(TMP) $^ && $(SETTLE)

define chapter_rule
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard chapters/$(1)/*.c))
$(BUILD)/bin/$(1): $$($(1)_OBJ) $(LIBCOMMON)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) $$^ $$(LDLIBS) -o $$(TMP) && $$(SETTLE)
endef
$(foreach c,$(CHAPTERS),$(eval $(call chapter_rule,$(c))))

# ---- dependencies ----------------------------------------------------------

# tools/deps.sh installs what is missing when it can (root, or sudo -n), says which, and
# goes on; otherwise it prints the exact apt-get line and fails. tests/deps_test.sh checks it.
deps:
	@sh tools/deps.sh $(DEPS_PKGS)

check-deps:
	@sh tools/deps.sh --quiet $(DEPS_RUN)
check-test-deps:
	@sh tools/deps.sh --quiet $(DEPS_TEST)

# ---- running ---------------------------------------------------------------

# `make run` passes --out to the chapters that draw figures, and RUNARGS_<name> if set
# (FULLARGS_<name> with FULL=1, see above).
# A chapter that exits 77 (ch03_mnist without weights) is reported as skipped.

define run_rule
run-$(1): check-deps $(BUILD)/bin/$(1)
	@echo; echo "==== $(1) ===="
	@$(BUILD)/bin/$(1) $(if $(FIGS_$(1)),--out $(PLOTDIR)) $$(RUNARGS_$(1)); rc=$$$$?; \
	  if [ $$$$rc = 77 ]; then echo "($(1) skipped: see the hint above)"; else exit $$$$rc; fi
	$(if $(FIGS_$(1)),@touch $(PLOTDIR)/$(1).stamp)
endef
$(foreach c,$(CHAPTERS),$(eval $(call run_rule,$(c))))

# The programs build in parallel (make -j), then run one at a time, in book order.
run: check-deps $(BINS)
	@$(MAKE) -j1 --no-print-directory $(CHAPTERS:%=run-%)
	@$(MAKE) --no-print-directory plots

# ---- figures ---------------------------------------------------------------

# One stamp per chapter: its data files are stale when its program is newer. The program
# runs with RUNARGS_<name>, as `make run` runs it (the short schedule of a long training).
$(PLOTDIR)/%.stamp: $(BUILD)/bin/%
	@mkdir -p $(@D)
	$< --out $(PLOTDIR) $(RUNARGS_$*) > /dev/null || [ $$? = 77 ]
	@touch $@

# gnuplot runs in build/plots (which may be a symlink to another disk) on the script's
# absolute path; `load 'style.gp'` finds plots/style.gp through GNUPLOT_LIB.
define fig_rule
$(PLOTDIR)/$(2).png: plots/$(2).gp $(PLOTDIR)/$(1).stamp
	cd "$(CURDIR)/$(PLOTDIR)" && GNUPLOT_LIB="$(CURDIR)/plots" gnuplot "$(CURDIR)/plots/$(2).gp"
endef
$(foreach c,$(CHAPTERS),$(foreach f,$(FIGS_$(c)),$(eval $(call fig_rule,$(c),$(f)))))

plots: check-deps $(PNGS)
	@echo "figures: $(PNGS)"

# ---- data ------------------------------------------------------------------

data:
	sh data/mnist/verify.sh $(if $(FETCH),--fetch)

# ---- tests -----------------------------------------------------------------

$(TEST_BIN): $(TEST_OBJ) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcriterion -o $(TMP) && $(SETTLE)

$(TEST_OBJ): CPPFLAGS += -DDLFS_BIN_DIR='"$(CURDIR)/$(BUILD)/bin"' -DDLFS_SOURCE_DIR='"$(CURDIR)"'

# make test compiles on every core unless given a -j (`make -j1 test` for one at a time):
# the sanitizer build of the tests alone took minutes one file after another.
# Under SANITIZE=1, LeakSanitizer excuses only Criterion's own block (tests/lsan.supp).
NPROC := $(shell nproc 2>/dev/null || echo 1)
JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))
test: check-test-deps
	@$(MAKE) --no-print-directory $(JOBS) $(BINS) $(TEST_BIN)
	LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 $(TEST_BIN)

# ---- hostile input: fuzzing and valgrind -----------------------------------

# make fuzz: libFuzzer harnesses (tests/fuzz/) for the IDX, pickle and .npz readers, built
# with clang -fsanitize=fuzzer,address,undefined, each run FUZZ_SECONDS on a copy of its
# seed corpus (FUZZ_RUNS=N: N executions each instead).
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(WARN) -ffp-contract=off -D_POSIX_C_SOURCE=200809L $(FUZZ_SAN)
# The readers need only sys/, numpy/ and formats/ (dependencies point one way), and the
# harnesses chapter 3's network check: the instrumented library leaves out the rest
# (instrumenting kernels/ took minutes).
FUZZ_SRC     := $(wildcard common/sys/*.c common/numpy/*.c common/formats/*.c) \
                common/nn/network.c common/nn/functions.c common/nn/gradient.c
FUZZ_OBJ     := $(FUZZ_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS    := $(FUZZ_DIR)/fuzz_idx $(FUZZ_DIR)/fuzz_pickle $(FUZZ_DIR)/fuzz_npz \
                $(FUZZ_DIR)/fuzz_mnist_cache

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/libcommon.a: $(FUZZ_OBJ)
	$(AR) rcs $(TMP) $^ && $(SETTLE)

$(FUZZ_BINS): $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_DIR)/libcommon.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_RUNS)

# make memcheck: every chapter under valgrind, short runs, 0 errors and 0 leaks.
ifeq ($(SANITIZE),1)
memcheck:
	@echo "memcheck: valgrind cannot run sanitizer builds: make memcheck without SANITIZE=1" >&2; exit 1
else
memcheck: $(BINS)
	tests/memcheck.sh $(BUILD)/bin $(CHAPTERS)
endif

-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d $(FUZZ_DIR)/obj/*/*/*/*.d)

# ---- benchmarks (not tests) ------------------------------------------------

BENCH_DIR := $(BUILD)/bench

$(BENCH_DIR)/timeit: tests/bench/timeit.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@

$(BENCH_DIR)/bench_predict: $(BUILD)/obj/tests/bench/bench_predict.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# GEMM GFLOP/s beside NumPy's (OpenBLAS) on the book's shapes: make bench-gemm.
$(BENCH_DIR)/bench_gemm: $(BUILD)/obj/tests/bench/bench_gemm.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench-gemm: $(BENCH_DIR)/bench_gemm
	tests/bench/gemm_bench.sh $(BENCH_DIR)/bench_gemm
.PHONY: bench-gemm
bench: $(BENCH_DIR)/bench_gemm

$(BENCH_DIR)/bench_deep_convnet: $(BUILD)/obj/tests/bench/bench_deep_convnet.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BENCH_DIR)/bench_convnet: $(BUILD)/obj/tests/bench/bench_convnet.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench: check-deps $(BINS) $(BENCH_DIR)/timeit $(BENCH_DIR)/bench_predict $(BENCH_DIR)/bench_convnet \
       $(BENCH_DIR)/bench_deep_convnet
	CC=$(CC) tests/bench/run.sh $(BUILD)

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d $(BUILD)/obj/*/*/*/*.d)

# For .ci/run: the figures `make plots` should produce.
print-pngs:
	@echo $(PNGS)
.PHONY: print-pngs
