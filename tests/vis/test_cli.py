#!/usr/bin/python3
"""End-to-end checks of `cam classify`, `cam map` and `cam features`: output
formats, pictures, raw maps, and the paper's identities checked against the
classifier initializers read from the ONNX file with the onnx package
(score_c = mean(M_c) + b_c; scores = W . GAP features + b); every error path
prints one line `cam CMD: error: ...` and exits non-zero.

usage: test_cli.py CAM_BINARY WORKDIR [RUN_PREFIX]"""
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import testlib  # noqa: E402
from testlib import report  # noqa: E402

CAM, WORK = sys.argv[1], sys.argv[2]
PREFIX = testlib.prefix_arg(3)


def cam(*args):
    return testlib.run(PREFIX, CAM, *args)


def one_error_line(cmd, rc, err, want_rc=None):
    lines = [l for l in err.split("\n") if l]
    return (rc != 0 and (want_rc is None or rc == want_rc) and len(lines) == 1 and
            lines[0].startswith("cam %s: error: " % cmd))


def classifier(model_path):
    """W (C x K) and b of the last Gemm/MatMul, from the ONNX initializers."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    for node in reversed(m.graph.node):
        if node.op_type in ("Gemm", "MatMul") and node.input[1] in inits:
            w = inits[node.input[1]].astype(np.float64)
            trans_b = any(a.name == "transB" and a.i == 1 for a in node.attribute)
            if node.op_type == "MatMul" or not trans_b:
                w = w.T
            b = inits.get(node.input[2]) if len(node.input) > 2 else None
            return w, (np.zeros(w.shape[0]) if b is None else b.astype(np.float64))
    return None, None


def pick_model():
    """The shipped model with its sample images, else a torchvision export
    with its preprocessed .npy input."""
    if os.path.exists("models/fmnist-gap.onnx") and os.path.isdir("models/samples"):
        imgs = sorted(os.path.join("models/samples", f) for f in os.listdir("models/samples")
                      if f.endswith(".png"))
        if imgs:
            return "models/fmnist-gap.onnx", imgs[:4]
    if os.path.exists("build/tv/resnet18.onnx") and os.path.exists("build/tv/input_b4.npy"):
        x = np.load("build/tv/input_b4.npy")
        paths = []
        for i in range(x.shape[0]):  # one preprocessed image per file, C x H x W
            paths.append(os.path.join(WORK, "input_%d.npy" % i))
            np.save(paths[-1], x[i])
        return "build/tv/resnet18.onnx", paths
    return None, None


def test_errors(model):
    rc, out, err = cam("map", "--help")
    report(rc == 0 and "usage: cam map" in out, "cli_map_help")
    for cmd in ("classify", "features"):
        rc, out, err = cam(cmd, "--help")
        report(rc == 0 and ("usage: cam " + cmd) in out, "cli_%s_help" % cmd)
    rc, out, err = cam("map")
    report(rc == 2 and "usage" in err, "cli_map_no_args", "rc %d" % rc)
    m = model or "nonexistent.onnx"
    cases = [
        ("map", ["--threshold", "7", m, "x.png"], 2, "bad_threshold"),
        ("map", ["--connectivity", "6", m, "x.png"], 2, "bad_connectivity"),
        ("map", ["--rectify", "sometimes", m, "x.png"], 2, "bad_rectify"),
        ("map", ["--bogus", m, "x.png"], 2, "unknown_option"),
        ("classify", ["--top", "0", m, "x.png"], 2, "bad_top"),
        ("features", [m, "x.png", "--out", os.path.join(WORK, "f.txt"), "--format", "xml"], 2, "bad_format"),
        ("map", ["nonexistent.onnx", "x.png"], 1, "missing_model"),
    ]
    if model:
        bad = os.path.join(WORK, "not_an_image.png")
        with open(bad, "w") as f:
            f.write("hello")
        cases += [
            ("map", [model, os.path.join(WORK, "missing.png")], 1, "missing_image"),
            ("classify", [model, bad], 1, "not_an_image"),
            ("map", [model, "--class", "100000", bad], 1, "class_out_of_range"),
            ("features", [model, os.path.join(WORK, "missing_list.txt"), "--out", os.path.join(WORK, "f.txt")], 1,
             "missing_list"),
            ("map", [model, bad, "--out", "/proc/cam_no_such_dir/x"], 1, "bad_out_dir"),
        ]
    for cmd, args, want, name in cases:
        rc, out, err = cam(cmd, *args)
        report(one_error_line(cmd, rc, err, want), "cli_err_%s_%s" % (cmd, name), "rc %d stderr %r" % (rc, err))


def test_model(model, images):
    W, b = classifier(model)
    # classify --json
    rc, out, err = cam("classify", model, *images, "--top", "3", "--json")
    try:
        cls = json.loads(out)
    except ValueError as e:
        cls = None
        err += repr(e)
    ok = rc == 0 and cls is not None and len(cls) == len(images) and all(len(c["top"]) == 3 for c in cls)
    ok = ok and all(c["top"][0]["score"] >= c["top"][1]["score"] >= c["top"][2]["score"] for c in cls)
    report(ok, "cli_classify_json", "rc %d %s" % (rc, err.strip()))
    # map --json with pictures and raw maps
    outdir = os.path.join(WORK, "maps")
    npy = os.path.join(WORK, "maps.npy")
    rc, out, err = cam("map", model, images[0], "--top", "3", "--json", "--out", outdir, "--save-maps", npy,
                       "--all-boxes", "--ilsvrc")
    try:
        mp = json.loads(out)
    except ValueError as e:
        mp = None
        err += repr(e)
    ok = rc == 0 and mp is not None and len(mp) == 1 and len(mp[0]["classes"]) == 3
    if ok:
        r = mp[0]
        for c in r["classes"]:
            bx = c["box"]
            ok = ok and (bx is None or (0 <= bx[0] <= bx[2] < r["width"] and 0 <= bx[1] <= bx[3] < r["height"]))
            ok = ok and (bx is None or c["boxes"][0] == bx)
        ok = ok and [c["class"] for c in r["classes"]] == [c["class"] for c in cls[0]["top"]]
        ok = ok and len(r["ilsvrc"]) <= 5
    report(ok, "cli_map_json_boxes_inside_image", "rc %d %s" % (rc, err.strip()))
    stem = os.path.splitext(os.path.basename(images[0]))[0]
    pics = [os.path.join(outdir, stem + s) for s in ("_cam.png", "_grid.png")]
    report(all(os.path.exists(p) and open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n" for p in pics),
           "cli_map_writes_pngs", "%s" % pics)
    if mp is not None and os.path.exists(npy):
        maps = np.load(npy)
        ok = maps.ndim == 3 and maps.shape[0] == 3
        if ok and W is not None:
            # the paper's identity on the raw maps: score = mean(M_c) + b_c
            errs = [abs(float(maps[j].astype(np.float64).mean()) + b[c["class"]] - c["score"])
                    for j, c in enumerate(mp[0]["classes"])]
            ok = max(errs) < 1e-3 * max(1.0, max(abs(c["score"]) for c in mp[0]["classes"]))
        report(ok, "cli_save_maps_mean_plus_bias_is_score", "shape %s" % (maps.shape,))
    else:
        report(False, "cli_save_maps_mean_plus_bias_is_score", "no maps written")
    # the CLI's boxes from the raw maps, independently: bilinear upsampling to the
    # image (torch), threshold 0.2 * max, scipy labelling, largest component
    if mp is not None and os.path.exists(npy) and mp[0]["width"] == mp[0]["height"]:
        import torch
        import torch.nn.functional as F
        from scipy import ndimage
        maps = np.load(npy)
        ok, why = True, ""
        for j, c in enumerate(mp[0]["classes"]):
            up = F.interpolate(torch.from_numpy(maps[j])[None, None], size=(mp[0]["height"], mp[0]["width"]),
                               mode="bilinear", align_corners=False)[0, 0].numpy().astype(np.float64)
            if not up.max() > 0:
                ok = ok and c["box"] is None
                continue
            lab, n = ndimage.label(up >= 0.2 * up.max(), structure=np.ones((3, 3), int))
            sizes = np.bincount(lab.ravel())[1:]
            sums = np.bincount(lab.ravel(), weights=up.ravel())[1:]
            best = sorted(range(n), key=lambda i: (-sizes[i], -sums[i], i))[0]
            sy, sx = ndimage.find_objects(lab)[best]
            want = [sx.start, sy.start, sx.stop - 1, sy.stop - 1]
            if c["box"] != want:
                ok, why = False, "class %d: %s vs %s" % (c["class"], c["box"], want)
        report(ok, "cli_map_boxes_vs_torch_scipy", why)
    # every map option parses and runs
    rc, out, err = cam("map", model, images[0], "--class", "0", "--class", "1", "--rectify", "relu", "--normalize",
                       "minmax", "--normalize-first", "--interp", "bicubic", "--threshold", "0.5", "--threshold-mode",
                       "range", "--strict", "--connectivity", "4", "--alpha", "0.8", "--json")
    try:
        ok = rc == 0 and [c["class"] for c in json.loads(out)[0]["classes"]] == [0, 1]
    except ValueError:
        ok = False
    report(ok, "cli_map_all_options", "rc %d %s" % (rc, err.strip()))
    # features in three formats, from a list file with labels
    lst = os.path.join(WORK, "list.txt")
    with open(lst, "w") as f:
        f.write("# images\n")
        for i, p in enumerate(images):
            f.write("%s %d\n" % (os.path.abspath(p), i % 2))
    feats = {}
    for fmt, name in (("libsvm", "f.svm"), ("csv", "f.csv"), ("npy", "f.npy")):
        path = os.path.join(WORK, name)
        rc, out, err = cam("features", model, lst, "--out", path, "--format", fmt, "--labels", "--batch", "3")
        if rc != 0:
            report(False, "cli_features_" + fmt, err.strip())
            continue
        if fmt == "libsvm":
            rows, labels = [], []
            ok = True
            for line in open(path):
                parts = line.split()
                labels.append(int(parts[0]))
                idx = [int(p.split(":")[0]) for p in parts[1:]]
                ok = ok and idx == sorted(idx) and (not idx or idx[0] >= 1)
                rows.append({int(p.split(":")[0]): float(p.split(":")[1]) for p in parts[1:]})
            k = W.shape[1] if W is not None else max(max(r) for r in rows if r)
            X = np.zeros((len(rows), k))
            for i, r in enumerate(rows):
                for j, v in r.items():
                    X[i, j - 1] = v
            report(ok and labels == [i % 2 for i in range(len(images))], "cli_features_libsvm_format")
        elif fmt == "csv":
            A = np.loadtxt(path, delimiter=",", ndmin=2)
            report(list(A[:, 0].astype(int)) == [i % 2 for i in range(len(images))], "cli_features_csv_format")
            X = A[:, 1:]
        else:
            X = np.load(path).astype(np.float64)
            lab = np.load(path[:-4] + ".labels.npy")
            report(X.shape[0] == len(images) and list(lab) == [i % 2 for i in range(len(images))],
                   "cli_features_npy_format")
        feats[fmt] = X
    if len(feats) == 3:
        same = all(np.allclose(feats["npy"], feats[f], rtol=1e-6, atol=1e-6) for f in ("libsvm", "csv"))
        report(same, "cli_features_formats_agree")
        if W is not None:
            # scores = W . GAP features + b (GAP heads), against `cam classify`
            S = feats["npy"] @ W.T + b
            errs = [abs(S[i, t["class"]] - t["score"]) for i, c in enumerate(cls) for t in c["top"]]
            report(max(errs) < 1e-3 * max(1.0, float(np.abs(S).max())), "cli_features_times_W_plus_b_is_score",
                   "max err %g" % max(errs))


def main():
    os.makedirs(WORK, exist_ok=True)
    model, images = pick_model()
    test_errors(model)
    if model:
        test_model(model, images)
    else:
        print("# no model to run (models/fmnist-gap.onnx or build/tv/resnet18.onnx): end-to-end checks skipped")
    sys.exit(1 if testlib.failed else 0)


if __name__ == "__main__":
    main()
