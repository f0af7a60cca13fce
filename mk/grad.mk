# mk/grad.mk - Backprop saliency (Simonyan et al. 2014): tests (owner: grad)
#
#   tests/grad/test_grad.py  builds tiny ONNX graphs with onnx.helper, runs
#                            $(BUILD)/test_grad on them (central finite
#                            differences, saliency = max |grad|, boxes, thread
#                            invariance, outputs kept, error paths), then compares
#                            cam_net_gradient with PyTorch autograd (1e-4 of the
#                            largest |gradient|) on the tiny graphs, the shipped
#                            models and torchvision resnet18, googlenet,
#                            mobilenet_v2, squeezenet1_1 (build/tv,
#                            skipped when not exported)
#   tests/grad/grad_ref.py   the reference: ONNX run op by op with torch.nn.functional

GRAD_TMP = $(BUILD)/grad-tmp

$(BUILD)/test_grad: tests/test_grad.c tests/test_util.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

TEST_PROGS += "$(PYTHON) tests/grad/test_grad.py $(BUILD)/test_grad $(GRAD_TMP) '$(RUN_PREFIX)'"
TEST_DEPS  += $(BUILD)/test_grad
