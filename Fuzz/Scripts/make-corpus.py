#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/<target>/ from small real files.

NPY/NPZ seeds come from numpy itself (np.save, np.savez, np.savez_compressed), safetensors seeds
follow the reference layout (8-byte length, JSON header padded to 8, tensor bytes), IDX seeds are
the first images and labels of Fashion-MNIST when installed (else synthetic) in raw and gzip form,
and network descriptions are the forms the README documents. Seeded: rerunning it rewrites the
same bytes, except the timestamps numpy puts in NPZ members. Usage: python3 Fuzz/Scripts/make-corpus.py
"""
import gzip
import io
import json
import os
import struct

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Corpus")


def put(target, name, data):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npz(compressed, **arrays):
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def safetensors(tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, array in tensors:
        dtype = {"float32": "F32", "float64": "F64", "float16": "F16", "int64": "I64", "uint8": "U8",
                 "int32": "I32", "bool": "BOOL"}[str(array.dtype)]
        blob = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def idx(array, code):
    head = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return head + array.astype(array.dtype.newbyteorder(">")).tobytes()


def main():
    rng = np.random.default_rng(7)
    network = json.dumps({"format": "orbit.network/1", "input": 3, "prefix": "layers", "blocks": [
        {"type": "dense", "outputs": 4, "bias": True, "activation": "relu"},
        {"type": "dense", "outputs": 2, "bias": True, "activation": "identity"}]}, separators=(",", ":"))

    # safetensors: an Orbit-style model, several dtypes, a scalar, an empty tensor.
    w0 = rng.standard_normal((4, 3)).astype(np.float32)
    b0 = rng.standard_normal(4).astype(np.float32)
    w2 = rng.standard_normal((2, 4)).astype(np.float32)
    b2 = rng.standard_normal(2).astype(np.float32)
    put("fuzz-safetensors", "model.safetensors", safetensors(
        [("layers.0.weight", w0), ("layers.0.bias", b0), ("layers.2.weight", w2), ("layers.2.bias", b2)],
        {"orbit.network": network, "orbit.seed": "1"}))
    put("fuzz-safetensors", "dtypes.safetensors", safetensors([
        ("f64", rng.standard_normal((2, 2))), ("f16", np.arange(3, dtype=np.float16)),
        ("i64", np.arange(4, dtype=np.int64)), ("u8", np.arange(5, dtype=np.uint8)),
        ("i32", np.arange(2, dtype=np.int32)), ("mask", np.array([True, False]))]))
    put("fuzz-safetensors", "scalar-empty.safetensors", safetensors(
        [("s", np.array(1.5, dtype=np.float32)), ("e", np.zeros((0, 3), dtype=np.float32))]))
    put("fuzz-safetensors", "empty.safetensors", safetensors([]))

    # NPY and NPZ (one corpus: the target tries both).
    put("fuzz-npz", "f32.npy", npy(rng.standard_normal((3, 4)).astype(np.float32)))
    put("fuzz-npz", "f64-big-endian.npy", npy(np.arange(6, dtype=">f8").reshape(2, 3)))
    put("fuzz-npz", "u8-vector.npy", npy(np.arange(7, dtype=np.uint8)))
    put("fuzz-npz", "scalar.npy", npy(np.array(3, dtype=np.int64)))
    put("fuzz-npz", "bool.npy", npy(np.array([[True, False]])))
    put("fuzz-npz", "fortran.npy", npy(np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))))
    put("fuzz-npz", "stored.npz", npz(False, w=w0, b=b0))
    put("fuzz-npz", "deflated.npz", npz(True, w=w0, b=b0, labels=np.arange(10, dtype=np.int64)))
    put("fuzz-npz", "empty-array.npz", npz(False, e=np.zeros((0,), dtype=np.float32)))

    # IDX: the head of Fashion-MNIST when installed (26 images, 26 labels), else synthetic.
    images = rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    labels = np.arange(4, dtype=np.uint8)
    source = "/usr/share/datasets/fashion-mnist"
    try:
        with gzip.open(os.path.join(source, "t10k-images-idx3-ubyte.gz")) as f:
            raw = f.read(16 + 2 * 784)
            images = np.frombuffer(raw[16:], dtype=np.uint8).reshape(2, 28, 28)
        with gzip.open(os.path.join(source, "t10k-labels-idx1-ubyte.gz")) as f:
            labels = np.frombuffer(f.read(8 + 26)[8:], dtype=np.uint8)
    except OSError:
        pass
    put("fuzz-idx", "images.idx", idx(images, 0x08))
    put("fuzz-idx", "labels.idx", idx(labels, 0x08))
    put("fuzz-idx", "labels.idx.gz", gzip.compress(idx(labels, 0x08), mtime=0))
    put("fuzz-idx", "f32.idx", idx(rng.standard_normal((3, 2)).astype(np.float32), 0x0D))
    put("fuzz-idx", "f64.idx.gz", gzip.compress(idx(np.arange(4, dtype=np.float64), 0x0E), mtime=0))
    put("fuzz-idx", "i16.idx", idx(np.arange(-3, 3, dtype=np.int16).reshape(2, 3), 0x0B))
    put("fuzz-idx", "i32.idx", idx(np.arange(5, dtype=np.int32), 0x0C))
    put("fuzz-idx", "i8.idx", idx(np.arange(-2, 2, dtype=np.int8), 0x09))

    # Network descriptions.
    for i, text in enumerate([
        "mlp:784-512-512-10:relu", "mlp:4-8-2:tanh:nobias", "mlp:3-2", "linear:8-8-8-8",
        "linear-skip:1-1-1-1:eps=0.5", "resmlp:784-256x3-10:relu", "resmlp:4-8x0-2:gelu", network,
        json.dumps({"format": "orbit.network/1", "input": 2, "prefix": "net", "blocks": [
            {"type": "residual", "skip_scale": 0.5, "activation": "relu", "layers": [
                {"type": "dense", "outputs": 3, "bias": True, "activation": "relu"},
                {"type": "dense", "outputs": 2, "bias": False, "activation": "identity"}]},
            {"type": "dense", "outputs": 1}]}),
    ]):
        put("fuzz-network-description", "description-%d.txt" % i, text.encode())

    # ONNX: the test fixtures that fit the smoke run's -max_len (both PyTorch exporters'
    # TorchScript files, the hand-built dtypes, the refused files), written by
    # Tests/Fixtures/onnx/make_onnx.py.
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "onnx")
    for directory, prefix in [(fixtures, ""), (os.path.join(fixtures, "bad"), "bad-")]:
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if name.endswith(".onnx") and os.path.getsize(path) <= 4096:
                with open(path, "rb") as f:
                    put("fuzz-onnx", prefix + name, f.read())


if __name__ == "__main__":
    main()
