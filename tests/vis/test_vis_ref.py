#!/usr/bin/python3
"""Compares cam.h's box extraction, map resampling and image preprocessing with
independent implementations: scipy.ndimage.label, torch.nn.functional.interpolate,
and torchvision's PIL transforms. Drives tests/test_vis_tool.c on raw float32
files; prints "ok NAME" / "not ok NAME: why" lines.

usage: test_vis_ref.py TOOL [RUN_PREFIX]"""
import os
import sys
import tempfile

import numpy as np
from scipy import ndimage

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import testlib  # noqa: E402
from testlib import report  # noqa: E402

TOOL = sys.argv[1]
PREFIX = testlib.prefix_arg(2)


def tool(*args):
    rc, out, err = testlib.run(PREFIX, TOOL, *args)
    if rc != 0:
        raise RuntimeError("tool %s failed: %s" % (args[0], err.strip()))
    return out


def ref_boxes(m, thr, conn, strict, mode):
    """Boxes sorted like cam.h: pixels desc, sum desc, first pixel in raster order."""
    fin = np.isfinite(m)
    if not fin.any():
        return []
    lo, hi = float(m[fin].min()), float(m[fin].max())
    if mode == "max":
        if not hi > 0:
            return []
        t = thr * hi
    else:
        t = lo + thr * (hi - lo)
    v = m.astype(np.float64)
    with np.errstate(invalid="ignore"):
        mask = (v > t) if strict else (v >= t)
    structure = np.ones((3, 3), int) if conn == 8 else ndimage.generate_binary_structure(2, 1)
    lab, n = ndimage.label(mask, structure=structure)
    if n == 0:
        return []
    flat = lab.ravel()
    pixels = np.bincount(flat, minlength=n + 1)[1:]
    sums = np.bincount(flat, weights=np.where(mask, v, 0).ravel(), minlength=n + 1)[1:]
    _, first = np.unique(flat, return_index=True)
    first = first[1:] if flat[first[0]] == 0 else first
    objs = ndimage.find_objects(lab)
    comps = []
    for i in range(n):
        sy, sx = objs[i]
        comps.append((-int(pixels[i]), -float(sums[i]), int(first[i]),
                      (sx.start, sy.start, sx.stop - 1, sy.stop - 1, int(pixels[i]))))
    comps.sort()
    return [c[3] for c in comps]


def random_map(rng, w, h, kind):
    noise = rng.standard_normal((h, w))
    m = ndimage.gaussian_filter(noise, sigma=rng.uniform(0.5, 4.0), mode="nearest")
    m = (m - rng.uniform(-0.5, 0.5) * m.std()).astype(np.float32)
    if kind == 1:
        m = np.round(m / (m.std() + 1e-9) * 2).astype(np.float32)  # few levels: ties
    if kind == 2:
        m[rng.random((h, w)) < 0.05] = np.nan
    if kind == 3:
        m = -np.abs(m) - 0.1  # max <= 0
    return m


def test_boxes(tmp):
    rng = np.random.default_rng(20160627)
    path = os.path.join(tmp, "map.f32")
    bad, first, trials = 0, "", 0
    for trial in range(200):
        w, h = int(rng.integers(1, 120)), int(rng.integers(1, 90))
        if trial < 10:
            w, h = [(1, 1), (1, 7), (7, 1), (224, 224), (500, 375), (2, 2), (3, 1), (1, 3), (14, 14), (7, 7)][trial]
        kind = int(rng.integers(0, 4))
        m = random_map(rng, w, h, kind)
        thr = float(rng.choice([0.2, 0.1, 0.5, rng.uniform(0.01, 0.99)]))
        conn = int(rng.choice([4, 8]))
        strict = int(rng.integers(0, 2))
        mode = "range" if rng.integers(0, 3) == 0 else "max"
        m.tofile(path)
        out = tool("boxes", conn, strict, mode, repr(thr), w, h, path).split("\n")
        n = int(out[0])
        got = [tuple(int(v) for v in line.split()) for line in out[1:1 + n]]
        want = ref_boxes(m, thr, conn, strict, mode)
        trials += 1
        if got != want:
            bad += 1
            if not first:
                k = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), None)
                first = "trial %d (%dx%d kind %d conn %d strict %d %s thr %g): %d vs %d comps, first diff %s" % (
                    trial, w, h, kind, conn, strict, mode, thr, len(got), len(want),
                    None if k is None else (got[k], want[k]))
    report(bad == 0, "boxes_vs_scipy_label_%d_maps" % trials, "%d differ; %s" % (bad, first))


def test_resize(tmp):
    import torch
    import torch.nn.functional as F
    rng = np.random.default_rng(7)
    src, dst = os.path.join(tmp, "src.f32"), os.path.join(tmp, "dst.f32")
    cases = [(7, 7, 224, 224), (14, 14, 224, 224), (1, 1, 9, 5), (13, 9, 40, 17), (30, 20, 7, 11), (6, 4, 500, 375)]
    for interp, mode in (("bilinear", "bilinear"), ("bicubic", "bicubic"), ("nearest", "nearest-exact")):
        worst = 0.0
        for sw, sh, dw, dh in cases:
            m = rng.standard_normal((sh, sw)).astype(np.float32)
            m.tofile(src)
            tool("resize", interp, sw, sh, dw, dh, src, dst)
            got = np.fromfile(dst, np.float32).reshape(dh, dw)
            kw = {} if mode.startswith("nearest") else {"align_corners": False}
            want = F.interpolate(torch.from_numpy(m)[None, None], size=(dh, dw), mode=mode, **kw)[0, 0].numpy()
            worst = max(worst, float(np.abs(got - want).max()))
        report(worst < 2e-5, "resize_%s_vs_torch_interpolate" % interp, "max abs err %g" % worst)


def test_preprocess(tmp):
    try:
        from PIL import Image
        import torchvision.transforms as T
    except ImportError as e:  # pragma: no cover
        report(False, "preprocess_vs_torchvision", "import: %s" % e)
        return
    rng = np.random.default_rng(3)
    img_path, out = os.path.join(tmp, "img.png"), os.path.join(tmp, "x.f32")
    for (W, H) in ((500, 375), (300, 451), (97, 61)):
        # smooth content plus some texture, as photos have
        base = ndimage.gaussian_filter(rng.random((H, W, 3)) * 255, sigma=(3, 3, 0))
        arr = np.clip(base + rng.normal(0, 20, (H, W, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(arr).save(img_path)
        pil = Image.open(img_path).convert("RGB")
        for mode in ("crop", "stretch"):
            for interp, pil_interp in (("bilinear", T.InterpolationMode.BILINEAR),
                                       ("bicubic", T.InterpolationMode.BICUBIC)):
                if mode == "crop":
                    tfm = T.Compose([T.Resize(256, interpolation=pil_interp), T.CenterCrop(224), T.ToTensor()])
                else:
                    tfm = T.Compose([T.Resize((224, 224), interpolation=pil_interp), T.ToTensor()])
                want = tfm(pil).numpy()
                tool("preprocess", mode, 224, 224, 256, interp, img_path, out)
                got = np.fromfile(out, np.float32).reshape(3, 224, 224)
                err = np.abs(got - want)
                # PIL rounds the resized image to uint8 and uses fixed-point taps
                ok = err.max() < 2.5 / 255 and err.mean() < 0.4 / 255
                if os.environ.get("VIS_VERBOSE"):
                    print("# max %.3f/255 mean %.3f/255" % (err.max() * 255, err.mean() * 255))
                report(ok, "preprocess_%s_%s_%dx%d_vs_torchvision" % (mode, interp, W, H),
                       "max %.3f/255 mean %.3f/255" % (err.max() * 255, err.mean() * 255))


def test_decode(tmp):
    """JPEG / GIF / BMP written by PIL, read by cam (stb_image), at native size
    (stretch to the same size is the identity)."""
    from PIL import Image
    rng = np.random.default_rng(11)
    out = os.path.join(tmp, "d.f32")
    H, W = 37, 53
    arr = np.clip(ndimage.gaussian_filter(rng.random((H, W, 3)) * 255, sigma=(2, 2, 0)) * 1.5 - 60, 0, 255)
    arr = arr.astype(np.uint8)
    for ext, kw, tol_mean, tol_max in (("jpg", {"quality": 95}, 1.5, 12), ("bmp", {}, 0, 0),
                                       ("gif", {}, 0, 0), ("ppm", {}, 0, 0), ("tga", {}, 0, 0)):
        path = os.path.join(tmp, "d." + ext)
        img = Image.fromarray(arr)
        if ext == "gif":
            img = img.convert("P", palette=Image.ADAPTIVE, colors=256)
        img.save(path, **kw)
        want = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
        tool("preprocess", "stretch", W, H, 0, "bilinear", path, out)
        got = np.fromfile(out, np.float32).reshape(3, H, W).transpose(1, 2, 0) * 255.0
        err = np.abs(got - want)
        ok = err.mean() <= tol_mean + 1e-3 and err.max() <= tol_max + 1e-3
        report(ok, "decode_%s_vs_pil" % ext, "mean %.3f max %.3f" % (err.mean(), err.max()))


def test_toimage(tmp):
    """Map on the network input resampled onto the original image through the
    crop transform, against a numpy formula built from torchvision's geometry."""
    from PIL import Image
    rng = np.random.default_rng(5)
    img_path, mp, out = os.path.join(tmp, "img2.png"), os.path.join(tmp, "m.f32"), os.path.join(tmp, "o.f32")
    for (W, H, mode) in ((500, 375, "crop"), (375, 500, "crop"), (333, 250, "stretch")):
        Image.fromarray(np.zeros((H, W, 3), np.uint8)).save(img_path)
        sw = sh = 7
        m = rng.standard_normal((sh, sw)).astype(np.float32)
        m.tofile(mp)
        tool("toimage", mode, 224, 224, 256, sw, sh, img_path, mp, out)
        got = np.fromfile(out, np.float32).reshape(H, W)
        if mode == "crop":
            short, long_ = min(W, H), max(W, H)
            rl = int(256 * long_ / short)
            RW, RH = (256, rl) if W <= H else (rl, 256)
            cx, cy = int(round((RW - 224) / 2.0)), int(round((RH - 224) / 2.0))
        else:
            RW, RH, cx, cy = 224, 224, 0, 0
        xs = (np.arange(W) + 0.5) * RW / W - cx          # input coordinates
        ys = (np.arange(H) + 0.5) * RH / H - cy
        u = np.clip(xs * sw / 224 - 0.5, 0, sw - 1)      # map sample positions, edge replicated
        v = np.clip(ys * sh / 224 - 0.5, 0, sh - 1)
        x0 = np.minimum(np.floor(u).astype(int), sw - 1)
        y0 = np.minimum(np.floor(v).astype(int), sh - 1)
        x1, y1 = np.minimum(x0 + 1, sw - 1), np.minimum(y0 + 1, sh - 1)
        fx, fy = (u - x0)[None, :], (v - y0)[:, None]
        want = ((1 - fy) * ((1 - fx) * m[y0][:, x0] + fx * m[y0][:, x1]) +
                fy * ((1 - fx) * m[y1][:, x0] + fx * m[y1][:, x1]))
        err = float(np.abs(got - want).max())
        report(err < 1e-4, "map_to_image_%s_%dx%d_vs_numpy" % (mode, W, H), "max err %g" % err)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for fn in (test_boxes, test_resize, test_preprocess, test_decode, test_toimage):
            try:
                fn(tmp)
            except Exception as e:  # a crash is a failure, not a skipped test
                report(False, fn.__name__, repr(e))
    sys.exit(1 if testlib.failed else 0)


if __name__ == "__main__":
    main()
