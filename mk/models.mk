# mk/models.mk - shipped ONNX models, their dataset and their check (owner: models)
#
# models-data   generates the localization test split (5000 PNGs + models/data/test.csv,
#               the set README's accuracies refer to); deterministic, a few seconds.
# models-data-unseen  classes 5-9 only (for fmnist-gap-05.onnx's unseen-class SVM test):
#               models/data/unseen/{train,test}.csv, 2000 + 1000 PNGs.
# models-pictures  models/pictures/samples-{gap,gmp}.png with $(BUILD)/cam map.
# models-train  retrains every shipped model from scratch and rewrites models/samples/
#               (tens of minutes on 2 cores; not run by tests or CI). Update the table in
#               models/README.md afterwards: models/check_models.py compares against it.
# The test (models/check_models.py) needs only the files in git and /usr/bin/python3.

MODELS_NICE = nice -n 5

.PHONY: models-data models-data-unseen models-train models-samples models-pictures models-check

models-data: models/data/test.csv

models/data/test.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split test --count 5000 --seed 0 --out models/data

models-data-unseen: models/data/unseen/test.csv

models/data/unseen/test.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split train --count 2000 --seed 0 --classes 5,6,7,8,9 --out models/data/unseen
	$(PYTHON) models/make_dataset.py --split test --count 1000 --seed 0 --classes 5,6,7,8,9 --out models/data/unseen

models-samples:
	$(PYTHON) models/make_samples.py

models-train:
	$(MODELS_NICE) $(PYTHON) models/train.py --pool gap --out models/fmnist-gap.onnx
	$(MODELS_NICE) $(PYTHON) models/train.py --pool gmp --threads 1 --out models/fmnist-gmp.onnx
	$(MODELS_NICE) $(PYTHON) models/train.py --pool gap --classes 0,1,2,3,4 --epochs 6 --train-count 20000 --threads 1 --out models/fmnist-gap-05.onnx
	$(PYTHON) models/make_samples.py

# CAM pictures of the samples for models/README.md, made with the cam tool.
models-pictures: $(BUILD)/cam
	rm -rf $(BUILD)/models-pictures
	for m in gap gmp; do \
	  mkdir -p $(BUILD)/models-pictures/$$m && \
	  $(BUILD)/cam map models/fmnist-$$m.onnx models/samples/*.png --top 1 --out $(BUILD)/models-pictures/$$m && \
	  $(PYTHON) models/concat_pictures.py $(BUILD)/models-pictures/$$m models/pictures/samples-$$m.png || exit 1; \
	done

models-check:
	$(PYTHON) models/check_models.py

TEST_PROGS += '$(PYTHON) models/check_models.py'
