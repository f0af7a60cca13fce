#!/usr/bin/python3
"""Joins the `cam map --out DIR` pictures (*_cam.png, sorted by name) side by side.

Usage: /usr/bin/python3 models/concat_pictures.py DIR OUT.png
"""
import glob
import os
import sys

from PIL import Image


def main(argv):
    src, out = argv
    ims = [Image.open(f).convert('RGB') for f in sorted(glob.glob(os.path.join(src, '*_cam.png')))]
    if not ims:
        sys.exit('no *_cam.png in %s' % src)
    joined = Image.new('RGB', (sum(i.size[0] for i in ims), max(i.size[1] for i in ims)))
    x = 0
    for i in ims:
        joined.paste(i, (x, 0))
        x += i.size[0]
    joined.save(out, optimize=True)


if __name__ == '__main__':
    main(sys.argv[1:])
