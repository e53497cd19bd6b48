#!/usr/bin/env python3
"""Writes the `.pt` / `.pth` fixtures of Orbit's restricted unpickler (Tests/Fixtures/pytorch/pickle/)
and records what PyTorch itself loads from them in `pickle/expected.json`.

Run with a Python that has torch (e.g. ~/.cache/orbit-bench-venv/bin/python); the tests only read
the committed files and never need torch. Every file is small (kilobytes) and deterministic apart
from the zip members torch adds (`.data/serialization_id`).

The hostile files are written byte by byte as pickles and are NEVER loaded here: unpickling
`hostile-*.pt` with Python's `pickle` would run `posix.system` / `builtins.eval` and create the marker
file `MARKER` (the tests check that Orbit refuses them and that the marker never appears).

`orbit-written.pt` is written by Orbit's `TorchCheckpointFile.write(tensors:to:)` (the Swift test
`TorchCheckpointFixtureTests.writeOrbitFixture` with ORBIT_WRITE_FIXTURES=1); when it exists this
script checks that `torch.load(path, weights_only=True)` loads it with the values recorded for it.
"""
import io
import json
import os
import struct
import sys
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pickle")
MARKER = "/tmp/orbit-hostile-pickle-marker"

DTYPE_NAMES = {
    torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL",
}


def describe(tensors):
    """[{name, dtype, shape, values (row-major, as Python floats/ints)}] in the dict's order, as torch reads them."""
    out = []
    for name, t in tensors.items():
        t = t.detach()
        values = t.reshape(-1).to(torch.float64 if t.is_floating_point() else torch.int64).tolist()
        out.append({"name": name, "dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "values": values})
    return out


def mlp_state_dict(seed=0):
    torch.manual_seed(seed)

    class MLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(4, 6)
            self.fc2 = torch.nn.Linear(6, 5)
            self.fc3 = torch.nn.Linear(5, 3)

        def forward(self, x):
            return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))

    return MLP()


def pickle_zip(path, pickle_bytes, storages, root="archive"):
    """A torch.save-style zip holding `pickle_bytes` as data.pkl and `storages` (key -> bytes)."""
    def member(z, name, data):
        # A fixed timestamp, so rerunning the script leaves these files unchanged.
        z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        member(z, f"{root}/data.pkl", pickle_bytes)
        member(z, f"{root}/byteorder", b"little")
        for key, data in storages.items():
            member(z, f"{root}/data/{key}", data)
        member(z, f"{root}/version", b"3\n")


def unicode_op(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {"marker": MARKER, "files": {}}

    def record(name, key_path, tensors, note):
        expected["files"][name] = {"key_path": key_path, "tensors": describe(tensors), "note": note}

    def refuse(name, needles, note):
        expected["files"][name] = {"error_contains": needles, "note": note}

    # 1. The tutorial MLP's state dict, zip (torch >= 1.6) and legacy format.
    model = mlp_state_dict()
    sd = model.state_dict()
    torch.save(sd, os.path.join(OUT, "mlp.pt"))
    record("mlp.pt", [], sd, "state dict of a 3-layer MLP (fc1, fc2, fc3), torch.save zip format")
    torch.save(sd, os.path.join(OUT, "mlp-protocol4.pt"), pickle_protocol=4)
    record("mlp-protocol4.pt", [], sd,
           "pickle protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL); torch's weights_only refuses FRAME")
    torch.save(sd, os.path.join(OUT, "mlp-legacy.pth"), _use_new_zipfile_serialization=False)
    record("mlp-legacy.pth", [], sd, "the same state dict in the legacy (pre-1.6) format")
    # The whole module's parameters as nn.Parameter objects (_rebuild_parameter) in a plain dict.
    params = {k: v for k, v in model.named_parameters()}
    torch.save(params, os.path.join(OUT, "parameters.pt"))
    record("parameters.pt", [], params, "a dict of nn.Parameter (torch._utils._rebuild_parameter)")

    # 2. Every dtype Orbit maps, including half, bfloat16 and a BatchNorm-style int64 counter.
    torch.manual_seed(1)
    dtypes = {
        "half": torch.randn(2, 3).half(),
        "bfloat16": torch.randn(3, 2).bfloat16(),
        "double": torch.randn(2, 2).double(),
        "num_batches_tracked": torch.tensor(7, dtype=torch.int64),
        "int32": torch.tensor([-3, 0, 2_000_000_000], dtype=torch.int32),
        "uint8": torch.tensor([0, 1, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True]),
        "empty": torch.zeros(0, 4),
    }
    torch.save(dtypes, os.path.join(OUT, "dtypes.pt"))
    record("dtypes.pt", [], dtypes, "float16, bfloat16, float64, int64 scalar, int32, uint8, bool, empty")
    torch.save(dtypes, os.path.join(OUT, "dtypes-legacy.pt"), _use_new_zipfile_serialization=False)
    record("dtypes-legacy.pt", [], dtypes, "the dtypes in the legacy format")

    # 3. Views: a transpose, a column slice and a row (storage offset) of one shared storage.
    torch.manual_seed(2)
    base = torch.randn(4, 5)
    views = {"base": base, "transposed": base.t(), "columns": base[:, 1:4], "row": base[2], "every_other": base[::2, ::2]}
    assert not views["transposed"].is_contiguous() and not views["columns"].is_contiguous()
    torch.save(views, os.path.join(OUT, "strided.pt"))
    record("strided.pt", [], views, "non-contiguous views (transpose, slices, offset) sharing one storage")
    torch.save(views, os.path.join(OUT, "strided-legacy.pt"), _use_new_zipfile_serialization=False)
    record("strided-legacy.pt", [], views, "the views in the legacy format")

    # 4. Nested checkpoints.
    lightning = {"model." + k: v for k, v in sd.items()}
    torch.save({"epoch": 4, "global_step": 120, "pytorch-lightning_version": "2.4.0",
                "state_dict": lightning, "loops": {"fit_loop": {"epoch_progress": {"current": 4}}},
                "lr_schedulers": [], "optimizer_states": [{"state": {}, "param_groups": [{"lr": 0.1, "params": [0, 1]}]}]},
               os.path.join(OUT, "lightning.ckpt.pt"))
    record("lightning.ckpt.pt", ["state_dict"], lightning, "Lightning-style checkpoint: names kept with 'model.'")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss = model(torch.randn(8, 4)).pow(2).mean()
    loss.backward()
    optimizer.step()
    sd_after = {k: v.clone() for k, v in model.state_dict().items()}
    torch.save({"model_state": model.state_dict(), "epoch": 3, "optimizer": optimizer.state_dict(),
                "best_accuracy": 0.875, "history": [0.5, 0.75, 0.875], "name": "mlp"},
               os.path.join(OUT, "nested-model-state.pt"))
    record("nested-model-state.pt", ["model_state"], sd_after,
           "{'model_state': …, 'epoch': 3, 'optimizer': SGD state (int-keyed momentum buffers, floats, lists)}")
    torch.save({"checkpoint": {"net": sd}, "step": 10}, os.path.join(OUT, "nested-two-levels.pt"))
    record("nested-two-levels.pt", ["checkpoint", "net"], sd, "a state dict two levels down")
    torch.save({"model": sd, "ema": sd_after}, os.path.join(OUT, "ambiguous.pt"))
    refuse("ambiguous.pt", ["['model']", "['ema']"], "two state dicts: the error lists both key paths")

    # 5. Hostile and broken files (never loaded by Python here).
    command = f"touch {MARKER}"
    system_pickle = (b"\x80\x02" + b"cposix\nsystem\n" + b"q\x00" + unicode_op(command) + b"\x85R." )
    pickle_zip(os.path.join(OUT, "hostile-posix-system.pt"), system_pickle, {})
    refuse("hostile-posix-system.pt", ["posix.system"], "data.pkl calls posix.system('touch MARKER')")
    os_pickle = b"\x80\x02" + b"\x8c\x02os\x8c\x06system\x93" + unicode_op(command) + b"\x85R."
    with open(os.path.join(OUT, "hostile-os-system.pth"), "wb") as f:
        f.write(os_pickle)
    refuse("hostile-os-system.pth", ["os.system"], "a bare pickle (legacy reader) calling os.system via STACK_GLOBAL")
    eval_pickle = (b"\x80\x02" + b"cbuiltins\neval\n" + unicode_op(f"__import__('os').system('{command}')")
                   + b"\x85R.")
    pickle_zip(os.path.join(OUT, "hostile-eval.pt"), eval_pickle, {}, root="evil")
    refuse("hostile-eval.pt", ["builtins.eval"], "data.pkl calls builtins.eval")
    unknown = b"\x80\x02}q\x00" + b"\xee" + b"."
    pickle_zip(os.path.join(OUT, "unknown-opcode.pt"), unknown, {})
    refuse("unknown-opcode.pt", ["0xee", "offset 5"], "opcode byte 0xee (not a pickle opcode) at offset 5")

    with open(os.path.join(OUT, "mlp.pt"), "rb") as f:
        whole = f.read()
    with open(os.path.join(OUT, "truncated.pt"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    refuse("truncated.pt", ["cut short"], "mlp.pt cut in half (no end-of-central-directory record)")

    # A storage shorter than its tensor's shape: fc1.weight is 6x4 floats, its storage holds 10.
    src = zipfile.ZipFile(os.path.join(OUT, "mlp.pt"))
    root = src.namelist()[0].split("/")[0]
    pkl = src.read(f"{root}/data.pkl")
    storages = {n.split("/")[-1]: src.read(n) for n in src.namelist() if n.startswith(f"{root}/data/")}
    storages["0"] = storages["0"][:40]
    pickle_zip(os.path.join(OUT, "short-storage.pt"), pkl, storages, root="short-storage")
    refuse("short-storage.pt", ["fc1.weight"], "storage 0 of fc1.weight [6, 4] holds 10 floats, not 24")

    # 6. What Orbit writes must load in PyTorch with weights_only=True.
    orbit_written = os.path.join(OUT, "orbit-written.pt")
    expected["files"]["orbit-written.pt"] = {"key_path": [], "tensors": orbit_written_tensors(), "note":
                                             "written by Orbit's TorchCheckpointFile.write; torch.load(weights_only=True) reads it"}
    if os.path.exists(orbit_written):
        loaded = torch.load(orbit_written, weights_only=True)
        assert type(loaded).__name__ == "OrderedDict", type(loaded)
        got = describe(loaded)
        assert got == expected["files"]["orbit-written.pt"]["tensors"], (got, orbit_written_tensors())
        # torch.save pads stored members to 64-byte boundaries; torch.load reads unaligned ones too,
        # memory-mapped as well.
        mapped = torch.load(orbit_written, weights_only=True, mmap=True)
        assert describe(mapped) == got
        print("torch.load(weights_only=True) reads orbit-written.pt:", list(loaded))
    else:
        print("orbit-written.pt not present yet: run the Swift test with ORBIT_WRITE_FIXTURES=1, then this again")

    # Cross-check: PyTorch's own weights_only loader reads every non-hostile fixture as recorded.
    for name, entry in expected["files"].items():
        if "tensors" not in entry or not os.path.exists(os.path.join(OUT, name)):
            continue
        # torch's own weights_only unpickler rejects FRAME (protocol 4); this file is ours, so load it fully.
        obj = torch.load(os.path.join(OUT, name), weights_only=name != "mlp-protocol4.pt")
        for key in entry["key_path"]:
            obj = obj[key]
        assert describe(obj) == entry["tensors"], name

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, name)):7d}  {name}")
    write_fuzz_seeds()


def write_fuzz_seeds():
    """Seed corpora of Fuzz/: whole files for fuzz-torch, bare pickles (data.pkl) for fuzz-pickle."""
    fuzz = os.path.join(HERE, "..", "..", "..", "Fuzz", "Corpus")
    whole = ["mlp.pt", "mlp-legacy.pth", "mlp-protocol4.pt", "dtypes.pt", "dtypes-legacy.pt", "strided.pt",
             "strided-legacy.pt", "lightning.ckpt.pt", "orbit-written.pt", "hostile-posix-system.pt",
             "hostile-os-system.pth", "short-storage.pt"]
    os.makedirs(os.path.join(fuzz, "fuzz-torch"), exist_ok=True)
    os.makedirs(os.path.join(fuzz, "fuzz-pickle"), exist_ok=True)
    for name in whole:
        if os.path.exists(os.path.join(OUT, name)):
            with open(os.path.join(OUT, name), "rb") as src, open(os.path.join(fuzz, "fuzz-torch", name), "wb") as dst:
                dst.write(src.read())
    for name in ["mlp.pt", "mlp-protocol4.pt", "dtypes.pt", "strided.pt", "lightning.ckpt.pt", "nested-model-state.pt",
                 "orbit-written.pt", "hostile-eval.pt"]:
        if not os.path.exists(os.path.join(OUT, name)):
            continue
        with zipfile.ZipFile(os.path.join(OUT, name)) as z:
            pkl = next(n for n in z.namelist() if n.endswith("/data.pkl"))
            with open(os.path.join(fuzz, "fuzz-pickle", name.replace(".pt", ".pkl")), "wb") as dst:
                dst.write(z.read(pkl))


def orbit_written_tensors():
    """What the Swift writer test writes: the values are exact in every dtype."""
    return [
        {"name": "fc1.weight", "dtype": "F32", "shape": [2, 3], "values": [0.5, -1.0, 2.0, 0.25, 3.0, -4.5]},
        {"name": "fc1.bias", "dtype": "F32", "shape": [2], "values": [1.0, -1.0]},
        {"name": "half", "dtype": "F16", "shape": [2], "values": [1.5, -0.25]},
        {"name": "bfloat16", "dtype": "BF16", "shape": [1, 2], "values": [2.0, -3.0]},
        {"name": "double", "dtype": "F64", "shape": [3], "values": [0.1, 0.2, 0.3]},
        {"name": "bn.num_batches_tracked", "dtype": "I64", "shape": [], "values": [12]},
        {"name": "mask", "dtype": "BOOL", "shape": [2], "values": [1, 0]},
        {"name": "empty", "dtype": "F32", "shape": [0, 3], "values": []},
    ]


if __name__ == "__main__":
    sys.exit(main())
