#!/usr/bin/python3
"""Reference CAM localization numbers for the shipped models, in Python (for cross-checks
of the C engine's eval; not used by the tests).

Paper rule: M_c = sum_k w_k^c f_k (features of tensor `features`, weights of the final
Gemm), bilinear upsampling to the 64x64 image (align_corners=False, i.e. pixel centres),
keep pixels >= 0.2 * max(M_c), bounding box of the largest 8-connected component.
IoU on inclusive integer boxes. Prints top-1 classification, GT-known localization
(box of the true class, IoU >= 0.5) and top-1 localization (top class right and IoU >= 0.5).

Usage: /usr/bin/python3 models/cam_ref.py [--count 5000] [--connectivity 8] models/fmnist-gap.onnx ...
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_dataset as md  # noqa: E402
import onnx_torch  # noqa: E402
from train import to_input  # noqa: E402


def iou(a, b):
    ix = min(a[2], b[2]) - max(a[0], b[0]) + 1
    iy = min(a[3], b[3]) - max(a[1], b[1]) + 1
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    area = lambda r: (r[2] - r[0] + 1) * (r[3] - r[1] + 1)  # noqa: E731
    return inter / float(area(a) + area(b) - inter)


def cam_box(cam, thr=0.2, connectivity=8):
    mask = cam >= thr * cam.max()
    structure = np.ones((3, 3)) if connectivity == 8 else None
    lab, n = ndimage.label(mask, structure)
    if n == 0:
        return (0, 0, cam.shape[1] - 1, cam.shape[0] - 1)
    sizes = ndimage.sum(mask, lab, range(1, n + 1))
    k = int(np.argmax(sizes)) + 1
    ys, xs = np.nonzero(lab == k)
    return (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))


def evaluate(path, count, connectivity):
    m = onnx.load(path)
    classes = [md.LABELS.index(s) for s in
               {p.key: p.value for p in m.metadata_props}['cam.labels'].split('\n')]
    subset = None if len(classes) == 10 else classes
    imgs, labels, boxes = md.generate('test', count, 0, subset)
    fc = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}[m.graph.node[-1].input[1]]
    W = torch.from_numpy(fc.copy())
    top1 = gt_loc = top1_loc = 0
    with torch.no_grad():
        for s in range(0, count, 250):
            env = onnx_torch.run(m, to_input(imgs[s:s + 250]).numpy())
            feats, logits = env['features'], env['logits']
            cams = torch.einsum('ck,nkhw->nchw', W, feats)
            cams = F.interpolate(cams, size=(md.CANVAS, md.CANVAS), mode='bilinear', align_corners=False).numpy()
            pred = logits.argmax(1).numpy()
            for j in range(len(pred)):
                t = classes.index(labels[s + j])
                gt = boxes[s + j]
                ok_gt = iou(cam_box(cams[j, t], connectivity=connectivity), gt) >= 0.5
                gt_loc += ok_gt
                if pred[j] == t:
                    top1 += 1
                    top1_loc += ok_gt
    print('%s: %d test items, top-1 acc %.4f, GT-known loc %.4f, top-1 loc %.4f' % (
        os.path.basename(path), count, top1 / count, gt_loc / count, top1_loc / count))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=5000)
    ap.add_argument('--connectivity', type=int, choices=[4, 8], default=8)
    ap.add_argument('models', nargs='+')
    a = ap.parse_args(argv)
    torch.set_num_threads(2)
    for p in a.models:
        evaluate(p, a.count, a.connectivity)


if __name__ == '__main__':
    main(sys.argv[1:])
