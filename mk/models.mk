# mk/models.mk - shipped ONNX models, their dataset and their check (owner: models)
#
# models-data   generates the localization test split (5000 PNGs + models/data/test.csv,
#               the set README's accuracies refer to); deterministic, a few seconds.
# models-train  retrains every shipped model from scratch and rewrites models/samples/
#               (tens of minutes on 2 cores; not run by tests or CI). Update the table in
#               models/README.md afterwards: models/check_models.py compares against it.
# The test (models/check_models.py) needs only the files in git and /usr/bin/python3.

MODELS_NICE = nice -n 5

.PHONY: models-data models-train models-samples models-check

models-data: models/data/test.csv

models/data/test.csv: models/make_dataset.py
	$(PYTHON) models/make_dataset.py --split test --count 5000 --seed 0 --out models/data

models-samples:
	$(PYTHON) models/make_samples.py

models-train:
	$(MODELS_NICE) $(PYTHON) models/train.py --pool gap --out models/fmnist-gap.onnx
	$(MODELS_NICE) $(PYTHON) models/train.py --pool gmp --out models/fmnist-gmp.onnx
	$(MODELS_NICE) $(PYTHON) models/train.py --pool gap --classes 0,1,2,3,4 --out models/fmnist-gap-05.onnx
	$(PYTHON) models/make_samples.py

models-check:
	$(PYTHON) models/check_models.py

TEST_PROGS += '$(PYTHON) models/check_models.py'
