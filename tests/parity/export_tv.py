#!/usr/bin/python3
"""Export the torchvision CNNs that the parity test runs cam on.

For each architecture writes into OUT (default build/tv, whatever BUILD is, so the
exports are made once per checkout):
  ARCH.onnx          opset 13, batch axis dynamic ("batch"), 3x224x224, input "input",
                     output "output"; seeded default init (torch.manual_seed(0)), as in
                     ../shared/anchors/models.py, then BatchNorm made non-trivial (below)
  ARCH.b1.npy        PyTorch eager logits (float32) for input_b1.npy
  ARCH.b4.npy        ... for input_b4.npy
  ARCH.json          the export settings; written last, so its presence (with the same
                     settings) means the export is complete and is skipped next time
  input_b1.npy       seeded N(0,1), 1x3x224x224 (the anchors' shared input)
  input_b4.npy       seeded N(0,1), 4x3x224x224

Why BatchNorm is changed: with the default init, eval-mode BatchNorm is the identity
(mean 0, var 1, scale 1, shift 0), so a BN-folding bug would go unseen, and activations
fade away layer by layer: googlenet's logits are its FC bias alone (the 4 rows of the
batch-4 output agree to 2e-12) and mobilenet_v2's are about 3e-9. Random scales and
shifts, and running statistics measured on a seeded calibration batch, keep every layer's
output near unit scale, so the logits depend on every conv.

One dynamic-batch export serves both batches: it also checks that cam re-plans
when the batch changes, and halves the disk use (vgg16 alone is 553 MB).

Several agents (and make -j) may run this at once: a lock file serialises them and
every file is written under a temporary name, then renamed.

usage: /usr/bin/python3 tests/parity/export_tv.py [--out DIR] [ARCH ...]
"""
import argparse
import fcntl
import json
import os
import sys
import time

sys.dont_write_bytecode = True

ARCHS = ["resnet18", "resnet50", "mobilenet_v2", "googlenet", "vgg16",
         "alexnet", "squeezenet1_1"]
# Bump VERSION when the export changes in a way the settings below do not show.
SETTINGS = {"version": 2, "bn": "random affine, calibrated stats", "calib_seed": 99, "opset": 13, "seed": 0, "input_seeds": {"b1": 1234, "b4": 4321},
            "shape": [3, 224, 224], "dynamic_batch": True, "constant_folding": True}


def settings_for(arch):
    s = dict(SETTINGS)
    s["arch"] = arch
    return s


def is_done(out, arch):
    try:
        with open(os.path.join(out, arch + ".json")) as f:
            return json.load(f) == settings_for(arch)
    except (OSError, ValueError):
        return False


def save_npy(path, array):
    import numpy as np
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(array, dtype="<f4"))
    os.replace(tmp, path)


def make_inputs(out):
    import torch
    xs = {}
    for name, seed in SETTINGS["input_seeds"].items():
        n = int(name[1:])
        g = torch.Generator().manual_seed(seed)
        x = torch.randn((n, *SETTINGS["shape"]), generator=g)
        path = os.path.join(out, "input_%s.npy" % name)
        save_npy(path, x.numpy())
        xs[name] = x
    return xs


def build(arch):
    """Untrained torchvision model with the default init, seeded, in eval mode."""
    import torch
    import torchvision.models as tvm
    torch.manual_seed(SETTINGS["seed"])
    if arch == "googlenet":
        model = tvm.googlenet(weights=None, aux_logits=False, init_weights=True)
    else:
        model = getattr(tvm, arch)(weights=None)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if bns:
        g = torch.Generator().manual_seed(SETTINGS["calib_seed"])
        with torch.no_grad():
            for bn in bns:
                bn.weight.copy_(0.5 + torch.rand(bn.weight.shape, generator=g))
                bn.bias.copy_(0.2 * torch.randn(bn.bias.shape, generator=g))
                bn.reset_running_stats()
                bn.momentum = None  # cumulative average over the calibration batch
            model.train()
            model(torch.randn((8, *SETTINGS["shape"]), generator=g))
    return model.eval()


def export(out, arch, xs):
    import torch
    model = build(arch)
    path = os.path.join(out, arch + ".onnx")
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, xs["b1"], tmp, opset_version=SETTINGS["opset"],
                          do_constant_folding=SETTINGS["constant_folding"],
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        os.replace(tmp, path)
        for name, x in xs.items():
            save_npy(os.path.join(out, "%s.%s.npy" % (arch, name)), model(x).numpy())
    tmp = os.path.join(out, arch + ".json.tmp")
    with open(tmp, "w") as f:
        json.dump(settings_for(arch), f)
    os.replace(tmp, os.path.join(out, arch + ".json"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="build/tv")
    ap.add_argument("archs", nargs="*", default=ARCHS)
    args = ap.parse_args()
    unknown = [a for a in args.archs if a not in ARCHS]
    if unknown:
        sys.exit("export_tv.py: unknown model %s; known: %s" % (" ".join(unknown), " ".join(ARCHS)))
    os.makedirs(args.out, exist_ok=True)
    inputs_ok = all(os.path.exists(os.path.join(args.out, "input_%s.npy" % n))
                    for n in SETTINGS["input_seeds"])
    if inputs_ok and all(is_done(args.out, a) for a in args.archs):
        return  # the common case: no torch import (it takes seconds)
    with open(os.path.join(args.out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        import torch
        torch.set_num_threads(1)  # the machine is shared; exports are not timed
        xs = make_inputs(args.out)
        for arch in args.archs:
            if is_done(args.out, arch):
                continue
            t0 = time.time()
            export(args.out, arch, xs)
            print("exported %s/%s.onnx in %.1f s" % (args.out, arch, time.time() - t0), flush=True)


if __name__ == "__main__":
    main()
