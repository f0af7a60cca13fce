#!/usr/bin/python3
"""Whole-network parity: cam's logits against PyTorch's on torchvision CNNs.

For each model and batch runs
    PREFIX CAM run TV/MODEL.onnx --input input=TV/input_bN.npy --output output=TMP/y.npy
and compares y with TV/MODEL.bN.npy (PyTorch eager, float32), both made by
export_tv.py. The check is max |y - ref| <= tol * max |ref|: relative to the largest
logit, because the seeded random networks give logits from about 0.03 (alexnet) to
2 (resnet50) and an absolute bound would mean something different for each.
Prints "ok parity/MODEL/bN" or "not ok parity/MODEL/bN: maxdiff=..." per check, plus
"# ..." comment lines with timings (tests/run_tests.sh counts only ok / not ok).

cam.h promises bit-identical outputs for any thread count, so batch 1 also runs with
--threads 1 and must match the default run (all cores) exactly:
"ok parity/MODEL/b1/threads". Left out under an emulator (--prefix), where it would
only double the slowest part.

PREFIX (--prefix, else $RUN_PREFIX) runs cam under an emulator, e.g.
"qemu-aarch64 -L /usr/aarch64-linux-gnu" for `make check-neon`.

usage: /usr/bin/python3 tests/parity/run_parity.py [--cam build/cam] [--tv build/tv]
           [--prefix CMD] [--models "resnet18 ..."] [--batches "1 4"] [--tol 1e-4]
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
import numpy as np  # noqa: E402

ARCHS = ["resnet18", "resnet50", "mobilenet_v2", "googlenet", "vgg16",
         "alexnet", "squeezenet1_1"]


def run_cam(name, cmd, out_path, timeout):
    """Runs cam; returns (output array, seconds, None) or (None, 0, the failure line)."""
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 0, "not ok %s: timed out after %d s" % (name, timeout)
    except OSError as e:
        return None, 0, "not ok %s: cannot run %s: %s" % (name, cmd[0], e)
    dt = time.time() - t0
    if p.returncode != 0:
        lines = p.stdout.decode("utf-8", "replace").strip().splitlines()
        why = lines[-1] if lines else "no output"
        return None, 0, "not ok %s: cam exited with status %d: %s" % (
            name, p.returncode, why[:300])
    try:
        return np.load(out_path), dt, None
    except (OSError, ValueError) as e:
        return None, 0, "not ok %s: cannot read cam's output: %s" % (name, e)


def check(name, cmd, out_path, ref_path, tol, timeout):
    """Runs one model and compares with PyTorch; returns (line to print, output)."""
    y, dt, fail = run_cam(name, cmd, out_path, timeout)
    if fail:
        return fail, None
    return compare(name, y, ref_path, tol, dt), y


def compare(name, y, ref_path, tol, dt):
    ref = np.load(ref_path)
    if y.shape != ref.shape:
        return "not ok %s: output shape %s, PyTorch's is %s" % (name, y.shape, ref.shape)
    if y.dtype != np.float32:
        return "not ok %s: output dtype %s, expected float32" % (name, y.dtype)
    scale = float(np.abs(ref).max())
    diff = np.abs(y.astype(np.float64) - ref.astype(np.float64))
    maxdiff = float(diff.max()) if diff.size else 0.0
    if not np.isfinite(maxdiff):
        maxdiff = float("inf")
    rel = maxdiff / scale if scale > 0 else maxdiff
    detail = "maxdiff=%.3e rel=%.3e max|logit|=%.3e" % (maxdiff, rel, scale)
    if rel <= tol:
        return "# %s %s time=%.2fs\nok %s" % (name, detail, dt, name)
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return "not ok %s: %s (tolerance %.0e), worst at %s: cam %.6g, pytorch %.6g" % (
        name, detail, tol, list(map(int, worst)), float(y[worst]), float(ref[worst]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cam", default="build/cam")
    ap.add_argument("--tv", default="build/tv")
    ap.add_argument("--prefix", default=os.environ.get("RUN_PREFIX", ""))
    ap.add_argument("--models", default=" ".join(ARCHS))
    ap.add_argument("--batches", default="1 4")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--timeout", type=int, default=600, help="seconds per model run")
    args = ap.parse_args()

    models = args.models.split()
    batches = [int(b) for b in args.batches.split()]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="cam-parity-") as tmp:
        for m in models:
            for b in batches:
                name = "parity/%s/b%d" % (m, b)
                onnx = os.path.join(args.tv, m + ".onnx")
                x = os.path.join(args.tv, "input_b%d.npy" % b)
                ref = os.path.join(args.tv, "%s.b%d.npy" % (m, b))
                missing = [f for f in (onnx, x, ref) if not os.path.exists(f)]
                if missing:
                    line = "not ok %s: missing %s (run tests/parity/export_tv.py)" % (
                        name, " ".join(missing))
                else:
                    out = os.path.join(tmp, "%s.b%d.npy" % (m, b))
                    cmd = shlex.split(args.prefix) + [
                        args.cam, "run", onnx, "--input", "input=" + x,
                        "--output", "output=" + out]
                    line, y = check(name, cmd, out, ref, args.tol, args.timeout)
                    if b == 1 and y is not None and not args.prefix.strip():
                        out1 = os.path.join(tmp, "%s.b%d.t1.npy" % (m, b))
                        cmd1 = [args.cam, "run", onnx, "--input", "input=" + x,
                                "--output", "output=" + out1, "--threads", "1"]
                        y1, _, fail = run_cam(name + "/threads", cmd1, out1, args.timeout)
                        if fail:
                            line += "\n" + fail
                        elif y1.shape == y.shape and np.array_equal(y1, y):
                            line += "\nok %s/threads" % name
                        else:
                            d = np.abs(y1.astype(np.float64) - y) if y1.shape == y.shape else None
                            line += "\nnot ok %s/threads: --threads 1 differs from the default " \
                                "(maxdiff %s)" % (name, "%.3e" % d.max() if d is not None
                                                  else "shape %s" % (y1.shape,))
                failed += "not ok" in line
                print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
