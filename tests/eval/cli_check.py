"""Checks `cam eval` end to end against an independent NumPy/SciPy/OpenCV
computation of the same metrics, and its error paths.

usage: /usr/bin/python3 tests/eval/cli_check.py BUILD/cam WORKDIR [PREFIX]

It writes a tiny CAM network (Conv 3x3 -> Relu -> GlobalAveragePool -> Gemm,
8 classes, random weights) and a 16-image dataset of blobs on noise (64x64,
the network's input size, so no resampling is involved), runs
`cam eval --json` with the paper and wsol conventions and with --svm, and
compares every reported rate with the reference (the reference maps are
float64, cam's float32: at most one image may flip on a threshold tie).
Prints "ok NAME" / "not ok NAME: why".
"""
import json
import os
import subprocess
import sys

import numpy as np
from scipy import ndimage

try:
    import cv2
except ImportError:
    cv2 = None

N_IMG, SIZE, K, C = 16, 64, 4, 8
NAMES = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white']
SVM_LABELS = ['7', '3', '5', '-1', '12', '4', '0', '9']
KEYS = ['images', 'top1_cls', 'top5_cls', 'top1_loc', 'top5_loc', 'gt_known_loc', 'maxboxacc', 'maxboxacc_v2',
        'best_tau', 'images_per_s']
THRESHOLDS = list(np.arange(0, 1, 0.01))


def report(ok, name, why=''):
    print(('ok %s' % name) if ok else ('not ok %s: %s' % (name, why)))
    sys.stdout.flush()
    return ok


def make_model(path, rng):
    import onnx
    from onnx import helper, TensorProto, numpy_helper
    wc = rng.normal(0, 1, (K, 3, 3, 3)).astype(np.float32)
    bc = rng.normal(0, 0.2, (K,)).astype(np.float32)
    wf = rng.normal(0, 1, (C, K)).astype(np.float32)
    bf = rng.normal(0, 0.1, (C,)).astype(np.float32)
    write_model(path, wc, bc, wf, bf)
    return wc, bc, wf, bf


def write_model(path, wc, bc, wf, bf):
    import onnx
    from onnx import helper, TensorProto, numpy_helper
    nodes = [
        helper.make_node('Conv', ['input', 'wc', 'bc'], ['conv'], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node('Relu', ['conv'], ['feat']),
        helper.make_node('GlobalAveragePool', ['feat'], ['pool']),
        helper.make_node('Flatten', ['pool'], ['flat'], axis=1),
        helper.make_node('Gemm', ['flat', 'wf', 'bf'], ['logits'], transB=1),
    ]
    graph = helper.make_graph(
        nodes, 'tiny_cam',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, C])],
        [numpy_helper.from_array(wc, 'wc'), numpy_helper.from_array(bc, 'bc'),
         numpy_helper.from_array(wf, 'wf'), numpy_helper.from_array(bf, 'bf')])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 7
    for k, v in (('cam.resize', 'stretch'), ('cam.mean', '0,0,0'), ('cam.std', '1,1,1'), ('cam.color', 'rgb'),
                 ('cam.labels', '\n'.join(NAMES))):
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(model, path)


def make_dataset(work, rng):
    from PIL import Image
    os.makedirs(os.path.join(work, 'img'), exist_ok=True)
    rows, imgs = [], []
    for i in range(N_IMG):
        img = rng.uniform(0, 60, (SIZE, SIZE, 3))
        yy, xx = np.mgrid[0:SIZE, 0:SIZE]
        cy, cx = rng.uniform(12, 52, 2)
        ry, rx = rng.uniform(5, 16, 2)
        inside = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
        img[inside] = rng.uniform(120, 255, 3) + rng.uniform(-20, 20, (inside.sum(), 3))
        img = np.clip(img, 0, 255).astype(np.uint8)
        name = 'img/%02d.png' % i
        Image.fromarray(img).save(os.path.join(work, name))
        ys, xs = np.nonzero(inside)
        label = int(rng.integers(0, C))
        rows.append((name, label, [int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())]))
        imgs.append(img)
    return rows, imgs


def write_csv(path, rows, labels=None):
    with open(path, 'w') as f:
        f.write('image,label,x0,y0,x1,y1\n')
        for name, label, b in rows:
            f.write('%s,%s,%d,%d,%d,%d\n' % (name, labels[label] if labels else label, *b))


def features(img, wc, bc):
    x = img.astype(np.float64).transpose(2, 0, 1) / 255.0
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    out = np.zeros((K, SIZE, SIZE))
    for k in range(K):
        acc = np.full((SIZE, SIZE), float(bc[k]))
        for c in range(3):
            for dy in range(3):
                for dx in range(3):
                    acc += wc[k, c, dy, dx] * xp[c, dy:dy + SIZE, dx:dx + SIZE]
        out[k] = acc
    return np.maximum(out, 0)


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    inter = ix * iy
    den = (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter
    return 0.0 if den <= 0 or a[2] < a[0] or b[2] < b[0] else inter / den


def paper_boxes(m, tau):
    """Largest component's box and all boxes, paper rule (>= tau * max, 8-conn)."""
    mask = m >= tau * m.max()
    lab, n = ndimage.label(mask, structure=np.ones((3, 3), int))
    if n == 0 or m.max() <= 0:  # no positive evidence: no box
        return [0, 0, -1, -1], []
    best, allb = None, []
    for c in range(1, n + 1):
        ys, xs = np.nonzero(lab == c)
        b = [int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())]
        allb.append(b)
        key = (len(ys), float(m[ys, xs].sum()))
        if best is None or key > best[0]:
            best = (key, b)
    return best[1], allb


def wsol_boxes(m, tau):
    """compute_bboxes_from_scoremaps of wsolevaluation (largest, all contours)."""
    m = m.astype(np.float64)
    sm = np.zeros_like(m) if m.min() == m.max() else (m - m.min()) / (m - m.min()).max()
    h, w = sm.shape
    img = np.expand_dims((sm * 255).astype(np.uint8), 2)
    _, thr = cv2.threshold(img, int(tau * np.max(img)), 255, cv2.THRESH_BINARY)
    found = cv2.findContours(thr, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    contours = found[1] if cv2.__version__.split('.')[0] == '3' else found[0]
    if len(contours) == 0:
        return [0, 0, 0, 0], [[0, 0, 0, 0]]

    def box(c):
        x, y, bw, bh = cv2.boundingRect(c)
        return [x, y, min(x + bw, w - 1), min(y + bh, h - 1)]
    return box(max(contours, key=cv2.contourArea)), [box(c) for c in contours]


def saliency_maps(img, wc, bc, wf, bf, smooth=0.0):
    """Backprop saliency of every class by torch autograd (float64): |dS_c/dx|
    with x the network input (pixels / 255), max over colour channels; then
    the optional Gaussian blur of --smooth (edges replicated, radius 3 sigma)."""
    import torch
    x = torch.tensor(img.astype(np.float64).transpose(2, 0, 1)[None] / 255.0, requires_grad=True)
    f = torch.relu(torch.nn.functional.conv2d(x, torch.tensor(wc, dtype=torch.float64),
                                              torch.tensor(bc, dtype=torch.float64), padding=1))
    s = f.mean(dim=(2, 3)) @ torch.tensor(wf, dtype=torch.float64).T + torch.tensor(bf, dtype=torch.float64)
    out = []
    for c in range(C):
        g, = torch.autograd.grad(s[0, c], x, retain_graph=True)
        m = g[0].abs().max(dim=0).values.numpy()
        if smooth > 0:
            m = ndimage.gaussian_filter(m, smooth, mode='nearest', truncate=3.0)
        out.append(m)
    return np.stack(out)


def center_map(h, w, sigma=0.2):
    """--method center: a Gaussian around the image centre, sigma 0.2 x side."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    return np.exp(-0.5 * (((xx - cx) / (sigma * w)) ** 2 + ((yy - cy) / (sigma * h)) ** 2))


def reference(rows, imgs, wc, bc, wmat, bvec, conv, ilsvrc=False, method='cam', smooth=0.0):
    """Metrics as `cam eval` documents them. wmat C x K, bvec C: the classifier.
    ilsvrc: guesses by the paper's heuristic (top-1 tight, top-1 loose, top-2
    tight, top-2 loose, top-3 loose; tight 0.5 of max, loose 0.2; a map
    without a box gives no guess). method: cam, backprop (maps from
    saliency_maps) or center (center_map for every class)."""
    boxes_of = paper_boxes if conv == 'paper' else wsol_boxes
    n = len(rows)
    top1c = top5c = top1l = top5l = gk = 0
    hits = np.zeros(len(THRESHOLDS))
    hv2 = np.zeros((3, len(THRESHOLDS)))
    for (name, label, gt), img in zip(rows, imgs):
        f = features(img, wc, bc)
        scores = wmat @ f.mean(axis=(1, 2)) + bvec
        order = sorted(range(len(scores)), key=lambda c: (-scores[c], c))[:5]
        top1c += order[0] == label
        top5c += label in order
        if method == 'cam':
            maps = np.tensordot(wmat, f, axes=(1, 0))
        elif method == 'backprop':
            maps = saliency_maps(img, wc, bc, wmat, bvec, smooth)
        else:
            maps = np.stack([center_map(SIZE, SIZE)] * len(scores))
        if ilsvrc:
            guesses = []
            for rank, t in ((0, 0.5), (0, 0.2), (1, 0.5), (1, 0.2), (2, 0.2)):
                m = maps[order[rank]]
                if m.max() > 0:
                    guesses.append((order[rank], boxes_of(m, t)[0]))
        else:
            guesses = [(c, boxes_of(maps[c], 0.2)[0]) for c in order]
        for r, (c, b) in enumerate(guesses):
            if c == label and iou(b, gt) >= 0.5:
                top5l += 1
                top1l += r == 0
                break
        m = maps[label]
        gk += iou(boxes_of(m, 0.2)[0], gt) >= 0.5
        for i, t in enumerate(THRESHOLDS):
            largest, allb = boxes_of(m, t)
            hits[i] += iou(largest, gt) >= 0.5
            best = max([iou(b, gt) for b in allb] + [0.0])
            for j, d in enumerate((0.3, 0.5, 0.7)):
                hv2[j, i] += best >= d
    return {'images': n, 'top1_cls': 1 - top1c / n, 'top5_cls': 1 - top5c / n, 'top1_loc': 1 - top1l / n,
            'top5_loc': 1 - top5l / n, 'gt_known_loc': gk / n, 'maxboxacc': hits.max() / n,
            'maxboxacc_v2': float(np.mean(hv2.max(axis=1))) / n, 'best_tau': THRESHOLDS[int(np.argmax(hits))]}


def run(cmd, prefix):
    return subprocess.run(prefix + cmd, capture_output=True, text=True)


def compare(name, out, ref):
    if out.returncode != 0:
        return report(False, name, 'exit %d: %s' % (out.returncode, out.stderr.strip()[-300:]))
    try:
        got = json.loads(out.stdout)
    except ValueError as e:
        return report(False, name, 'not one JSON object (%s): %r' % (e, out.stdout[:200]))
    if sorted(got) != sorted(KEYS):
        return report(False, name, 'keys %s' % sorted(got))
    if got['images'] != ref['images']:
        return report(False, name, 'images %s want %s' % (got['images'], ref['images']))
    tol = 1.0 / ref['images'] + 1e-6  # float32 vs float64 maps: one image may flip on a tie
    bad = ['%s %.4f want %.4f' % (k, got[k], ref[k]) for k in KEYS[1:-2] if abs(got[k] - ref[k]) > tol]
    if not (0 < got['images_per_s']):
        bad.append('images_per_s %s' % got['images_per_s'])
    print('# %s: %s' % (name, ', '.join('%s %.4f/%.4f' % (k, got[k], ref[k]) for k in KEYS[1:-1])))
    return report(not bad, name, '; '.join(bad))


def main():
    if len(sys.argv) not in (3, 4):
        print('usage: cli_check.py CAM WORKDIR [PREFIX]', file=sys.stderr)
        return 2
    cam, work = sys.argv[1], sys.argv[2]
    prefix = sys.argv[3].split() if len(sys.argv) == 4 else []
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    model = os.path.join(work, 'tiny_cam.onnx')
    wc, bc, wf, bf = make_model(model, rng)
    rows, imgs = make_dataset(work, rng)
    # half the labels are the network's own top class, so the rates are not all 0 or 1
    for i in range(0, N_IMG, 2):
        sc = wf.astype(np.float64) @ features(imgs[i], wc, bc).mean(axis=(1, 2)) + bf
        rows[i] = (rows[i][0], int(np.argmax(sc)), rows[i][2])
    csv = os.path.join(work, 'data.csv')
    write_csv(csv, rows)
    fails = 0

    out = run([cam, 'eval', '--help'], prefix)
    fails += not report(out.returncode == 0 and 'maxboxacc_v2' in out.stdout, 'cli_eval_help', out.stderr)

    ref = reference(rows, imgs, wc, bc, wf.astype(np.float64), bf.astype(np.float64), 'paper')
    fails += not compare('cli_eval_paper_matches_reference', run([cam, 'eval', model, csv, '--json', '--quiet'], prefix),
                         ref)
    if cv2 is not None:
        ref = reference(rows, imgs, wc, bc, wf.astype(np.float64), bf.astype(np.float64), 'wsol')
        fails += not compare('cli_eval_wsol_matches_reference',
                             run([cam, 'eval', model, csv, '--convention', 'wsol', '--json', '--threads', '1'],
                                 prefix), ref)
    else:
        fails += not report(False, 'cli_eval_wsol_matches_reference', 'python3-opencv missing')

    # --svm: a liblinear model file with other labels replaces the classifier
    wsvm = rng.normal(0, 1, (K + 1, C))
    svm = os.path.join(work, 'tiny.svm')
    with open(svm, 'w') as f:
        f.write('solver_type L2R_L2LOSS_SVC_DUAL\nnr_class %d\nlabel %s\nnr_feature %d\nbias 1\nw\n' %
                (C, ' '.join(SVM_LABELS), K))
        for r in wsvm:
            f.write(''.join('%.17g ' % v for v in r) + '\n')
    csv_svm = os.path.join(work, 'data_svm.csv')
    write_csv(csv_svm, rows, labels=SVM_LABELS)
    ref = reference(rows, imgs, wc, bc, wsvm[:K].T.copy(), wsvm[K].copy(), 'paper')
    fails += not compare('cli_eval_svm_matches_reference',
                         run([cam, 'eval', model, csv_svm, '--svm', svm, '--json', '--quiet'], prefix), ref)

    ref = reference(rows, imgs, wc, bc, wf.astype(np.float64), bf.astype(np.float64), 'paper', ilsvrc=True)
    fails += not compare('cli_eval_ilsvrc_boxes_match_reference',
                         run([cam, 'eval', model, csv, '--ilsvrc-boxes', '--json', '--quiet'], prefix), ref)

    # --method backprop against torch autograd, --method center against NumPy
    # (the images are the network's input size, so maps need no resampling)
    wf64, bf64 = wf.astype(np.float64), bf.astype(np.float64)
    try:
        import torch  # noqa: F401
        for smooth in (0.0, 2.0):
            ref = reference(rows, imgs, wc, bc, wf64, bf64, 'paper', method='backprop', smooth=smooth)
            extra = ['--smooth', '%g' % smooth] if smooth else []
            fails += not compare('cli_eval_backprop%s_matches_torch' % ('_smooth' if smooth else ''),
                                 run([cam, 'eval', model, csv, '--method', 'backprop', '--json', '--quiet'] + extra,
                                     prefix), ref)
        # the true class's box at tau 0.2 and the map's component count, per
        # image (--per-image), against the torch maps: the rates above are
        # mostly 0 on random weights, this compares the maps themselves. The
        # conv biases are lowered so that only the bright blobs switch units
        # on: saliency is then 0 on most of the background, not flat.
        model_bp = os.path.join(work, 'tiny_bp.onnx')
        bc_bp = (bc - 1.5).astype(np.float32)
        write_model(model_bp, wc, bc_bp, wf, bf)
        for smooth in (0.0, 2.0):
            pi = os.path.join(work, 'per_image_backprop.csv')
            extra = ['--smooth', '%g' % smooth] if smooth else []
            out = run([cam, 'eval', model_bp, csv, '--method', 'backprop', '--quiet', '--per-image', pi] + extra, prefix)
            bad, n_box = [], 0
            try:
                with open(pi) as f:
                    lines = f.read().splitlines()
                head = lines[0].split(',')
                for l, row, im in zip(lines[1:], rows, imgs):
                    r = dict(zip(head, l.split(',')))
                    m = saliency_maps(im, wc, bc_bp, wf64, bf64, smooth)[row[1]]
                    box, allb = paper_boxes(m, 0.2)
                    got = [int(r[k]) for k in ('x0', 'y0', 'x1', 'y1')]
                    n_box += (box[2] - box[0] + 1) * (box[3] - box[1] + 1) < SIZE * SIZE
                    if got != box or int(r['components']) != len(allb):
                        bad.append('%s: box %s (%s components), torch %s (%d)' % (row[0], got, r['components'], box,
                                                                                   len(allb)))
                if len(lines) != N_IMG + 1:
                    bad.append('%d rows' % (len(lines) - 1))
            except (OSError, IndexError, KeyError) as e:
                bad = ['exit %d, %s: %s' % (out.returncode, e, out.stderr.strip()[-200:])] * 2
            # float32 vs float64 maps: one image may flip on a threshold tie
            if n_box < N_IMG // 2:  # the check needs maps that are not flat
                bad += ['only %d of the reference boxes are smaller than the image' % n_box] * 2
            fails += not report(out.returncode == 0 and len(bad) <= 1,
                                'cli_eval_backprop%s_boxes_match_torch' % ('_smooth' if smooth else ''),
                                '; '.join(bad[:3]))
    except ImportError:
        fails += not report(False, 'cli_eval_backprop_matches_torch', 'python3-torch missing')
    ref = reference(rows, imgs, wc, bc, wf64, bf64, 'paper', method='center')
    fails += not compare('cli_eval_center_matches_reference',
                         run([cam, 'eval', model, csv, '--method', 'center', '--json', '--quiet'], prefix), ref)

    # --per-image: one row per image whose column means are the summary's rates
    for method in ('cam', 'center'):
        pi = os.path.join(work, 'per_image_%s.csv' % method)
        if os.path.exists(pi):
            os.remove(pi)
        out = run([cam, 'eval', model, csv, '--method', method, '--json', '--quiet', '--per-image', pi], prefix)
        why = ''
        try:
            got = json.loads(out.stdout)
            with open(pi) as f:
                lines = f.read().splitlines()
            head = lines[0].split(',')
            rec = [dict(zip(head, l.split(','))) for l in lines[1:]]
            mean = lambda k: sum(int(r[k]) for r in rec) / len(rec)
            want = {'top1_cls': 1 - mean('cls1'), 'top5_cls': 1 - mean('cls5'), 'top1_loc': 1 - mean('loc1'),
                    'top5_loc': 1 - mean('loc5'), 'gt_known_loc': mean('gt_known'), 'maxboxacc': mean('maxbox'),
                    'maxboxacc_v2': (mean('v2_30') + mean('v2_50') + mean('v2_70')) / 3}
            bad = ['%s %.4f vs %.4f' % (k, got[k], v) for k, v in want.items() if abs(got[k] - v) > 1e-5]
            if len(rec) != N_IMG or [r['image'] for r in rec] != [r[0] for r in rows]:
                bad.append('%d rows, want %d in dataset order' % (len(rec), N_IMG))
            if any(int(r['top1']) != int(np.argmax(wf64 @ features(im, wc, bc).mean(axis=(1, 2)) + bf64))
                   for r, im in zip(rec, imgs)):
                bad.append('top1 column is not the predicted class')
            # the box column is the true class's box at tau 0.2, as gt_known scores it
            if any(int(r['gt_known']) != (iou([int(r[k]) for k in ('x0', 'y0', 'x1', 'y1')], row[2]) >= 0.5)
                   for r, row in zip(rec, rows)):
                bad.append('box columns disagree with gt_known')
            why = '; '.join(bad)
        except (ValueError, OSError, IndexError, KeyError) as e:
            why = 'exit %d, %s: %s' % (out.returncode, e, out.stderr.strip()[-200:])
        fails += not report(out.returncode == 0 and not why, 'cli_eval_per_image_%s_sums_to_summary' % method, why)

    # human-readable output
    out = run([cam, 'eval', model, csv, '--quiet', '--limit', '3'], prefix)
    fails += not report(out.returncode == 0 and 'MaxBoxAcc' in out.stdout and '(3 images)' in out.stdout,
                        'cli_eval_text_output', out.stderr.strip() or out.stdout[:200])

    # error paths: one line on stderr, "cam eval: error: ...", non-zero exit
    def write(name, text):
        p = os.path.join(work, name)
        with open(p, 'w') as f:
            f.write(text)
        return p
    good = 'image,label,x0,y0,x1,y1\n'
    cases = [
        ('no_args', [], 2),
        ('unknown_option', [model, csv, '--frobnicate'], 2),
        ('bad_convention', [model, csv, '--convention', 'voc'], 2),
        ('bad_method', [model, csv, '--method', 'gradcam'], 2),
        ('backprop_svm', [model, csv_svm, '--method', 'backprop', '--svm', svm], 2),
        ('smooth_without_backprop', [model, csv, '--smooth', '2'], 2),
        ('bad_smooth', [model, csv, '--method', 'backprop', '--smooth', '-1'], 2),
        ('per_image_unwritable', [model, csv, '--per-image', os.path.join(work, 'no', 'such', 'dir.csv')], 1),
        ('bad_tau', [model, csv, '--tau', '1.5'], 2),
        ('wsol_4conn', [model, csv, '--convention', 'wsol', '--connectivity', '4'], 2),
        ('wsol_ilsvrc_boxes', [model, csv, '--convention', 'wsol', '--ilsvrc-boxes'], 2),
        ('missing_model', [os.path.join(work, 'nope.onnx'), csv], 1),
        ('garbage_model', [write('garbage.onnx', 'this is not protobuf\n'), csv], 1),
        ('missing_csv', [model, os.path.join(work, 'nope.csv')], 1),
        ('bad_header', [model, write('bad_header.csv', 'file,label,x0,y0,x1,y1\nimg/00.png,0,1,1,5,5\n')], 1),
        ('short_row', [model, write('short.csv', good + 'img/00.png,0,1,1,5\n')], 1),
        ('bad_box', [model, write('bad_box.csv', good + 'img/00.png,0,9,1,5,5\n')], 1),
        ('unknown_label', [model, write('bad_label.csv', good + 'img/00.png,purple,1,1,5,5\n')], 1),
        ('empty_dataset', [model, write('empty.csv', good)], 1),
        ('missing_image', [model, write('missing.csv', good + 'img/404.png,0,1,1,5,5\n')], 1),
        ('bad_svm_file', [model, csv_svm, '--svm', write('bad.svm', 'solver_type NOPE\n')], 1),
        ('svm_wrong_features', [model, csv_svm, '--svm',
                                write('wide.svm', 'solver_type L2R_L2LOSS_SVC_DUAL\nnr_class 2\nlabel 7 3\n'
                                      'nr_feature 9\nbias -1\nw\n' + '0.5 \n' * 9)], 1),
        ('svm_label_not_in_model', [model, csv, '--svm', svm], 1),
    ]
    for name, args, want in cases:
        out = run([cam, 'eval'] + args + ['--quiet'] if args else [cam, 'eval'], prefix)
        lines = [l for l in out.stderr.splitlines() if l.strip()]
        ok = (out.returncode == want and len(lines) == 1 and lines[0].startswith('cam eval: error: ')
              and out.stdout == '')
        fails += not report(ok, 'cli_eval_error_' + name, 'exit %d (want %d), stderr %r, stdout %r' %
                            (out.returncode, want, out.stderr[-300:], out.stdout[:100]))
    # label names from cam.labels work like indices
    named = write('named.csv', good + ''.join('%s,%s,%d,%d,%d,%d\n' % (n, NAMES[l], *b)
                                              for n, l, b in rows[:4]))
    a = run([cam, 'eval', model, named, '--json', '--quiet'], prefix)
    b = run([cam, 'eval', model, csv, '--json', '--quiet', '--limit', '4'], prefix)
    try:
        same = json.loads(a.stdout)['top1_cls'] == json.loads(b.stdout)['top1_cls'] and \
            json.loads(a.stdout)['images'] == 4
    except ValueError:
        same = False
    fails += not report(a.returncode == 0 and same, 'cli_eval_label_names', a.stderr.strip())
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
