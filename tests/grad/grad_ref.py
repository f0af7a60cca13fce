#!/usr/bin/python3
"""Reference gradients for tests/test_grad.c: an ONNX graph run op by op with
torch.nn.functional (the initializers loaded as tensors), so PyTorch autograd
gives dS_c/dx, S_c being the class score before any final Softmax.

usage: grad_ref.py grad MODEL INPUT.npy IMAGE CLASS OUT.npy
           writes dS_c/dx (float32, the input's shape)
       grad_ref.py check NAME MODEL INPUT.npy IMAGE CLASS CAM_GRAD.npy [PRE_DIR]
           prints "ok grad_torch_NAME" or "not ok ..." comparing cam's gradient
           with autograd's (see check())
       grad_ref.py relu-names MODEL OUT.txt
           the input names of the model's Relu and MaxPool nodes, one a line
       grad_ref.py tiny OUTDIR
           writes tiny.onnx (conv variants, BN, LRN, pools, concat, Softmax
           head), smooth.onnx (its twin without kinks, for finite
           differences), misc.onnx (Pad, Transpose, Slice, Div, Mul, Exp, an
           inner Softmax, ReduceMean, MatMul, Sub), tiny_in.npy (seeded, batch
           2) and unsupported.onnx (an elementwise Max on the path)
"""
import sys

sys.dont_write_bytecode = True

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def pad2d(x, pads, value=0.0):
    """ONNX pads [top, left, bottom, right] to F.pad order."""
    t, l, b, r = pads
    if not any(pads):
        return x
    return F.pad(x, (l, r, t, b), value=value)


def run(model, x, relu_pre=None, masks=None, bounds=None):
    """Returns (env, name of the class scores before Softmax). relu_pre, a
    dict, receives the input tensor of every Relu; masks (input name -> bool
    tensor: cam's values of that tensor) replaces a Relu by x * (cam > 0)
    and a Clip pass the gradient where lo < cam < hi, and makes a MaxPool
    take the window element that is largest in cam's values: the gradient
    then follows cam's decisions at kinks and ties. bounds receives (lo, hi)
    of each Relu and Clip input (the kinks)."""
    g = model.graph
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    env[g.input[0].name] = x
    last_softmax_in = None
    for n in g.node:
        a = attrs(n)
        ins = [env[i] if i else None for i in n.input]
        op = n.op_type
        if op == "Conv":
            w = ins[1]
            pads = list(a.get("pads", [0, 0, 0, 0]))
            xx = pad2d(ins[0], pads)
            y = F.conv2d(xx, w, ins[2] if len(ins) > 2 else None, stride=tuple(a.get("strides", [1, 1])),
                         dilation=tuple(a.get("dilations", [1, 1])), groups=a.get("group", 1))
        elif op == "BatchNormalization":
            y = F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], False, 0.0, a.get("epsilon", 1e-5))
        elif op == "Relu":
            if masks is not None and n.input[0] in masks:
                y = ins[0] * (masks[n.input[0]] > 0).to(ins[0].dtype)
            else:
                y = F.relu(ins[0])
            if relu_pre is not None:
                relu_pre[n.input[0]] = ins[0]
            if bounds is not None:
                bounds[n.input[0]] = (0.0, float("inf"))
        elif op == "LeakyRelu":
            y = F.leaky_relu(ins[0], a.get("alpha", 0.01))
        elif op == "Clip":
            lo = float(ins[1]) if len(ins) > 1 and ins[1] is not None else a.get("min", -3.4e38)
            hi = float(ins[2]) if len(ins) > 2 and ins[2] is not None else a.get("max", 3.4e38)
            if masks is not None and n.input[0] in masks:
                m = masks[n.input[0]]
                y = torch.where((m > lo) & (m < hi), ins[0], torch.clamp(ins[0], lo, hi).detach())
            else:
                y = F.hardtanh(ins[0], lo, hi)
            if relu_pre is not None:
                relu_pre[n.input[0]] = ins[0]
            if bounds is not None:
                bounds[n.input[0]] = (lo, hi)
        elif op == "Sigmoid":
            y = torch.sigmoid(ins[0])
        elif op == "Tanh":
            y = torch.tanh(ins[0])
        elif op in ("MaxPool", "AveragePool"):
            k = tuple(a["kernel_shape"])
            s = tuple(a.get("strides", [1, 1]))
            pads = list(a.get("pads", [0, 0, 0, 0]))
            ceil = bool(a.get("ceil_mode", 0))
            if op == "MaxPool":
                sym = pads[0] == pads[2] and pads[1] == pads[3]
                if masks is not None and n.input[0] in masks:
                    # the window maxima cam picked: indices from cam's values
                    ref = masks[n.input[0]]
                    src = ins[0] if sym else pad2d(ins[0], pads, float("-inf"))
                    ref = ref if sym else pad2d(ref, pads, float("-inf"))
                    _, idx = F.max_pool2d(ref, k, s, (pads[0], pads[1]) if sym else 0,
                                          tuple(a.get("dilations", [1, 1])), ceil, return_indices=True)
                    y = torch.gather(src.flatten(2), 2, idx.flatten(2)).reshape(idx.shape)
                elif sym:
                    y = F.max_pool2d(ins[0], k, s, (pads[0], pads[1]), tuple(a.get("dilations", [1, 1])), ceil)
                else:
                    y = F.max_pool2d(pad2d(ins[0], pads, float("-inf")), k, s, 0, tuple(a.get("dilations", [1, 1])), ceil)
            else:
                assert pads[0] == pads[2] and pads[1] == pads[3]
                y = F.avg_pool2d(ins[0], k, s, (pads[0], pads[1]), ceil, bool(a.get("count_include_pad", 0)))
        elif op == "GlobalAveragePool":
            y = ins[0].mean(dim=(2, 3), keepdim=True)
        elif op == "GlobalMaxPool":
            # one index per map (the first maximum), as cam.h; amax would split ties
            f = ins[0].flatten(2)
            idx = f.argmax(dim=2, keepdim=True)
            y = torch.gather(f, 2, idx).unsqueeze(-1)
        elif op == "LRN":
            y = F.local_response_norm(ins[0], a["size"], a.get("alpha", 1e-4), a.get("beta", 0.75), a.get("bias", 1.0))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            shp = [int(v) for v in ins[1]]
            shp = [ins[0].shape[i] if v == 0 else v for i, v in enumerate(shp)]
            y = ins[0].reshape(shp)
        elif op == "Gemm":
            A = ins[0].t() if a.get("transA", 0) else ins[0]
            B = ins[1].t() if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            y = ins[0] @ ins[1]
        elif op == "Add":
            y = ins[0] + ins[1]
        elif op == "Sub":
            y = ins[0] - ins[1]
        elif op == "Mul":
            y = ins[0] * ins[1]
        elif op == "Div":
            y = ins[0] / ins[1]
        elif op == "Max":
            y = torch.maximum(ins[0], ins[1])
        elif op == "Concat":
            y = torch.cat(ins, dim=a.get("axis", 1))
        elif op == "Pad":
            pads = [int(v) for v in ins[1]]
            nd = len(pads) // 2
            fp = []
            for i in reversed(range(nd)):
                fp += [pads[i], pads[i + nd]]
            val = float(ins[2]) if len(ins) > 2 and ins[2] is not None else 0.0
            y = F.pad(ins[0], fp, value=val)
        elif op == "Transpose":
            y = ins[0].permute(*a["perm"])
        elif op == "Slice":
            st, en = [int(v) for v in ins[1]], [int(v) for v in ins[2]]
            axes = [int(v) for v in ins[3]] if len(ins) > 3 else list(range(len(st)))
            steps = [int(v) for v in ins[4]] if len(ins) > 4 else [1] * len(st)
            idx = [slice(None)] * ins[0].dim()
            for b0, e0, ax, sp in zip(st, en, axes, steps):
                idx[ax] = slice(b0, e0, sp)
            y = ins[0][tuple(idx)]
        elif op == "ReduceMean":
            y = ins[0].mean(dim=tuple(a["axes"]), keepdim=bool(a.get("keepdims", 1)))
        elif op == "Exp":
            y = torch.exp(ins[0])
        elif op in ("Identity", "Dropout"):
            y = ins[0]
        elif op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op in ("Softmax", "LogSoftmax"):
            last_softmax_in = n.input[0]
            fn = torch.softmax if op == "Softmax" else torch.log_softmax
            y = fn(ins[0], dim=a.get("axis", -1))
        else:
            raise SystemExit("grad_ref.py: no torch mapping for %s" % op)
        env[n.output[0]] = y
    out = g.output[0].name
    prod = [n for n in g.node if out in n.output][0]
    score = prod.input[0] if prod.op_type in ("Softmax", "LogSoftmax") else out
    del last_softmax_in
    return env, score


def grad(model_path, in_path, image, cls, out_path):
    torch.set_grad_enabled(True)
    model = onnx.load(model_path)
    x = torch.from_numpy(np.load(in_path).astype(np.float32)).requires_grad_(True)
    env, score = run(model, x)
    s = env[score].reshape(x.shape[0], -1)
    s[image, cls].backward()
    np.save(out_path, x.grad.numpy().astype(np.float32))


def relu_inputs(model):
    """Tensors whose values decide kinks: inputs of Relu, Clip and MaxPool nodes."""
    out = []
    for n in model.graph.node:
        if n.op_type in ("Relu", "Clip", "MaxPool") and n.input[0] not in out:
            out.append(n.input[0])
    return out


def autograd(model, x, image, cls, masks=None):
    x = x.detach().clone().requires_grad_(True)
    env, score = run(model, x, masks=masks)
    env[score].reshape(x.shape[0], -1)[image, cls].backward()
    return x.grad.numpy().astype(np.float64)


def check(name, model_path, in_path, image, cls, cam_path, pre_dir=None, tol=1e-4, kink=1e-5):
    """ok/not ok line: cam's gradient (cam_path) vs autograd's, within tol of
    the largest |gradient|. A float32 forward may decide a Relu whose input is
    within rounding of 0 either way (cam's conv sums in another order than
    PyTorch's, with BatchNormalization folded), and both are valid gradients.
    So when pre_dir holds cam's Relu inputs (test_grad --dump), autograd is
    run again with cam's Relu and Clip masks and MaxPool picks; that passes if it
    meets tol, every unit where the masks disagree is within `kink` (relative
    to its tensor's max |value|) of 0 in PyTorch's forward, and cam's values
    of those tensors are within 1e-4 of PyTorch's (relative to the max)."""
    torch.set_grad_enabled(True)
    model = onnx.load(model_path)
    x = torch.from_numpy(np.load(in_path).astype(np.float32))
    gt = autograd(model, x, image, cls)
    gc = np.load(cam_path).astype(np.float64)
    scale = np.abs(gt).max()
    err = np.abs(gc - gt).max() / scale
    ok = err <= tol
    note = ""
    if not ok and pre_dir:
        pre, bounds = {}, {}
        with torch.no_grad():
            run(model, x, pre, bounds=bounds)
        masks, flips, worst, dev = {}, 0, 0.0, 0.0
        for k, nm in enumerate(relu_inputs(model)):
            z = np.load("%s/%d.npy" % (pre_dir, k))
            masks[nm] = torch.from_numpy(z)
            if nm not in pre:
                continue
            tz = pre[nm].numpy()
            lo, hi = bounds[nm]
            dev = max(dev, float(np.abs(z - tz).max() / np.abs(tz).max()))
            diff = ((z > lo) & (z < hi)) != ((tz > lo) & (tz < hi))
            flips += int(diff.sum())
            if diff.any():
                dist = np.minimum(np.abs(tz[diff] - lo), np.abs(tz[diff] - hi))
                worst = max(worst, float((dist / np.abs(tz).max()).max()))
        gm = autograd(model, x, image, cls, masks)
        err_m = np.abs(gc - gm).max() / np.abs(gm).max()
        ok = err_m <= tol and worst <= kink and dev <= 1e-4
        note = ("; with cam's Relu/Clip masks and MaxPool picks (%d unit(s) decided the other way, at most %.1e of "
                "their tensor's max from a kink; cam's values within %.1e of PyTorch's): %.2e") % (flips, worst, dev, err_m)
    print("%s grad_torch_%s%s" % ("ok" if ok else "not ok", name,
                                  "" if ok else ": max |g - torch| / max |torch| = %.3g%s" % (err, note)))
    print("# %s: max |g - torch| / max |torch| = %.2e%s" % (name, err, note))
    sys.stdout.flush()
    return ok


def tiny(outdir):
    rng = np.random.RandomState(7)

    def init(name, *shape, scale=0.4):
        return numpy_helper.from_array((rng.randn(*shape) * scale).astype(np.float32), name)

    inits = [
        init("w1", 8, 3, 3, 3), init("b1", 8),
        numpy_helper.from_array((1 + 0.2 * rng.rand(8)).astype(np.float32), "bn_s"), init("bn_b", 8),
        init("bn_m", 8, scale=0.1), numpy_helper.from_array((0.5 + rng.rand(8)).astype(np.float32), "bn_v"),
        init("w2", 8, 1, 3, 3), init("b2", 8),
        init("w3", 8, 4, 3, 3, scale=0.3),
        init("w4", 5, 16), init("b4", 5),
        numpy_helper.from_array(np.array(0.0, np.float32), "lo"), numpy_helper.from_array(np.array(6.0, np.float32), "hi"),
    ]
    N = helper.make_node
    nodes = [
        N("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 0, 2, 1]),
        N("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"], epsilon=1e-5),
        N("LeakyRelu", ["bn"], ["r1"], alpha=0.1),
        N("Conv", ["r1", "w2", "b2"], ["c2"], group=8, strides=[2, 2], pads=[1, 1, 1, 1]),
        N("Clip", ["c2", "lo", "hi"], ["c2r"]),
        N("LRN", ["r1"], ["lrn"], size=3, alpha=0.3, beta=0.75, bias=1.5),
        N("Conv", ["lrn", "w3"], ["c3"], group=2, strides=[2, 2], dilations=[2, 2], pads=[2, 2, 2, 2]),
        N("Add", ["c3", "c2r"], ["a"]),
        N("Concat", ["c2r", "a"], ["cat"], axis=1),
        N("MaxPool", ["cat"], ["mp"], kernel_shape=[2, 2], strides=[1, 1]),
        N("AveragePool", ["cat"], ["ap"], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=0),
        N("Sigmoid", ["ap"], ["sg"]),
        N("GlobalAveragePool", ["mp"], ["gap"]),
        N("GlobalMaxPool", ["sg"], ["gmp"]),
        N("Add", ["gap", "gmp"], ["pooled"]),
        N("Flatten", ["pooled"], ["flat"]),
        N("Gemm", ["flat", "w4", "b4"], ["logits"], transB=1),
        N("Softmax", ["logits"], ["probs"], axis=1),
    ]
    g = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 10, 10])],
                          [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 5])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, outdir + "/tiny.onnx")
    np.save(outdir + "/tiny_in.npy", rng.randn(2, 3, 10, 10).astype(np.float32))

    # smooth twin for finite differences: no kinks (Tanh, Sigmoid, average pools)
    nodes = [
        N("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 0, 2, 1]),
        N("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"], epsilon=1e-5),
        N("Tanh", ["bn"], ["r1"]),
        N("Conv", ["r1", "w2", "b2"], ["c2"], group=8, strides=[2, 2], pads=[1, 1, 1, 1]),
        N("Sigmoid", ["c2"], ["c2r"]),
        N("LRN", ["r1"], ["lrn"], size=3, alpha=0.3, beta=0.75, bias=1.5),
        N("Conv", ["lrn", "w3"], ["c3"], group=2, strides=[2, 2], dilations=[2, 2], pads=[2, 2, 2, 2]),
        N("Add", ["c3", "c2r"], ["a"]),
        N("Concat", ["c2r", "a"], ["cat"], axis=1),
        N("AveragePool", ["cat"], ["mp"], kernel_shape=[2, 2], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=1),
        N("AveragePool", ["cat"], ["ap"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0),
        N("Mul", ["ap", "ap"], ["sg"]),
        N("GlobalAveragePool", ["mp"], ["gap"]),
        N("GlobalAveragePool", ["sg"], ["gmp"]),
        N("Sub", ["gap", "gmp"], ["pooled"]),
        N("Flatten", ["pooled"], ["flat"]),
        N("Gemm", ["flat", "w4", "b4"], ["logits"], transB=1),
        N("Softmax", ["logits"], ["probs"], axis=1),
    ]
    g = helper.make_graph(nodes, "smooth", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 10, 10])],
                          [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 5])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, outdir + "/smooth.onnx")

    # transposes, slices, pads, reductions, products, an inner Softmax, MatMul
    i64 = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)
    inits = [
        init("w5", 6, 3, 3, 3), init("w6", 6, 5, scale=1.0), init("b6", 5),
        numpy_helper.from_array((1 + rng.rand(1, 6, 1, 1)).astype(np.float32), "den"),
        i64("pads", [0, 0, 1, 2, 0, 0, 2, 1]), numpy_helper.from_array(np.array(0.5, np.float32), "padv"),
        i64("st", [1, 0]), i64("en", [6, 5]), i64("ax", [2, 3]), i64("sp", [2, 1]),
    ]
    nodes = [
        N("Pad", ["x", "pads", "padv"], ["p"]),
        N("Conv", ["p", "w5"], ["c"], strides=[2, 2]),
        N("Sigmoid", ["c"], ["s"]),
        N("Transpose", ["s"], ["t"], perm=[0, 1, 3, 2]),
        N("Slice", ["t", "st", "en", "ax", "sp"], ["sl"]),
        N("Div", ["sl", "den"], ["d"]),
        N("Mul", ["d", "sl"], ["m"]),
        N("Exp", ["m"], ["e"]),
        N("Softmax", ["e"], ["sm"], axis=1),
        N("ReduceMean", ["sm"], ["rm"], axes=[2, 3], keepdims=0),
        N("MatMul", ["rm", "w6"], ["mm"]),
        N("Sub", ["mm", "b6"], ["logits"]),
    ]
    g = helper.make_graph(nodes, "misc", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 10, 10])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 5])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, outdir + "/misc.onnx")

    inits = [init("wu", 2, 3 * 4 * 4)]
    nodes = [N("Relu", ["x"], ["r"]), N("Neg", ["x"], ["nx"]), N("Max", ["r", "nx"], ["m"]),
             N("Flatten", ["m"], ["f"]), N("Gemm", ["f", "wu"], ["y"], transB=1)]
    g = helper.make_graph(nodes, "unsupported", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(m, outdir + "/unsupported.onnx")


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "grad":
        grad(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif len(sys.argv) in (8, 9) and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7],
              sys.argv[8] if len(sys.argv) > 8 else None)
    elif len(sys.argv) == 4 and sys.argv[1] == "relu-names":
        with open(sys.argv[3], "w") as f:
            f.write("".join(nm + "\n" for nm in relu_inputs(onnx.load(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "tiny":
        tiny(sys.argv[2])
    else:
        raise SystemExit(__doc__)
