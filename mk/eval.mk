# mk/eval.mk - evaluation metrics, threshold sweep, linear SVM, `cam eval` (owner: eval)
#
#   $(BUILD)/test_eval       IoU, box rules, sweep vs per-threshold labelling,
#                            the metric accumulator, error paths
#   $(BUILD)/test_eval_svm   the SVM against liblinear-tools (train/predict, model files)
#   tests/eval/wsol_check.py the WSOL convention against OpenCV as wsolevaluation
#                            uses it, the paper rule against scipy labelling
#   tests/eval/cli_check.py  `cam eval` on a generated network and dataset against
#                            a NumPy/SciPy/OpenCV reference, and its error paths
#   make bench-eval          sweep vs per-threshold labelling timing (not a test)
#   make eval-reproduce      the paper's comparisons on the Fashion-MNIST localization
#                            set (GAP/GMP, conventions, ILSVRC boxes, SVM): a table
#   make results             models/RESULTS.md: GAP/GMP CAM, Backprop, centre box,
#                            unseen-class SVM, with 95% intervals (~8 minutes)

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
test-eval: $(EVAL_TESTS) $(BUILD)/eval-work $(BUILD)/cam
	@sh tests/run_tests.sh "$(RUN_PREFIX) $(BUILD)/test_eval" \
	    "$(RUN_PREFIX) $(BUILD)/test_eval_svm $(BUILD)/eval-work" \
	    "$(PYTHON) tests/eval/wsol_check.py $(BUILD)/test_eval_dump '$(RUN_PREFIX)'" \
	    "$(PYTHON) tests/eval/cli_check.py $(BUILD)/cam $(BUILD)/eval-work/cli '$(RUN_PREFIX)'"

bench-eval: $(BUILD)/test_eval
	$(RUN_PREFIX) $(BUILD)/test_eval --bench

# `cam eval` end to end (tiny generated network and dataset) and its error paths
TEST_PROGS += "$(PYTHON) tests/eval/cli_check.py $(BUILD)/cam $(BUILD)/eval-work/cli '$(RUN_PREFIX)'"
TEST_DEPS  += $(BUILD)/cam

# The paper's comparisons at small scale (needs models/fmnist-*.onnx; a few minutes)
EVAL_DATA = $(BUILD)/eval-work/fmnist
EVAL_COUNT ?= 5000

$(EVAL_DATA)/test.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split test --count $(EVAL_COUNT) --seed 0 --out $(EVAL_DATA)

$(EVAL_DATA)/train.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split train --count $(EVAL_COUNT) --seed 0 --out $(EVAL_DATA)

.PHONY: eval-reproduce
eval-reproduce: $(BUILD)/cam $(EVAL_DATA)/test.csv $(EVAL_DATA)/train.csv
	@sh tests/eval/reproduce.sh $(BUILD)/cam $(EVAL_DATA)

# `make results`: the paper's claims at small scale, written to models/RESULTS.md
# (tests/eval/results.sh runs `cam eval --json --per-image` for each row,
# models/make_results.py makes the tables with 95% Wilson / bootstrap
# intervals). Generated data: $(RESULTS_DIR) (ignored). About 5-8 minutes.
RESULTS_DIR = $(BUILD)/results
RESULTS_COUNT ?= 5000
BACKPROP_LIMIT ?= 2000

$(RESULTS_DIR)/fmnist/test.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split test --count $(RESULTS_COUNT) --seed 0 --out $(RESULTS_DIR)/fmnist

$(RESULTS_DIR)/unseen/train.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split train --count 2000 --seed 0 --classes 5,6,7,8,9 --out $(RESULTS_DIR)/unseen
	$(PYTHON) models/make_dataset.py --split test --count 1000 --seed 0 --classes 5,6,7,8,9 --out $(RESULTS_DIR)/unseen

.PHONY: results
results: $(BUILD)/cam $(RESULTS_DIR)/fmnist/test.csv $(RESULTS_DIR)/unseen/train.csv
	BACKPROP_LIMIT=$(BACKPROP_LIMIT) nice sh tests/eval/results.sh $(BUILD)/cam $(RESULTS_DIR)/fmnist \
	    $(RESULTS_DIR)/unseen $(RESULTS_DIR)/out
	$(PYTHON) models/make_results.py $(RESULTS_DIR)/out $(RESULTS_DIR)/fmnist $(RESULTS_DIR)/unseen \
	    > $(RESULTS_DIR)/RESULTS.md
	cp $(RESULTS_DIR)/RESULTS.md models/RESULTS.md
