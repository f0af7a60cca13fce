#!/usr/bin/python3
"""Writes models/samples/: a few test-split images (one per class below) and samples.csv.

The picks are the first test items (seed 0, all classes) of each class in SAMPLE_CLASSES
that --model (default models/fmnist-gap.onnx, if present) classifies correctly; file names are NNNNN_<class>.png with NNNNN the item's index in the test split, so
models/check_models.py can regenerate and compare them.

Usage: /usr/bin/python3 models/make_samples.py [--out models/samples]
"""
import argparse
import os
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_dataset as md  # noqa: E402

SAMPLE_CLASSES = [0, 1, 3, 5, 8, 9]
SHORT = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot']


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, 'samples'))
    ap.add_argument('--model', default=os.path.join(HERE, 'fmnist-gap.onnx'))
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    model = None
    if a.model and os.path.exists(a.model):
        import onnx
        import onnx_torch
        from train import to_input
        model = onnx.load(a.model)
    rows = []
    want = list(SAMPLE_CLASSES)
    i = 0
    while want:
        img, label, box = md.make_item('test', i, 0)
        if label in want and model is not None:
            pred = int(onnx_torch.logits(model, to_input(img[None]).numpy()).argmax(1)[0])
            if pred != label:
                label = -1
        if label in want:
            want.remove(label)
            name = '%05d_%s.png' % (i, SHORT[label])
            Image.fromarray(img, 'L').save(os.path.join(a.out, name))
            rows.append((name, label) + tuple(box))
        i += 1
    rows.sort(key=lambda r: SAMPLE_CLASSES.index(r[1]))
    with open(os.path.join(a.out, 'samples.csv'), 'w') as f:
        f.write('image,label,x0,y0,x1,y1\n')
        for r in rows:
            f.write('%s,%d,%d,%d,%d,%d\n' % r)
    print('wrote %d samples to %s' % (len(rows), a.out))


if __name__ == '__main__':
    main(sys.argv[1:])
