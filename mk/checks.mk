# mk/checks.mk - whole-network parity with PyTorch, checking builds (sanitizers,
# aarch64 NEON under qemu, C++, config variants), fuzzing, and the model benchmark
# against ONNX Runtime (owner: infra).
#
#   make parity       cam's logits vs PyTorch's on 7 torchvision CNNs, batch 1 and 4
#                     (also part of `make test`; PARITY_MODELS= leaves it out)
#   make check-asan   the test suite built with ASan + UBSan into build-asan/
#   make check-neon   cross-compiled for aarch64 (SIMD=neon) into build-neon/, tests under qemu
#   make check-avx512 the test suite in the AVX-512 build (build-avx512/, what make bench
#                     times) where the CPU has AVX-512; says so and passes where not
#   make check-cxx    the implementation compiled as C++ (g++, clang++) and in every
#                     config variant, into build-cxx/
#   make check-valgrind  the normal build's tests with their programs under valgrind
#   make check-all    check-cxx, check-asan and check-neon
#   make fuzz         libFuzzer on cam_net_load_memory and cam_npy_load_memory for
#                     FUZZ_SECONDS each, into build-fuzz/
#   make bench        cam against ONNX Runtime on the anchors harness -> bench/RESULTS.md
#
# How a test command must run what the build made (fragments follow this so the
# checking builds cover their tests):
#   RUN_PREFIX    put in front of every program built for the target: empty natively,
#                 qemu in check-neon, valgrind in check-valgrind. C tests register as
#                 TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_x"; scripts that start
#                 $(BUILD)/cam take it as an option or from the environment (exported).
#   CROSS         non-empty when the build is for another machine (check-neon): tests
#                 that load a build product into a host program (the Lua module into
#                 lua5.4) can't run, so register them, and their TEST_DEPS, only
#                 inside ifeq ($(CROSS),).
#   CAM_CHECK_BUILD  (environment) asan, neon or valgrind inside those checks: tests
#                 skip timing assertions when it is set (instrumented or emulated code
#                 runs 2-50x slower).
#   HOST_PRELOAD  what a host program needs in LD_PRELOAD to load a sanitized module
#                 (check-asan: libasan, libubsan; else empty): the Lua tests run as
#                 "LD_PRELOAD='$(HOST_PRELOAD)' LUA_CPATH=... $(RUN_PREFIX) $(LUA) t.lua".
RUN_PREFIX   ?=
CROSS        ?=
HOST_PRELOAD ?=
export RUN_PREFIX

.PHONY: parity tv-models check-asan check-avx512 check-neon check-cxx check-valgrind check-all fuzz fuzz-build \
        bench bench-models bench-report

# ---------------------------------------------------------------------------
# >>parity
# The exports go to build/tv whatever BUILD is (made once, ~950 MB, ~20 s);
# export_tv.py skips what exists and returns at once when nothing is missing.
TV_DIR          = build/tv
PARITY_MODELS  ?= resnet18 resnet50 mobilenet_v2 googlenet vgg16 alexnet squeezenet1_1
PARITY_BATCHES ?= 1 4
PARITY_TOL     ?= 1e-4
PARITY_CMD = $(PYTHON) tests/parity/run_parity.py --cam $(BUILD)/cam --tv $(TV_DIR) \
    --prefix '$(RUN_PREFIX)' --models '$(PARITY_MODELS)' --batches '$(PARITY_BATCHES)' \
    --tol $(PARITY_TOL)

ifneq ($(strip $(PARITY_MODELS)),)
TEST_PROGS += "$(PARITY_CMD)"
TEST_DEPS  += $(BUILD)/cam tv-models
endif

tv-models:
	@$(PYTHON) tests/parity/export_tv.py --out $(TV_DIR) $(PARITY_MODELS)

parity: $(BUILD)/cam tv-models
	@sh tests/run_tests.sh "$(PARITY_CMD)"

# ---------------------------------------------------------------------------
# >>checking builds
# Each runs the whole test suite in a build of its own through a recursive make,
# so every fragment's tests take part without knowing about these targets.

# Sanitizers: UBSan must not recover, or a report would scroll by and pass.
# -Wno-error: instrumentation changes GCC's flow analysis, which then warns about
# things the normal build proves fine (-Wformat-truncation, -Wmaybe-uninitialized);
# the normal build and check-cxx are the ones that hold warnings to -Werror.
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_ENV   = ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Whole-network parity under ASan takes about 2x its native time (all 7 networks).
ASAN_PARITY_MODELS ?= $(PARITY_MODELS)

check-asan:
	$(SAN_ENV) CAM_CHECK_BUILD=asan $(MAKE) BUILD=build-asan CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="$(SAN_FLAGS) -Wno-error" EXTRA_LIBS="$(SAN_FLAGS)" \
	    HOST_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	    PARITY_MODELS="$(ASAN_PARITY_MODELS)" test

# The AVX-512 build runs engine paths the AVX2 build has not (a conv writing the
# next conv's padded input, cam__conv_out_pitch_ok), so its whole suite runs too.
check-avx512:
	@if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then \
	    $(MAKE) SIMD=avx512 BUILD=build-avx512 test; \
	else echo "check-avx512: this CPU has no AVX-512, nothing to run"; fi

# aarch64: the x86 libsleef must not be linked (SLEEF_LIBS= also drops
# -DCAM_USE_SLEEF), and there is no aarch64 sleef to use instead. qemu emulates
# NEON at a few percent of native speed, so parity runs three networks at batch 1
# (about 35 s: depthwise, Concat, residual Add, 7x7 and strided convs between them).
NEON_CC            ?= aarch64-linux-gnu-gcc
NEON_CXX           ?= aarch64-linux-gnu-g++
NEON_RUN           ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
NEON_PARITY_MODELS ?= squeezenet1_1 mobilenet_v2 resnet18

check-neon:
	CAM_CHECK_BUILD=neon $(MAKE) BUILD=build-neon CC=$(NEON_CC) CXX=$(NEON_CXX) SIMD=neon SLEEF_LIBS= CROSS=aarch64 \
	    RUN_PREFIX="$(NEON_RUN)" PARITY_MODELS="$(NEON_PARITY_MODELS)" \
	    PARITY_BATCHES=1 test

# C++ and config variants: the implementation TU compiled with each compiler and
# macro set (-Werror), then a C++-compiled implementation linked into the C tool
# (proves the C linkage of the API) and checked on one network.
CXX_CHECK   = build-cxx
CHECK_CXXS ?= $(CXX) clang++
CHECK_CCS  ?= $(CC) clang
CHECK_VARIANTS = default CAM_NO_SIMD CAM_NO_THREADS CAM_NO_STB CAM_STATIC \
                 CAM_NO_SIMD+CAM_NO_THREADS+CAM_NO_STB
check_flags = $(if $(filter default,$(1)),,$(addprefix -D,$(subst +, ,$(1)))) \
    $(if $(findstring CAM_STATIC,$(1)),-Wno-unused-function)
CHECK_CFLAGS = $(WARN) -O1 $(SIMD_FLAGS) $(SLEEF_FLAGS) -I. $(STB_CFLAGS)
CHECK_COMPILES = \
    $(foreach cc,$(CHECK_CXXS),$(foreach v,$(CHECK_VARIANTS),"$(cc) -x c++ -std=c++11 \
        $(CHECK_CFLAGS) $(call check_flags,$(v)) -c tests/cam_impl.c -o $(CXX_CHECK)/$(cc)-$(v).o \
        && echo ok cxx/$(cc)/$(v)")) \
    $(foreach cc,$(CHECK_CCS),$(foreach v,$(CHECK_VARIANTS),"$(cc) -std=c99 \
        $(CHECK_CFLAGS) $(call check_flags,$(v)) -c tests/cam_impl.c -o $(CXX_CHECK)/$(cc)-$(v).o \
        && echo ok c99/$(cc)/$(v)"))

check-cxx:
	@mkdir -p $(CXX_CHECK)
	@$(PYTHON) tests/parity/export_tv.py --out $(TV_DIR) squeezenet1_1
	$(CXX) -x c++ $(ALL_CXXFLAGS) -c tests/cam_impl.c -o $(CXX_CHECK)/cam_impl_cxx.o
	@set -e; for f in $(CLI_SRCS); do \
	    $(CC) $(ALL_CFLAGS) -Iexamples -c $$f -o $(CXX_CHECK)/$$(basename $$f .c).o; done
	$(CXX) $(patsubst examples/%.c,$(CXX_CHECK)/%.o,$(CLI_SRCS)) $(CXX_CHECK)/cam_impl_cxx.o \
	    -o $(CXX_CHECK)/cam $(LIBS)
	@sh tests/run_tests.sh $(CHECK_COMPILES) \
	    "$(CXX_CHECK)/cam --version >/dev/null && echo ok cxx/cam-version" \
	    "$(PYTHON) tests/parity/run_parity.py --cam $(CXX_CHECK)/cam --tv $(TV_DIR) --models squeezenet1_1 --batches 1"

# valgrind needs no build of its own: the normal build's tests run under memcheck
# (about 50x slower, so parity runs one small network).
VALGRIND ?= valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
check-valgrind:
	CAM_CHECK_BUILD=valgrind $(MAKE) RUN_PREFIX="$(VALGRIND)" PARITY_MODELS=squeezenet1_1 PARITY_BATCHES=1 test

check-all: check-cxx check-asan check-neon

# ---------------------------------------------------------------------------
# >>fuzz
# libFuzzer (clang) with ASan + UBSan on the two parsers of untrusted bytes. Small
# CAM_MAX_DIM / CAM_MAX_ELEMENTS keep hostile shapes from asking for gigabytes
# (the limits are what a user facing hostile files would set); allocator_may_return_null
# makes an allocation that still fails take the library's CAM_ERR_NOMEM path.
# Seeds: the shipped models, small ONNX node tests, and npy files of every dtype.
# New inputs stay in build-fuzz/corpus_*; a crash leaves build-fuzz/crash-* and fails.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR      = build-fuzz
FUZZ_FLAGS    = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -DCAM_IMPLEMENTATION -DCAM_MAX_DIM=4096 '-DCAM_MAX_ELEMENTS=((int64_t)1 << 24)' -DCAM_NO_STB
FUZZ_TARGETS  = net npy

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(HEADERS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) -std=c99 $(WARN) $(FUZZ_FLAGS) $(SIMD_FLAGS) -I. $< -o $@ -lpthread -lm

fuzz-build: $(foreach t,$(FUZZ_TARGETS),$(FUZZ_DIR)/fuzz_$(t))

# make test replays the seeds and tests/fuzz/regress/ through each target, built
# with the normal compiler and library (so also under check-asan and valgrind).
FUZZ_SEEDS = $(BUILD)/fuzz_seeds

$(BUILD)/fuzz_replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(FUZZ_SEEDS)/.done: tests/fuzz/make_seeds.py $(wildcard models/*.onnx) | $(BUILD)
	$(PYTHON) tests/fuzz/make_seeds.py $(FUZZ_SEEDS) >/dev/null && touch $@

TEST_PROGS += $(foreach t,$(FUZZ_TARGETS),\
    "$(RUN_PREFIX) $(BUILD)/fuzz_replay_$(t) $(t) $(FUZZ_SEEDS)/seeds_$(t) tests/fuzz/regress $(wildcard tests/fuzz/regress/$(t))")
TEST_DEPS  += $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz_replay_$(t)) $(FUZZ_SEEDS)/.done

fuzz: fuzz-build
	$(PYTHON) tests/fuzz/make_seeds.py $(FUZZ_DIR)
	@failed=; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus_$$t; \
	    echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    log=$(FUZZ_DIR)/fuzz_$$t.log; \
	    if ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 \
	        $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/ \
	        $(FUZZ_DIR)/corpus_$$t $(FUZZ_DIR)/seeds_$$t tests/fuzz/regress >$$log 2>&1; then \
	        grep -a -E '^(INFO: seed corpus|stat::number_of_executed_units|stat::new_units_added)' $$log; \
	    else \
	        grep -a -A 14 -E '^==[0-9]+==ERROR|runtime error|^==[0-9]+== ERROR' $$log | head -n 40; \
	        grep -a -E '^(artifact_prefix|Test unit written)' $$log; \
	        echo "fuzz_$$t FAILED (log: $$log)"; failed="$$failed $$t"; \
	    fi; \
	done; test -z "$$failed"

# ---------------------------------------------------------------------------
# >>bench
# cam next to ONNX Runtime on the anchors harness (../shared/anchors/README.md);
# bench/report.py turns the run into bench/RESULTS.md. Full run: all 7 models,
# 3 rounds, about 15 min on an idle machine. Quick check of the flow:
#   make bench BENCH_MODELS=squeezenet1_1 BENCH_ROUNDS=1 BENCH_RUNS=3 BENCH_WARMUP=1 \
#       BENCH_PROFILE_REPEAT=2 BENCH_PEAK_REPEAT=1 BENCH_RESULTS=/tmp/RESULTS.md
ANCHORS        ?= ../shared/anchors
ANCHORS_CACHE  ?= $(HOME)/.cache/cam-anchors
BENCH_MODELS   ?= resnet18 resnet50 mobilenet_v2 googlenet vgg16 alexnet squeezenet1_1
BENCH_ROUNDS   ?= 3
BENCH_THREADS  ?= 1 2
BENCH_RUNS     ?=
BENCH_WARMUP   ?=
BENCH_PROFILE_REPEAT ?= 5
BENCH_PEAK_REPEAT  ?= 3
BENCH_DIR       = bench/cache
BENCH_RESULTS  ?= bench/RESULTS.md

BENCH_CAM_MODEL ?= resnet18

# The benchmark measures the build a user of this machine would make: AVX-512
# where the CPU has it (its zmm conv has twice the AVX2 peak), else $(SIMD).
BENCH_SIMD  ?= $(if $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo y),avx512,$(SIMD))
BENCH_BUILD ?= build-bench-$(BENCH_SIMD)
bench:
	$(MAKE) --no-print-directory BUILD=$(BENCH_BUILD) SIMD=$(BENCH_SIMD) bench-models

# CAM for all classes + boxes for the top 5, against one forward (bench/bench_cam.c).
$(BUILD)/bench_cam: bench/bench_cam.c $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

bench-models: $(BUILD)/cam $(BUILD)/bench_cam $(BUILD)/bench_kernels
	ANCHORS_CACHE=$(ANCHORS_CACHE) $(ANCHORS)/setup.sh $(sort $(BENCH_MODELS) $(BENCH_CAM_MODEL))
	@mkdir -p $(BENCH_DIR)
	ANCHORS_CACHE=$(ANCHORS_CACHE) $(ANCHORS)/peak/run_peak.sh $(BENCH_PEAK_REPEAT)
	$(BUILD)/bench_kernels --threads 2 --only NONE > $(BENCH_DIR)/peak_build.txt
	ANCHORS_CACHE=$(ANCHORS_CACHE) ENGINES="ort mine" MINE_CMD="$(BUILD)/cam bench" \
	    THREADS="$(BENCH_THREADS)" RUNS="$(BENCH_RUNS)" WARMUP="$(BENCH_WARMUP)" \
	    OUT=$(BENCH_DIR)/run.txt.tmp $(ANCHORS)/run_all.sh $(BENCH_ROUNDS) $(BENCH_MODELS)
	mv $(BENCH_DIR)/run.txt.tmp $(BENCH_DIR)/run.txt
	@rm -f $(BENCH_DIR)/profile_*.txt; set -e; \
	for m in $(BENCH_MODELS); do for t in $(BENCH_THREADS); do \
	    echo "profile $$m $$t threads x $(BENCH_PROFILE_REPEAT)"; \
	    for k in $$(seq 1 $(BENCH_PROFILE_REPEAT)); do \
	    ANCHORS_CACHE=$(ANCHORS_CACHE) $(BUILD)/cam bench $(ANCHORS_CACHE)/models/$$m.onnx $$t \
	        --runs 2 --warmup 2 --profile > $(BENCH_DIR)/profile_$${m}_t$${t}_$$k.txt 2>&1; \
	done; done; done
	@rm -f $(BENCH_DIR)/overhead.txt; for t in $(BENCH_THREADS); do \
	    $(BUILD)/bench_cam $(ANCHORS_CACHE)/models/$(BENCH_CAM_MODEL).onnx $$t --runs 20 \
	        --input $(ANCHORS_CACHE)/input_1x3x224x224.f32 >> $(BENCH_DIR)/overhead.txt || \
	    echo "bench_cam failed: CAM overhead left out of the report"; \
	done; cat $(BENCH_DIR)/overhead.txt
	$(MAKE) --no-print-directory bench-report

bench-report:
	$(PYTHON) bench/report.py --run $(BENCH_DIR)/run.txt --profiles $(BENCH_DIR) \
	    --overhead $(BENCH_DIR)/overhead.txt --cache $(ANCHORS_CACHE) --cam $(BUILD)/cam \
	    --build-peak $(BENCH_DIR)/peak_build.txt --out $(BENCH_RESULTS)
