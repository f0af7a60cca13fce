#!/usr/bin/python3
"""Trains the small CAM network of Zhou et al. (CVPR 2016) on the Fashion-MNIST
localization set and exports it to ONNX with cam.* metadata.

Architecture (input 1x64x64, features 128x16x16, stride 4):
    conv3x3(1->16)-BN-ReLU, maxpool2                      64x64 -> 32x32
    conv3x3(16->32)-BN-ReLU, conv3x3(32->32)-BN-ReLU, maxpool2   -> 16x16
    conv3x3(32->64)-BN-ReLU, conv3x3(64->64)-BN-ReLU
    cam: conv3x3(64->128)+bias, ReLU   (the layer the paper adds; its output is the
                                        'features' tensor whose maps form the CAM)
    GlobalAveragePool (or GlobalMaxPool with --pool gmp), Flatten, Gemm(128->classes)

Each epoch sees fresh items of the train split (items e*N .. (e+1)*N-1 of
make_dataset's train stream), so training uses epochs*N distinct generated images.

Usage:
    nice -n 5 /usr/bin/python3 models/train.py --pool gap --out models/fmnist-gap.onnx
    nice -n 5 /usr/bin/python3 models/train.py --pool gmp --threads 1 --out models/fmnist-gmp.onnx
    nice -n 5 /usr/bin/python3 models/train.py --pool gap --classes 0,1,2,3,4 --epochs 6 --train-count 20000 --threads 1 --out models/fmnist-gap-05.onnx
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_dataset as md  # noqa: E402
import onnx_torch  # noqa: E402

# Input normalisation: pixels in [0,1], then (x - MEAN) / STD. Rounded statistics of
# the first 2000 train items (seed 0); fixed so that every model shares them.
MEAN = 0.117
STD = 0.241
FEATURES_NAME = 'features'   # the last conv block's output (the CAM feature maps)
POOLED_NAME = 'pooled'       # the global pooling output
FEATURE_SIZE = md.CANVAS // 4  # side of the feature maps (two 2x2 max pools)


def block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class CamNet(nn.Module):
    def __init__(self, n_classes, pool='gap', width=128):
        super().__init__()
        self.features = nn.Sequential(
            *block(1, 16), nn.MaxPool2d(2),
            *block(16, 32), *block(32, 32), nn.MaxPool2d(2),
            *block(32, 64), *block(64, 64))
        self.cam = nn.Sequential(nn.Conv2d(64, width, 3, padding=1), nn.ReLU(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1) if pool == 'gap' else nn.AdaptiveMaxPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(width, n_classes)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.cam(self.features(x)))))


def to_input(imgs):
    x = torch.from_numpy(imgs).float().div_(255.0).unsqueeze(1)
    return (x - MEAN) / STD


def evaluate(model, imgs, labels, bs=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(imgs), bs):
            out = model(to_input(imgs[s:s + bs]))
            correct += int((out.argmax(1).numpy() == labels[s:s + bs]).sum())
    return correct / len(imgs)


def onnx_accuracy(m, imgs, labels, label_map=None, bs=500):
    correct = 0
    for s in range(0, len(imgs), bs):
        pred = onnx_torch.logits(m, to_input(imgs[s:s + bs]).numpy()).argmax(1).numpy()
        if label_map is not None:
            pred = label_map[pred]
        correct += int((pred == labels[s:s + bs]).sum())
    return correct / len(imgs)


def rename_tensor(graph, old, new):
    for n in graph.node:
        for k, v in enumerate(n.input):
            if v == old:
                n.input[k] = new
        for k, v in enumerate(n.output):
            if v == old:
                n.output[k] = new


def export(model, path, pool, classes, meta):
    model.eval()
    dummy = torch.zeros(1, 1, md.CANVAS, md.CANVAS)
    tmp = path + '.tmp'
    torch.onnx.export(model, dummy, tmp, opset_version=13, input_names=['input'],
                      output_names=['logits'], dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}},
                      do_constant_folding=True)
    m = onnx.load(tmp)
    os.remove(tmp)
    g = m.graph
    pool_op = 'GlobalAveragePool' if pool == 'gap' else 'GlobalMaxPool'
    # torch 1.13 exports AdaptiveMaxPool2d(1) as a MaxPool whose kernel is the whole map;
    # CAM head detection looks for GlobalMaxPool, which computes the same thing.
    for k, n in enumerate(g.node[:-1]):
        if n.op_type == 'MaxPool' and g.node[k + 1].op_type == 'Flatten':
            a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
            assert list(a['kernel_shape']) == [FEATURE_SIZE, FEATURE_SIZE] and not any(a.get('pads', [])), a
            n.op_type = 'GlobalMaxPool'
            del n.attribute[:]
    pools = [n for n in g.node if n.op_type == pool_op]
    assert len(pools) == 1, [n.op_type for n in g.node]
    # Stable names for the tensors CAM users look for.
    rename_tensor(g, pools[0].input[0], FEATURES_NAME)
    rename_tensor(g, pools[0].output[0], POOLED_NAME)
    ops = [n.op_type for n in g.node]
    k = ops.index(pool_op)
    assert ops[k + 1:] == ['Flatten', 'Gemm'], ops
    names = [md.LABELS[c] for c in classes]
    props = {
        'cam.color': 'gray',
        'cam.resize': 'stretch',
        'cam.mean': '%.3f' % MEAN,
        'cam.std': '%.3f' % STD,
        'cam.labels': '\n'.join(names),
    }
    props.update(meta)
    del m.metadata_props[:]
    for key, val in props.items():
        e = m.metadata_props.add()
        e.key, e.value = key, str(val)
    m.producer_name = 'cam models/train.py'
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return m


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pool', choices=['gap', 'gmp'], default='gap')
    ap.add_argument('--classes', default='', help='class subset, e.g. 0,1,2,3,4 (default: all 10)')
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--train-count', type=int, default=30000, help='fresh train items per epoch')
    ap.add_argument('--test-count', type=int, default=5000)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--seed', type=int, default=0, help='torch seed (weights, batch order)')
    ap.add_argument('--data-seed', type=int, default=0, help='make_dataset seed')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out', required=True)
    ap.add_argument('--from-checkpoint', action='store_true',
                    help='skip training: export models/cache/OUT.pt saved by an earlier run')
    a = ap.parse_args(argv)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    subset = md.parse_classes(a.classes)
    classes = subset if subset is not None else list(range(10))
    # Network outputs are indices into `classes`; label_map turns them back.
    label_map = np.array(classes)
    to_index = {c: k for k, c in enumerate(classes)}

    t_data = time.time()
    test_x, test_y, _ = md.generate('test', a.test_count, a.data_seed, subset)
    test_t = np.array([to_index[c] for c in test_y])
    print('test set: %d items in %.1fs' % (len(test_y), time.time() - t_data), flush=True)

    model = CamNet(len(classes), a.pool)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=5e-4)
    steps_per_epoch = (a.train_count + a.batch - 1) // a.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.epochs * steps_per_epoch,
                                                pct_start=0.2)
    t0 = time.time()
    gen_time = 0.0
    ckpt = os.path.join(HERE, 'cache', os.path.basename(a.out) + '.pt')
    if a.from_checkpoint:
        saved = torch.load(ckpt)
        model.load_state_dict(saved['state'])
        print('loaded %s' % ckpt, flush=True)
    train_argv = saved['argv'] if a.from_checkpoint else argv
    for epoch in range(0 if a.from_checkpoint else a.epochs):
        tg = time.time()
        xs, ys, _ = md.generate('train', a.train_count, a.data_seed, subset, start=epoch * a.train_count)
        ts = torch.from_numpy(np.array([to_index[c] for c in ys]))
        gen_time += time.time() - tg
        model.train()
        perm = torch.from_numpy(rng.permutation(len(ys)))
        tot, n = 0.0, 0
        for s in range(0, len(ys), a.batch):
            idx = perm[s:s + a.batch]
            x = to_input(xs[idx.numpy()])
            loss = F.cross_entropy(model(x), ts[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(idx)
            n += len(idx)
        acc = evaluate(model, test_x, test_t)
        print('epoch %d loss %.4f test acc %.4f (%.0fs)' % (epoch + 1, tot / n, acc, time.time() - t0), flush=True)
    train_s = time.time() - t0
    if a.from_checkpoint:
        train_s, gen_time = saved['train_s'], saved['gen_s']
    else:
        # Kept (ignored by git) so an export problem does not cost a retraining.
        os.makedirs(os.path.dirname(ckpt), exist_ok=True)
        torch.save({'state': model.state_dict(), 'train_s': train_s, 'gen_s': gen_time, 'argv': argv}, ckpt)

    acc = evaluate(model, test_x, test_t)
    acc500 = evaluate(model, test_x[:500], test_t[:500])
    name = os.path.basename(a.out)
    pool_txt = 'global average pooling' if a.pool == 'gap' else 'global max pooling'
    meta = {
        'cam.description': ('Small CAM network (Zhou et al. 2016) for the cam project: 5 conv-BN-ReLU layers, '
                            'an added conv3x3(128)+ReLU, %s, one FC. Input 1x64x64 gray, CAM features '
                            '128x16x16 (tensor "%s"). Trained on models/make_dataset.py Fashion-MNIST '
                            'localization images (classes %s).' % (pool_txt, FEATURES_NAME,
                                                                   ','.join(map(str, classes)))),
        'cam.test_accuracy': '%.4f' % acc,
        'cam.test_set': 'make_dataset.py --split test --count %d --seed %d%s' % (
            a.test_count, a.data_seed, (' --classes ' + a.classes) if subset else ''),
        'cam.train': 'train.py %s (%d epochs x %d fresh items, %.0f s on 2 shared CPU cores)' % (
            ' '.join(train_argv), a.epochs, a.train_count, train_s),
    }
    m = export(model, a.out, a.pool, classes, meta)

    # The ONNX file, run by an independent interpreter, must give the module's logits.
    with torch.no_grad():
        ref = model(to_input(test_x[:64])).numpy()
    got = onnx_torch.logits(m, to_input(test_x[:64]).numpy()).numpy()
    diff = float(np.abs(ref - got).max())
    onnx_acc = onnx_accuracy(m, test_x, test_y, label_map)
    assert diff < 1e-3, diff
    report = {'model': name, 'pool': a.pool, 'classes': classes, 'epochs': a.epochs,
              'train_items_per_epoch': a.train_count, 'train_seconds': round(train_s, 1),
              'data_gen_seconds': round(gen_time, 1), 'test_count': a.test_count,
              'test_accuracy': round(acc, 4), 'test500_accuracy': round(acc500, 4),
              'onnx_test_accuracy': round(onnx_acc, 4), 'onnx_max_abs_logit_diff': diff,
              'size_bytes': os.path.getsize(a.out)}
    print(json.dumps(report), flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])
