"""A tiny ONNX interpreter on PyTorch functional ops, for checking the shipped models.

It runs the operators our exports use (Conv, BatchNormalization, Relu, MaxPool,
GlobalAveragePool, GlobalMaxPool, ReduceMean, Flatten, Reshape, Gemm, MatMul, Add,
Identity, Constant) straight from the ONNX graph and its initializers, so it checks the
file itself rather than the PyTorch module it was exported from (onnx 1.12 has no
reference evaluator and onnxruntime is not installed here).
"""
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads(a, nd=2):
    p = list(a.get('pads', [0] * (2 * nd)))
    if a.get('auto_pad', b'NOTSET') not in (b'NOTSET', 'NOTSET'):
        raise NotImplementedError('auto_pad')
    begin, end = p[:nd], p[nd:]
    return begin, end


def run(model, x):
    """Runs an onnx.ModelProto on a float32 tensor or array x; returns {name: tensor}."""
    g = model.graph
    env = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
    inputs = [i.name for i in g.input if i.name not in env]
    env[inputs[0]] = torch.as_tensor(np.asarray(x, np.float32))
    for node in g.node:
        a = _attrs(node)
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == 'Conv':
            begin, end = _pads(a)
            xx = i[0]
            if begin != end:
                xx = F.pad(xx, (begin[1], end[1], begin[0], end[0]))
                begin = [0, 0]
            y = F.conv2d(xx, i[1], i[2] if len(i) > 2 else None, stride=tuple(a.get('strides', [1, 1])),
                         padding=tuple(begin), dilation=tuple(a.get('dilations', [1, 1])),
                         groups=a.get('group', 1))
        elif op == 'BatchNormalization':
            y = F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0, a.get('epsilon', 1e-5))
        elif op == 'Relu':
            y = F.relu(i[0])
        elif op == 'MaxPool':
            begin, end = _pads(a)
            assert begin == end, 'asymmetric pool padding'
            y = F.max_pool2d(i[0], tuple(a['kernel_shape']), tuple(a.get('strides', [1, 1])),
                             tuple(begin), ceil_mode=bool(a.get('ceil_mode', 0)))
        elif op == 'GlobalAveragePool':
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif op == 'GlobalMaxPool':
            y = i[0].amax(dim=(2, 3), keepdim=True)
        elif op == 'ReduceMean':
            y = i[0].mean(dim=tuple(a['axes']), keepdim=bool(a.get('keepdims', 1)))
        elif op == 'Flatten':
            ax = a.get('axis', 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == 'Reshape':
            shape = [int(s) for s in i[1].tolist()]
            shape = [i[0].shape[k] if s == 0 else s for k, s in enumerate(shape)]
            y = i[0].reshape(shape)
        elif op == 'Gemm':
            A = i[0].t() if a.get('transA', 0) else i[0]
            B = i[1].t() if a.get('transB', 0) else i[1]
            y = a.get('alpha', 1.0) * (A @ B)
            if len(i) > 2 and i[2] is not None:
                y = y + a.get('beta', 1.0) * i[2]
        elif op == 'MatMul':
            y = i[0] @ i[1]
        elif op == 'Add':
            y = i[0] + i[1]
        elif op == 'Identity':
            y = i[0]
        elif op == 'Constant':
            y = torch.from_numpy(numpy_helper.to_array(a['value']).copy())
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = y
    return env


def logits(model, x):
    """The model's first output for input x [N,1,H,W]."""
    with torch.no_grad():
        return run(model, x)[model.graph.output[0].name]
