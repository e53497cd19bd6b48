#!/usr/bin/env python3
"""Writes the naming-style fixtures (Tests/Fixtures/pytorch/naming/) from real PyTorch modules and
records what PyTorch computes with them in `naming/expected.json`.

Each fixture is a small MLP (6-8-5-3 with ReLU, or 6-8-8-8-3 for the ambiguous one; a few hundred
bytes) in one of the ways PyTorch users name their layers, saved twice from `model.state_dict()`:
`NAME.safetensors` (`safetensors.torch.save_file`) and `NAME.pt` (`torch.save`). For each the JSON
holds the state-dict keys in definition order, the architecture Orbit should infer, the outputs on
the fixed inputs, and the mean cross-entropy loss on the fixed labels.

Run with a Python that has torch and safetensors (e.g. ~/.cache/orbit-bench-venv/bin/python); the
tests only read the committed files and never need torch. The output is deterministic (fixed seeds)
apart from the zip members torch adds to `.pt` files.
"""
import json
import os

import safetensors.torch
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "naming")


class ModuleListMLP(nn.Module):
    """`layers.0`, `layers.1`, `layers.2`: an nn.ModuleList, activations applied in forward."""

    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x


class TutorialMLP(nn.Module):
    """The tutorial MLP: `fc1`, `fc2`, `fc3`."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, 5)
        self.fc3 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class WordNamedMLP(nn.Module):
    """Names without numbers (`encoder`, `hidden`, `head`): the order comes from the shapes."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(6, 8)
        self.hidden = nn.Linear(8, 5)
        self.head = nn.Linear(5, 3)

    def forward(self, x):
        return self.head(torch.relu(self.hidden(torch.relu(self.encoder(x)))))


class AmbiguousMLP(nn.Module):
    """Two square layers without numbers (`mix_a`, `mix_b`): neither names nor shapes fix their order."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(6, 8)
        self.mix_a = nn.Linear(8, 8)
        self.mix_b = nn.Linear(8, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.embed(x))
        x = torch.relu(self.mix_a(x))
        x = torch.relu(self.mix_b(x))
        return self.head(x)


class Wrapper(nn.Module):
    """What a LightningModule holding `self.model` saves: every key under `model.`."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)


def fixtures():
    """(name, module, arch, note) for each naming style; each module built from its own seed."""
    def seeded(seed, build):
        torch.manual_seed(seed)
        return build()

    relu_sequential = lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 3))
    flatten_sequential = lambda: nn.Sequential(
        nn.Flatten(), nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 3))
    return [
        ("modulelist", seeded(1, lambda: ModuleListMLP([6, 8, 5, 3])), "mlp:6-8-5-3:relu", "layers.N"),
        ("sequential", seeded(2, relu_sequential), "mlp:6-8-5-3:relu", "N with gaps 0, 2, 4"),
        ("sequential-flatten", seeded(3, flatten_sequential), "mlp:6-8-5-3:relu", "N with gaps 1, 3, 5"),
        ("named", seeded(4, TutorialMLP), "mlp:6-8-5-3:relu", "fc1, fc2, fc3"),
        ("named-words", seeded(5, WordNamedMLP), "mlp:6-8-5-3:relu", "encoder, hidden, head"),
        ("dataparallel", seeded(6, lambda: nn.DataParallel(TutorialMLP())), "mlp:6-8-5-3:relu", "module.fcN"),
        ("lightning", seeded(7, lambda: Wrapper(TutorialMLP())), "mlp:6-8-5-3:relu", "model.fcN"),
        ("dataparallel-lightning", seeded(8, lambda: nn.DataParallel(Wrapper(ModuleListMLP([6, 8, 5, 3])))),
         "mlp:6-8-5-3:relu", "module.model.layers.N"),
        ("ambiguous", seeded(9, AmbiguousMLP), "mlp:6-8-8-8-3:relu", "embed, mix_a, mix_b, head"),
    ]


def main():
    os.makedirs(OUT, exist_ok=True)
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(5, 6, generator=generator)
    labels = torch.tensor([0, 1, 2, 1, 0])
    record = {
        "inputs": inputs.tolist(),
        "labels": labels.tolist(),
        "activation": "relu",
        "torch": torch.__version__,
        "models": {},
    }
    for name, model, arch, note in fixtures():
        model.eval()
        state = model.state_dict()
        safetensors.torch.save_file(state, os.path.join(OUT, name + ".safetensors"))
        torch.save(state, os.path.join(OUT, name + ".pt"))
        with torch.no_grad():
            outputs = model(inputs)
            loss = nn.functional.cross_entropy(outputs, labels)
        record["models"][name] = {
            "arch": arch,
            "naming": note,
            "keys": list(state.keys()),
            "outputs": outputs.double().tolist(),
            "loss": float(loss),
        }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(record['models'])} fixtures to {OUT}")


if __name__ == "__main__":
    main()
