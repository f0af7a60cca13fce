# mk/vis.mk - CAM maps, boxes, images and pictures: tests (owner: vis)
#
#   test_vis        box extraction, resampling, preprocessing, transforms, image
#                   I/O, pictures and their error paths (no model needed)
#   test_vis_ref.py boxes vs scipy.ndimage.label, resampling vs torch interpolate,
#                   preprocessing vs torchvision/PIL (drives test_vis_tool)
#   test_vis_net    CAM maps vs an independent W . F on the shipped model and,
#                   when exported, torchvision resnet18 / squeezenet1_1

VIS_TMP = $(BUILD)/vis-tmp

$(BUILD)/test_vis: tests/test_vis.c tests/test_util.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/test_vis_tool: tests/test_vis_tool.c $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/test_vis_net: tests/test_vis_net.c tests/test_util.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(VIS_TMP): | $(BUILD)
	mkdir -p $(VIS_TMP)

TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_vis $(VIS_TMP)" \
              "$(PYTHON) tests/vis/test_vis_ref.py $(BUILD)/test_vis_tool '$(RUN_PREFIX)'"
TEST_DEPS  += $(BUILD)/test_vis $(BUILD)/test_vis_tool $(VIS_TMP)

# Models for test_vis_net: the shipped ones and, when infra has exported them,
# torchvision's (build/tv is BUILD-independent; missing files are skipped).
VIS_NET_ARGS = models/fmnist-gap.onnx models/fmnist-gmp.onnx build/tv/input_b1.npy \
               build/tv/resnet18.onnx build/tv/squeezenet1_1.onnx

TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_vis_net $(VIS_NET_ARGS)" \
              "$(PYTHON) tests/vis/test_cli.py $(BUILD)/cam $(VIS_TMP)/cli '$(RUN_PREFIX)'" \
              "$(PYTHON) tests/vis/test_svm_map.py $(BUILD)/cam $(VIS_TMP)/svm '$(RUN_PREFIX)'"
TEST_DEPS  += $(BUILD)/test_vis_net $(BUILD)/cam
