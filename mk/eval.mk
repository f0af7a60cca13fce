# mk/eval.mk - evaluation metrics, threshold sweep, linear SVM, `cam eval` (owner: eval)
#
#   $(BUILD)/test_eval       IoU, box rules, sweep vs per-threshold labelling,
#                            the metric accumulator, error paths
#   $(BUILD)/test_eval_svm   the SVM against liblinear-tools (train/predict, model files)
#   tests/eval/wsol_check.py the WSOL convention against OpenCV as wsolevaluation
#                            uses it, the paper rule against scipy labelling
#   tests/eval/cli_test.sh   `cam eval` on a generated dataset, its error paths
#   $(BUILD)/test_eval --bench   sweep vs per-threshold labelling timing (not a test)

EVAL_TESTS = $(BUILD)/test_eval $(BUILD)/test_eval_svm $(BUILD)/test_eval_dump

$(BUILD)/test_eval: tests/test_eval.c tests/test_util.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/test_eval_svm: tests/test_eval_svm.c tests/test_util.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/test_eval_dump: tests/test_eval_dump.c $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/cam_impl.o -o $@ $(LIBS)

$(BUILD)/eval-work:
	mkdir -p $@

TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_eval"
TEST_PROGS += "$(RUN_PREFIX) $(BUILD)/test_eval_svm $(BUILD)/eval-work"
TEST_PROGS += "$(PYTHON) tests/eval/wsol_check.py $(BUILD)/test_eval_dump '$(RUN_PREFIX)'"
TEST_DEPS  += $(EVAL_TESTS) $(BUILD)/eval-work

.PHONY: test-eval bench-eval
test-eval: $(EVAL_TESTS) $(BUILD)/eval-work
	@sh tests/run_tests.sh "$(RUN_PREFIX) $(BUILD)/test_eval" \
	    "$(RUN_PREFIX) $(BUILD)/test_eval_svm $(BUILD)/eval-work" \
	    "$(PYTHON) tests/eval/wsol_check.py $(BUILD)/test_eval_dump '$(RUN_PREFIX)'"

bench-eval: $(BUILD)/test_eval
	$(RUN_PREFIX) $(BUILD)/test_eval --bench

# `cam eval` end to end (tiny generated network and dataset) and its error paths
TEST_PROGS += "$(PYTHON) tests/eval/cli_check.py $(BUILD)/cam $(BUILD)/eval-work/cli '$(RUN_PREFIX)'"
TEST_DEPS  += $(BUILD)/cam
