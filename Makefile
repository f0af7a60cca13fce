# cam - GNU make. Overridable: CC, CXX, CFLAGS, PREFIX, SIMD (avx2|avx512|native|none|neon), BUILD.
# Each component keeps its rules in mk/*.mk; this file holds what they share.

CC      ?= cc
CXX     ?= c++
PREFIX  ?= /usr/local
SIMD    ?= avx2
BUILD   ?= build
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config
PYTHON  ?= /usr/bin/python3
LUA     ?= lua5.4

ifeq ($(SIMD),avx2)
SIMD_FLAGS = -mavx2 -mfma
else ifeq ($(SIMD),avx512)
SIMD_FLAGS = -mavx512f -mavx512vl -mavx512bw -mavx512dq -mavx2 -mfma
else ifeq ($(SIMD),native)
SIMD_FLAGS = -march=native
else ifeq ($(SIMD),none)
SIMD_FLAGS = -DCAM_NO_SIMD
else ifeq ($(SIMD),neon)
SIMD_FLAGS =
else
$(error SIMD must be avx2, avx512, native, none or neon)
endif

WARN        = -Wall -Wextra -Werror
LUA_CFLAGS  := $(shell $(PKG_CONFIG) --cflags lua5.4 2>/dev/null)
STB_CFLAGS  := $(shell $(PKG_CONFIG) --cflags stb 2>/dev/null)
SLEEF_LIBS  := $(shell $(PKG_CONFIG) --libs sleef 2>/dev/null)
ifneq ($(SLEEF_LIBS),)
SLEEF_FLAGS = -DCAM_USE_SLEEF
endif
ALL_CFLAGS  = -std=c99 $(WARN) $(CFLAGS) $(SIMD_FLAGS) $(SLEEF_FLAGS) -I. $(STB_CFLAGS) $(EXTRA_CFLAGS)
ALL_CXXFLAGS = -std=c++11 $(WARN) $(CFLAGS) $(SIMD_FLAGS) $(SLEEF_FLAGS) -I. $(STB_CFLAGS) $(EXTRA_CFLAGS)
LIBS        = $(SLEEF_LIBS) -lpthread -lm $(EXTRA_LIBS)

HEADERS = cam.h cam_simd.h

# Filled by mk/*.mk: programs run by `make test` (each prints "ok NAME" /
# "not ok NAME" lines), and the targets they need first.
TEST_PROGS  =
TEST_DEPS   =
ALL_TARGETS = $(BUILD)/cam $(BUILD)/minimal

.PHONY: all test bench demo install clean deps deps-test build-all
all: build-all

# Debian packages (apt-get, via sudo when not root); both skip what is installed.
deps:
	sh tests/install_deps.sh build
deps-test:
	sh tests/install_deps.sh test

$(BUILD):
	mkdir -p $(BUILD)

# One object holds the implementation; the tool and tests link it.
$(BUILD)/cam_impl.o: tests/cam_impl.c $(HEADERS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The smallest complete program (examples/minimal.c), built as a user would:
# its own translation unit defines CAM_IMPLEMENTATION.
$(BUILD)/minimal: examples/minimal.c $(HEADERS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LIBS)
TEST_PROGS += "sh tests/test_minimal.sh '$(RUN_PREFIX)' $(BUILD)"
TEST_DEPS  += $(BUILD)/minimal

include mk/engine.mk
include mk/kernels.mk
include mk/vis.mk
include mk/eval.mk
include mk/grad.mk
include mk/lua.mk
include mk/models.mk
include mk/checks.mk

build-all: $(ALL_TARGETS)

# The README's first command: set up, build, and run CAM on shipped samples.
DEMO_IMAGES = models/samples/00002_dress.png models/samples/00007_bag.png models/samples/00009_sandal.png
demo: deps
	$(MAKE) --no-print-directory build-all
	$(BUILD)/cam map models/fmnist-gap.onnx $(DEMO_IMAGES) --top 3 --out $(BUILD)/demo
	@echo "pictures: $(BUILD)/demo/"

install: $(BUILD)/cam
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/cam $(DESTDIR)$(PREFIX)/bin/cam

test: $(TEST_DEPS)
	@sh tests/run_tests.sh $(TEST_PROGS)

clean:
	rm -rf $(BUILD)
