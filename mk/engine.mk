# mk/engine.mk - the command-line tool and engine tests (owner: engine)
CLI_SRCS = examples/cam.c examples/cam_cmd_engine.c examples/cam_cmd_vis.c examples/cam_cmd_eval.c
# The list lives in shared/ beside the repository (CI lays a copy there).
CONFORMANCE_LIST ?= $(firstword $(wildcard ../shared/conformance/onnx-cnn-required.txt) \
                      /work/shared/conformance/onnx-cnn-required.txt)
ONNX_TESTDATA ?= /usr/share/libonnx-testdata/data

$(BUILD)/cam: $(CLI_SRCS) examples/cam_cli.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) -Iexamples $(CLI_SRCS) $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/conformance: tests/conformance.c $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/test_engine: tests/test_engine.c tests/test_util.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

# cam.h must also compile as C++ with the same warnings.
$(BUILD)/test_engine_cxx: tests/test_engine_cxx.cc $(HEADERS) | $(BUILD)
	$(CXX) $(ALL_CXXFLAGS) $< -o $@ $(LIBS)

ALL_TARGETS += $(BUILD)/conformance $(BUILD)/test_engine
TEST_DEPS += $(BUILD)/conformance $(BUILD)/test_engine $(BUILD)/test_engine_cxx $(BUILD)/cam
# test_engine runs $(BUILD)/cam itself: it gets RUN_PREFIX to put in front.
TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/conformance $(CONFORMANCE_LIST) $(ONNX_TESTDATA)" \
              "$(RUN_PREFIX) $(BUILD)/test_engine $(BUILD) '$(RUN_PREFIX)'" "$(RUN_PREFIX) $(BUILD)/test_engine_cxx"
