#!/usr/bin/python3
"""Deterministic Fashion-MNIST localization set: one item per canvas, with clutter.

Each image is a CANVAS x CANVAS gray canvas (default 64x64) holding one Fashion-MNIST
item rescaled to a random size and placed at a random position, plus clutter: a few
small fragments cropped from other Fashion-MNIST images (any class, dimmed) and
Gaussian noise. The ground-truth box is the tight box of the rescaled item's nonzero
pixels (inclusive integer pixels, before clutter and noise are added).

Output (see dev/TEAM.md, "Localization dataset format"):
    OUT/SPLIT.csv            header image,label,x0,y0,x1,y1
    OUT/SPLIT/NNNNN.png      8-bit gray PNGs; CSV paths are relative to OUT/

Item i of a split depends only on (seed, split, i, classes), never on the count, so a
shorter run gives a prefix of a longer one. train draws from Fashion-MNIST's 60k
training images, test from its t10k images.

Usage:
    /usr/bin/python3 models/make_dataset.py --split test --count 5000 --seed 0 --out models/data
    /usr/bin/python3 models/make_dataset.py --split train --count 40000 --classes 0,1,2,3,4

As a module: generate(split, count, seed, classes) -> (images uint8 [N,H,W], labels, boxes).
"""
import argparse
import gzip
import os
import sys

import numpy as np
from PIL import Image

FMNIST_DIR = '/usr/share/datasets/fashion-mnist'
LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
          'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']

# Dataset parameters (README documents them; changing any changes every image).
CANVAS = 64                 # output image side, pixels
ITEM_SIZE = (24, 48)        # side of the rescaled 28x28 item patch, uniform int range
ASPECT_JITTER = 0.1         # width and height each scaled by U[1-j, 1+j]
N_FRAGMENTS = (2, 4)        # clutter fragments per image, inclusive
FRAG_CROP = (5, 11)         # side of the square crop taken from another item
FRAG_SCALE = (0.8, 1.5)     # its rescale factor
FRAG_GAIN = (0.35, 0.8)     # its brightness factor
NOISE_SIGMA = (0.0, 12.0)   # Gaussian noise sigma, in 0..255 units, uniform per image

_SPLIT_CODE = {'train': 1, 'test': 2}
_cache = {}


def load_fmnist(split):
    """Fashion-MNIST images [N,28,28] uint8 and labels [N] of 'train' or 'test'."""
    if split in _cache:
        return _cache[split]
    stem = 'train' if split == 'train' else 't10k'
    with gzip.open(os.path.join(FMNIST_DIR, stem + '-images-idx3-ubyte.gz')) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(FMNIST_DIR, stem + '-labels-idx1-ubyte.gz')) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    _cache[split] = (x, y)
    return x, y


def _resize(img, w, h):
    return np.asarray(Image.fromarray(img).resize((int(w), int(h)), Image.BILINEAR))


def make_item(split, i, seed=0, classes=None):
    """Item i of a split: (image uint8 [CANVAS,CANVAS], label, (x0,y0,x1,y1))."""
    x, y = load_fmnist(split)
    # One independent stream per item: item i does not depend on how many came before.
    rng = np.random.default_rng([seed, _SPLIT_CODE[split], i])
    if classes is not None:
        pool = _class_pool(split, tuple(classes))
        src = int(pool[rng.integers(len(pool))])
    else:
        src = int(rng.integers(len(x)))
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)

    # Clutter first, so the item's pixels are never darkened by it (compositing is max).
    for _ in range(int(rng.integers(N_FRAGMENTS[0], N_FRAGMENTS[1] + 1))):
        for _try in range(8):
            other = x[int(rng.integers(len(x)))]
            k = int(rng.integers(FRAG_CROP[0], FRAG_CROP[1] + 1))
            r0 = int(rng.integers(2, 26 - k + 1))
            c0 = int(rng.integers(2, 26 - k + 1))
            frag = other[r0:r0 + k, c0:c0 + k]
            if frag.max() >= 64:      # skip empty background crops
                break
        s = rng.uniform(*FRAG_SCALE)
        kk = max(2, int(round(k * s)))
        frag = _resize(np.ascontiguousarray(frag), kk, kk).astype(np.float32)
        frag = (frag * rng.uniform(*FRAG_GAIN)).astype(np.uint8)
        fy = int(rng.integers(0, CANVAS - kk + 1))
        fx = int(rng.integers(0, CANVAS - kk + 1))
        np.maximum(canvas[fy:fy + kk, fx:fx + kk], frag, out=canvas[fy:fy + kk, fx:fx + kk])

    side = int(rng.integers(ITEM_SIZE[0], ITEM_SIZE[1] + 1))
    w = min(CANVAS, max(8, int(round(side * rng.uniform(1 - ASPECT_JITTER, 1 + ASPECT_JITTER)))))
    h = min(CANVAS, max(8, int(round(side * rng.uniform(1 - ASPECT_JITTER, 1 + ASPECT_JITTER)))))
    item = _resize(x[src], w, h)
    oy = int(rng.integers(0, CANVAS - h + 1))
    ox = int(rng.integers(0, CANVAS - w + 1))
    rows = np.where(item.any(1))[0]
    cols = np.where(item.any(0))[0]
    box = (ox + int(cols[0]), oy + int(rows[0]), ox + int(cols[-1]), oy + int(rows[-1]))
    np.maximum(canvas[oy:oy + h, ox:ox + w], item, out=canvas[oy:oy + h, ox:ox + w])

    sigma = rng.uniform(*NOISE_SIGMA)
    noisy = canvas.astype(np.float32) + rng.normal(0.0, sigma, canvas.shape).astype(np.float32)
    img = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
    return img, int(y[src]), box


def _class_pool(split, classes):
    key = (split, classes)
    if key not in _cache:
        _, y = load_fmnist(split)
        _cache[key] = np.nonzero(np.isin(y, np.array(classes)))[0]
    return _cache[key]


def generate(split, count, seed=0, classes=None, start=0):
    """Items start..start+count-1: images [N,CANVAS,CANVAS] uint8, labels [N], boxes [N,4]."""
    imgs = np.empty((count, CANVAS, CANVAS), np.uint8)
    labels = np.empty(count, np.int64)
    boxes = np.empty((count, 4), np.int64)
    for n in range(count):
        imgs[n], labels[n], boxes[n] = make_item(split, start + n, seed, classes)
    return imgs, labels, boxes


def write_split(out, split, count, seed=0, classes=None):
    """Writes OUT/SPLIT.csv and OUT/SPLIT/NNNNN.png; returns the CSV path."""
    os.makedirs(os.path.join(out, split), exist_ok=True)
    csv_path = os.path.join(out, split + '.csv')
    with open(csv_path, 'w') as f:
        f.write('image,label,x0,y0,x1,y1\n')
        for n in range(count):
            img, label, box = make_item(split, n, seed, classes)
            rel = '%s/%05d.png' % (split, n)
            Image.fromarray(img, 'L').save(os.path.join(out, rel))
            f.write('%s,%d,%d,%d,%d,%d\n' % ((rel, label) + tuple(box)))
    return csv_path


def read_csv(csv_path):
    """Reads a CSV written by write_split: images [N,H,W] uint8, labels, boxes."""
    base = os.path.dirname(csv_path)
    imgs, labels, boxes = [], [], []
    with open(csv_path) as f:
        header = f.readline().strip()
        assert header == 'image,label,x0,y0,x1,y1', header
        for line in f:
            p = line.strip().split(',')
            imgs.append(np.asarray(Image.open(os.path.join(base, p[0]))))
            labels.append(int(p[1]))
            boxes.append([int(v) for v in p[2:6]])
    return np.stack(imgs), np.array(labels), np.array(boxes)


def parse_classes(s):
    return None if not s else [int(c) for c in s.split(',')]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--split', choices=['train', 'test', 'both'], default='test')
    ap.add_argument('--count', type=int, default=None,
                    help='images per split (default: train 40000, test 5000)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data'))
    ap.add_argument('--classes', default='', help='comma-separated class subset, e.g. 0,1,2,3,4')
    a = ap.parse_args(argv)
    splits = ['train', 'test'] if a.split == 'both' else [a.split]
    for split in splits:
        count = a.count if a.count is not None else (40000 if split == 'train' else 5000)
        path = write_split(a.out, split, count, a.seed, parse_classes(a.classes))
        print('wrote %s (%d images)' % (path, count))


if __name__ == '__main__':
    main(sys.argv[1:])
