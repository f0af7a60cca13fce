# mk/kernels.mk - compute kernels (cam_simd.h), thread pool, their tests and
# benchmark (owner: kernels).
#
#   make test                 also runs test_kernels (this build's SIMD) and
#                             test_kernels_scalar (CAM_NO_SIMD + CAM_NO_THREADS)
#   make test-kernels-neon    AArch64 NEON build run under qemu-aarch64
#   make test-kernels-avx512  the AVX-512 variant (also part of make test when
#                             this CPU has AVX-512 and SIMD is not none/neon)
#   make bench-kernels        GFLOP/s of the conv kernel on network layer shapes

KERNELS_DEPS = cam.h cam_simd.h tests/test_util.h
AARCH64_CC  ?= aarch64-linux-gnu-gcc
QEMU_AARCH64 ?= qemu-aarch64 -L /usr/aarch64-linux-gnu

$(BUILD)/test_kernels: tests/test_kernels.c $(KERNELS_DEPS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LIBS)

# The scalar references and the single-threaded pool, compiled as C++ so the
# kernels' C++ cleanliness is checked too.
$(BUILD)/test_kernels_scalar: tests/test_kernels.c $(KERNELS_DEPS) | $(BUILD)
	$(CXX) -x c++ $(ALL_CXXFLAGS) -DCAM_NO_SIMD -DCAM_NO_THREADS $< -o $@ $(LIBS)

$(BUILD)/test_kernels_neon: tests/test_kernels.c $(KERNELS_DEPS) | $(BUILD)
	$(AARCH64_CC) -std=c99 $(WARN) -O2 -g -I. $< -o $@ -lpthread -lm

# AVX-512 variant whatever SIMD says (explicit flags, not -march=native: gcc 12
# tunes an unknown Zen 5 as znver3, which halves the zmm 1x1 tiles' speed).
KERNELS_AVX512_FLAGS = -mavx512f -mavx512vl -mavx512bw -mavx512dq -mavx2 -mfma
$(BUILD)/test_kernels_avx512: tests/test_kernels.c $(KERNELS_DEPS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) $(KERNELS_AVX512_FLAGS) $< -o $@ $(LIBS)

$(BUILD)/bench_kernels: bench/bench_kernels.c $(KERNELS_DEPS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -O3 $< -o $@ $(LIBS)

TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_kernels" "$(RUN_PREFIX) $(BUILD)/test_kernels_scalar"
TEST_DEPS  += $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar
KERNELS_HAVE_AVX512 := $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo 1)
ifeq ($(KERNELS_HAVE_AVX512)$(filter none neon,$(SIMD)),1)
TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_kernels_avx512"
TEST_DEPS  += $(BUILD)/test_kernels_avx512
endif

.PHONY: test-kernels test-kernels-neon test-kernels-avx512 bench-kernels
test-kernels: $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar
	@sh tests/run_tests.sh $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar

test-kernels-avx512: $(BUILD)/test_kernels_avx512
	@sh tests/run_tests.sh $(BUILD)/test_kernels_avx512

test-kernels-neon: $(BUILD)/test_kernels_neon
	@sh tests/run_tests.sh "$(QEMU_AARCH64) $(BUILD)/test_kernels_neon"

# BENCH_ARGS: e.g. "--reps 5 --threads 1"
bench-kernels: $(BUILD)/bench_kernels
	$(BUILD)/bench_kernels $(BENCH_ARGS)
