#!/usr/bin/python3
"""Checks the shipped models and the dataset generator; prints `ok NAME` / `not ok NAME: why`.

- each shipped ONNX file loads and passes onnx.checker, has input `input` [N,1,64,64]
  and output `logits`, a CAM head (GlobalAveragePool/GlobalMaxPool on tensor
  `features` -> Flatten -> Gemm) and the cam.* metadata keys;
- its accuracy, recomputed with PyTorch from the ONNX graph (models/onnx_torch.py) on the
  first SUBSET test items, matches the "first 500" column of README.md's model table,
  and its cam.test_accuracy matches the table's full-test-set column;
- the generator writes PNG/CSV that read back to what it generates in memory, gives a
  prefix for a shorter run, and still reproduces models/samples/ (so the accuracies in
  README.md still refer to the same images).
Run: /usr/bin/python3 models/check_models.py   (takes a few seconds)
"""
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SUBSET = 500
TOLERANCE = 0.01     # recomputed vs claimed accuracy on the same 500 images
MODELS = [  # file, pooling op, classes
    ('fmnist-gap.onnx', 'GlobalAveragePool', list(range(10))),
    ('fmnist-gmp.onnx', 'GlobalMaxPool', list(range(10))),
    ('fmnist-gap-05.onnx', 'GlobalAveragePool', [0, 1, 2, 3, 4]),
]
REQUIRED_KEYS = ['cam.color', 'cam.resize', 'cam.mean', 'cam.std', 'cam.labels',
                 'cam.description', 'cam.test_accuracy']

failures = 0


def report(name, why=None):
    global failures
    if why is None:
        print('ok %s' % name)
    else:
        failures += 1
        print('not ok %s: %s' % (name, why))


def readme_claims():
    """{file: (full test accuracy, first-500 accuracy)} from README.md's model table."""
    claims = {}
    path = os.path.join(HERE, 'README.md')
    if not os.path.exists(path):
        return claims
    header = ''
    with open(path) as f:
        for line in f:
            if not line.startswith('|'):
                header = ''
            elif not header:
                header = line       # the first row of a table names its columns
            m = re.match(r'\|\s*`?(fmnist[\w.-]*\.onnx)`?\s*\|(.*)', line)
            if not m or 'first 500' not in header:
                continue
            cells = [c.strip() for c in m.group(2).split('|')]
            nums = [c for c in cells if re.fullmatch(r'0\.\d{4}', c)]
            if len(nums) >= 2:
                claims[m.group(1)] = (float(nums[0]), float(nums[1]))
    return claims


def check_model(fname, pool_op, classes, claims, data_cache):
    import numpy as np
    import onnx
    import onnx_torch
    import make_dataset as md
    from train import to_input

    name = 'models.' + fname[:-5]
    path = os.path.join(HERE, fname)
    try:
        m = onnx.load(path)
        onnx.checker.check_model(m)
    except Exception as e:  # noqa: BLE001 - any load failure is the finding
        report(name + '.load', repr(e))
        return
    size = os.path.getsize(path)
    report(name + '.load', None if size < 4 << 20 else 'file is %d bytes' % size)

    props = {p.key: p.value for p in m.metadata_props}
    missing = [k for k in REQUIRED_KEYS if k not in props]
    why = None
    if missing:
        why = 'missing ' + ','.join(missing)
    elif props['cam.color'] != 'gray' or props['cam.resize'] != 'stretch':
        why = 'cam.color/cam.resize are %s/%s' % (props['cam.color'], props['cam.resize'])
    elif props['cam.labels'].split('\n') != [md.LABELS[c] for c in classes]:
        why = 'cam.labels %r' % props['cam.labels']
    else:
        try:
            float(props['cam.mean']), float(props['cam.std'])
        except ValueError:
            why = 'cam.mean/cam.std not numbers'
    report(name + '.metadata', why)

    g = m.graph
    why = None
    dims = [d.dim_param or d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
    ops = [n.op_type for n in g.node]
    if g.input[0].name != 'input' or dims[1:] != [1, md.CANVAS, md.CANVAS] or not isinstance(dims[0], str):
        why = 'input %s %s' % (g.input[0].name, dims)
    elif [o.name for o in g.output] != ['logits']:
        why = 'outputs %s' % [o.name for o in g.output]
    elif ops[-3:] != [pool_op, 'Flatten', 'Gemm'] or g.node[-3].input[0] != 'features':
        why = 'head is %s on %s' % (ops[-3:], g.node[-3].input[0])
    else:
        fc = [t for t in g.initializer if t.name == g.node[-1].input[1]]
        if not fc or list(fc[0].dims) != [len(classes), 128]:
            why = 'fc weight dims %s' % (list(fc[0].dims) if fc else None)
    report(name + '.graph', why)

    key = tuple(classes)
    if key not in data_cache:
        subset = None if len(classes) == 10 else classes
        data_cache[key] = md.generate('test', SUBSET, 0, subset)
    imgs, labels, _ = data_cache[key]
    try:
        logits = onnx_torch.logits(m, to_input(imgs).numpy()).numpy()
    except Exception as e:  # noqa: BLE001
        report(name + '.accuracy', 'running the graph failed: %r' % e)
        return
    pred = np.array(classes)[logits.argmax(1)]
    acc = float((pred == labels).mean())
    if fname not in claims:
        report(name + '.accuracy', 'no row for %s in README.md' % fname)
        return
    full, first500 = claims[fname]
    if abs(acc - first500) > TOLERANCE:
        why = 'recomputed %.4f on first %d, README says %.4f' % (acc, SUBSET, first500)
    elif abs(float(props['cam.test_accuracy']) - full) > 0.00005:
        why = 'cam.test_accuracy %s, README says %.4f' % (props['cam.test_accuracy'], full)
    elif acc < 0.80:
        why = 'accuracy %.4f below 0.80' % acc
    else:
        why = None
    print('# %s: accuracy on first %d test items %.4f (README %.4f; full test set %.4f)'
          % (fname, SUBSET, acc, first500, full))
    report(name + '.accuracy', why)


def check_dataset():
    import numpy as np
    import make_dataset as md
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        csv = md.write_split(tmp, 'test', 12, seed=3)
        a = md.generate('test', 12, seed=3)
        b = md.read_csv(csv)
    same = all(np.array_equal(x, y) for x, y in zip(a, b))
    report('models.dataset.png_roundtrip', None if same else 'PNG/CSV differ from generate()')

    c = md.generate('test', 4, seed=3, start=8)
    same = all(np.array_equal(x[8:12], y) for x, y in zip(a, c))
    report('models.dataset.prefix', None if same else 'items depend on start/count')

    imgs, labels, boxes = md.generate('test', 50, seed=0, classes=[0, 1, 2, 3, 4])
    ok = labels.max() <= 4 and (boxes[:, 0] <= boxes[:, 2]).all() and (boxes[:, 1] <= boxes[:, 3]).all() \
        and boxes.min() >= 0 and boxes.max() < md.CANVAS and imgs.shape == (50, md.CANVAS, md.CANVAS)
    report('models.dataset.classes_boxes', None if ok else 'labels/boxes out of range')

    why = None
    rows = 0
    with open(os.path.join(HERE, 'samples', 'samples.csv')) as f:
        if f.readline().strip() != 'image,label,x0,y0,x1,y1':
            why = 'bad samples.csv header'
        for line in f:
            rows += 1
            p = line.strip().split(',')
            idx = int(p[0].split('_')[0])
            img, label, box = md.make_item('test', idx, 0)
            got = np.asarray(Image.open(os.path.join(HERE, 'samples', p[0])))
            if not np.array_equal(got, img) or [int(v) for v in p[1:]] != [label] + list(box):
                why = '%s no longer matches test item %d' % (p[0], idx)
    if why is None and rows < 4:
        why = 'only %d samples' % rows
    report('models.samples', why)


def main():
    try:
        import numpy  # noqa: F401
        import onnx  # noqa: F401
        import torch
    except ImportError as e:
        report('models.python_deps', 'run with /usr/bin/python3 (needs torch, onnx, numpy, PIL): %s' % e)
        return 1
    torch.set_num_threads(2)
    check_dataset()
    claims = readme_claims()
    cache = {}
    for fname, pool_op, classes in MODELS:
        if not os.path.exists(os.path.join(HERE, fname)):
            if fname in claims:
                report('models.' + fname[:-5] + '.load', 'missing ' + fname)
            else:  # neither file nor README numbers: not shipped (yet)
                print('# skip %s: not shipped' % fname)
            continue
        check_model(fname, pool_op, classes, claims, cache)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
