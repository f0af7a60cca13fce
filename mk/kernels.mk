# mk/kernels.mk - compute kernels (cam_simd.h), thread pool, their tests and
# benchmark (owner: kernels).
#
#   make test                 also runs test_kernels (this build's SIMD) and
#                             test_kernels_scalar (CAM_NO_SIMD + CAM_NO_THREADS)
#   make test-kernels-neon    AArch64 NEON build run under qemu-aarch64
#   make bench-kernels        GFLOP/s of the conv kernel on network layer shapes

KERNELS_DEPS = cam.h cam_simd.h dev/cam_threadpool.inc tests/test_util.h
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

$(BUILD)/bench_kernels: bench/bench_kernels.c $(KERNELS_DEPS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -O3 $< -o $@ $(LIBS)

TEST_PROGS += $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar
TEST_DEPS  += $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar

.PHONY: test-kernels test-kernels-neon bench-kernels
test-kernels: $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar
	@sh tests/run_tests.sh $(BUILD)/test_kernels $(BUILD)/test_kernels_scalar

test-kernels-neon: $(BUILD)/test_kernels_neon
	@sh tests/run_tests.sh "$(QEMU_AARCH64) $(BUILD)/test_kernels_neon"

# BENCH_ARGS: e.g. "--reps 5 --threads 1"
bench-kernels: $(BUILD)/bench_kernels
	$(BUILD)/bench_kernels $(BENCH_ARGS)
