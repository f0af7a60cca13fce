#!/usr/bin/python3
"""Seed corpora for `make fuzz` (fuzz_net, fuzz_npy).

Writes DIR/seeds_net/ and DIR/seeds_npy/ (cleared first):
  seeds_net: a tiny CNN with a CAM head (Conv, Relu, MaxPool, GlobalAveragePool, Flatten,
             Gemm) built with onnx.helper, the shipped models/*.onnx under 1 MB, and the
             ONNX node tests (libonnx-testdata) of the operators cam implements
  seeds_npy: arrays of every dtype cam reads, npy format versions 1.0, 2.0 and 3.0,
             0-d, empty and Fortran-order arrays, and a big-endian one (must be refused)
Small seeds make the mutations count: libFuzzer caps new inputs at the largest seed.

usage: /usr/bin/python3 tests/fuzz/make_seeds.py DIR
"""
import glob
import io
import os
import shutil
import sys

sys.dont_write_bytecode = True
import numpy as np  # noqa: E402

NODE_TESTS = "/usr/share/libonnx-testdata/data/node"
OPS = ("conv", "relu", "maxpool", "averagepool", "globalaveragepool", "globalmaxpool",
       "gemm", "matmul", "concat", "add", "mul", "batchnorm", "flatten", "reshape", "clip",
       "softmax", "pad", "transpose", "lrn", "leakyrelu", "sigmoid", "hardsigmoid",
       "hardswish", "reducemean", "dropout", "identity", "constant", "shape", "gather",
       "unsqueeze", "tanh")
MAX_SEED = 64 * 1024


def tiny_cnn():
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((4, 1, 3, 3)).astype(np.float32), "w1"),
             numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "b1"),
             numpy_helper.from_array(rng.standard_normal((3, 4)).astype(np.float32), "fc_w"),
             numpy_helper.from_array(rng.standard_normal(3).astype(np.float32), "fc_b")]
    nodes = [helper.make_node("Conv", ["input", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("GlobalAveragePool", ["p1"], ["g"]),
             helper.make_node("Flatten", ["g"], ["f"]),
             helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["output"], transB=1)]
    graph = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.metadata_props.add(key="cam.labels", value="a\nb\nc")
    onnx.checker.check_model(model)
    return model.SerializeToString()


def net_seeds(out):
    n = 0
    try:
        with open(os.path.join(out, "tiny_cnn.onnx"), "wb") as f:
            f.write(tiny_cnn())
        n += 1
    except ImportError:
        pass
    if n:  # truncated and bit-flipped copies of the tiny CNN
        data = open(os.path.join(out, "tiny_cnn.onnx"), "rb").read()
        with open(os.path.join(out, "hostile_truncated.onnx"), "wb") as f:
            f.write(data[:len(data) // 2])
        flipped = bytearray(data)
        for i in range(7, len(flipped), 61):
            flipped[i] ^= 0x40
        with open(os.path.join(out, "hostile_flipped.onnx"), "wb") as f:
            f.write(flipped)
        n += 2
    for p in sorted(glob.glob("models/*.onnx")):
        if os.path.getsize(p) <= 1 << 20:
            shutil.copy(p, os.path.join(out, os.path.basename(p)))
            n += 1
    for d in sorted(glob.glob(os.path.join(NODE_TESTS, "test_*"))):
        name = os.path.basename(d)[5:]
        model = os.path.join(d, "model.onnx")
        if name.startswith(OPS) and os.path.exists(model) and os.path.getsize(model) <= MAX_SEED:
            shutil.copy(model, os.path.join(out, name + ".onnx"))
            n += 1
    return n


def npy_bytes(a, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, a, version=version, allow_pickle=False)
    return b.getvalue()


def npy_seeds(out):
    rng = np.random.default_rng(0)
    arrays = {
        "f32": rng.standard_normal((2, 3, 4, 5)).astype("<f4"),
        "f64": rng.standard_normal((3, 7)).astype("<f8"),
        "i64": np.arange(12, dtype="<i8").reshape(3, 4),
        "i32": np.arange(-5, 5, dtype="<i4"),
        "u8": rng.integers(0, 256, (4, 4, 3), dtype=np.uint8),
        "bool": rng.integers(0, 2, (5,)).astype(bool),
        "scalar": np.array(3.5, dtype="<f4"),
        "empty": np.zeros((0, 3), dtype="<f4"),
        "ones8d": np.ones((1, 2, 1, 2, 1, 2, 1, 2), dtype="<f4"),
    }
    n = 0
    for name, a in arrays.items():
        for v in (None, (2, 0)):
            tag = "v1" if v is None else "v2"
            with open(os.path.join(out, "%s_%s.npy" % (name, tag)), "wb") as f:
                f.write(npy_bytes(a, v))
            n += 1
    # version 3.0 (utf-8 header): numpy writes it only for non-latin1 field names,
    # so patch the version bytes of a v2 file (same layout).
    v3 = bytearray(npy_bytes(arrays["f32"], (2, 0)))
    v3[6] = 3
    with open(os.path.join(out, "f32_v3.npy"), "wb") as f:
        f.write(v3)
    with open(os.path.join(out, "fortran.npy"), "wb") as f:
        f.write(npy_bytes(np.asfortranarray(arrays["f64"])))
    with open(os.path.join(out, "bigendian.npy"), "wb") as f:
        f.write(npy_bytes(arrays["f32"].astype(">f4")))
    # Hostile headers: each must be refused before anything is allocated.
    def raw(header):
        h = header.encode("latin1")
        h += b" " * ((64 - (10 + len(h) + 1) % 64) % 64) + b"\n"
        return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h
    hostile = {
        "huge_dims": "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
        "overflow_dims": "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
        "negative_dim": "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }",
        "short_data": "{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }",
        "bad_descr": "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }",
        "many_dims": "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % ("1, " * 40),
        "no_shape": "{'descr': '<f4', 'fortran_order': False, }",
    }
    for name, header in hostile.items():
        with open(os.path.join(out, "hostile_%s.npy" % name), "wb") as f:
            f.write(raw(header) + b"\0" * 16)
    with open(os.path.join(out, "hostile_header_len.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00\xff\xff{'descr'")
    return n + 4 + len(hostile)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_seeds.py DIR")
    for kind, fn in (("net", net_seeds), ("npy", npy_seeds)):
        out = os.path.join(sys.argv[1], "seeds_" + kind)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        print("seeds_%s: %d files" % (kind, fn(out)))


if __name__ == "__main__":
    main()
