"""cam map --svm (paper section 4): class weights from a liblinear model on GAP
features. Trains a 2-class SVM with liblinear-train on `cam features` of the
samples, then checks against an independent numpy computation from the model
file and the feature tensor: the printed scores are the decision values
w . GAP(F) + b, and the raw maps (--save-maps) are w . F.

usage: test_svm_map.py CAM_BIN WORKDIR [RUN_PREFIX]"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import testlib  # noqa: E402

cam, work = sys.argv[1], sys.argv[2]
prefix = testlib.prefix_arg(3)
model = "models/fmnist-gap.onnx"
samples = "models/samples"
os.makedirs(work, exist_ok=True)

train = shutil.which("liblinear-train") or shutil.which("train")
if not train:
    testlib.report(False, "svm_map_liblinear_present", "liblinear-train is missing (Debian liblinear-tools)")
    sys.exit(1)

# "long" items (trouser, dress) against the rest: a task the network never trained on
images = sorted(f for f in os.listdir(samples) if f.endswith(".png"))
lst = os.path.join(work, "list.txt")
with open(lst, "w") as f:
    for name in images:
        f.write("%s %d\n" % (os.path.abspath(os.path.join(samples, name)), 1 if ("trouser" in name or "dress" in name) else 2))
feats = os.path.join(work, "f.svm")
rc, out, err = testlib.run(prefix, cam, "features", model, lst, "--out", feats, "--labels")
testlib.report(rc == 0, "svm_map_features", err)
mfile = os.path.join(work, "m.model")
r = subprocess.run([train, "-s", "1", "-B", "1", "-q", feats, mfile], capture_output=True, text=True)
testlib.report(r.returncode == 0, "svm_map_train", r.stderr)

# the model file: labels, then w as nr_feature + 1 rows of nr_class values (2 classes: one column)
lines = open(mfile).read().split("\n")
labels = [int(v) for v in next(l for l in lines if l.startswith("label")).split()[1:]]
wi = lines.index("w")
w = np.array([[float(v) for v in l.split()] for l in lines[wi + 1:] if l.strip()])
K = w.shape[0] - 1
if w.shape[1] == 1:  # two classes: one weight vector for the first label, its negation for the second
    W = np.stack([w[:K, 0], -w[:K, 0]])
    B = np.array([w[K, 0], -w[K, 0]])
else:
    W, B = w[:K].T, w[K]

img = os.path.join(samples, [n for n in images if "trouser" in n][0])
# the feature tensor of the same forward, through cam run
rc, out, err = testlib.run(prefix, cam, "map", model, img, "--svm", mfile, "--top", "2", "--json",
                           "--save-maps", os.path.join(work, "maps.npy"))
testlib.report(rc == 0, "svm_map_runs", err)
res = json.loads(out)[0]["classes"]
info = json.loads(testlib.run(prefix, cam, "info", model, "--json")[1])
feature = info["cam_head"]["feature"]
pre = os.path.join(work, "in.npy")
# preprocess the same way: gray, (x/255 - mean) / std, 64x64 (the samples are 64x64)
from PIL import Image  # noqa: E402
meta = info["metadata"]
mean, std = float(meta["cam.mean"]), float(meta["cam.std"])
a = np.asarray(Image.open(img).convert("L"), dtype=np.float32) / 255.0
np.save(pre, ((a - mean) / std)[None, None].astype(np.float32))
fnpy = os.path.join(work, "feat.npy")
rc, out, err = testlib.run(prefix, cam, "run", model, "--input", pre, "--output", "%s=%s" % (feature, fnpy))
testlib.report(rc == 0, "svm_map_feature_tensor", err)
F = np.load(fnpy)[0].astype(np.float64)  # K x h x w
gap = F.reshape(K, -1).mean(axis=1)
dec = W @ gap + B
order = np.argsort(-dec, kind="stable")
got = [(c["class"], c["score"]) for c in res]
testlib.report([c for c, _ in got] == list(order[:2]), "svm_map_classes_by_decision_value",
               "got %s, want %s" % (got, order[:2]))
testlib.report(all(abs(s - dec[c]) <= 1e-4 * max(1.0, abs(dec[c])) for c, s in got), "svm_map_scores_equal_w_gap_plus_b",
               "got %s, want %s" % (got, dec))
testlib.report(all(c["label"] == "svm label %d" % labels[c["class"]] for c in res), "svm_map_labels",
               str([c["label"] for c in res]))
maps = np.load(os.path.join(work, "maps.npy"))  # classes x h x w, before rectify/normalise
want = np.einsum("ck,khw->chw", W[order[:2]], F)
err = np.abs(maps - want).max() / max(1e-12, np.abs(want).max())
testlib.report(err < 1e-4, "svm_map_raw_maps_equal_w_f", "relative error %g" % err)
rc, out, err = testlib.run(prefix, cam, "map", model, img, "--svm", os.path.join(work, "missing.model"))
testlib.report(rc != 0 and "cam map: error:" in err, "svm_map_missing_model_fails", err)
rc, out, err = testlib.run(prefix, cam, "map", model, img, "--svm", mfile, "--method", "backprop")
testlib.report(rc != 0 and "does not combine" in err, "svm_map_backprop_refused", err)
sys.exit(1 if testlib.failed else 0)
