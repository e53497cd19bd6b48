#!/usr/bin/env python3
"""Writes the ONNX fixtures of Orbit's ONNX reader tests (Tests/OrbitNetworksTests/ONNXReaderTests.swift).

Each model is a small PyTorch module with fixed weights (seeded), exported twice: with the
TorchScript exporter (`torch.onnx.export(..., dynamo=False)` -> NAME.legacy.onnx) and with the
current default, the dynamo exporter (`dynamo=True`, needs onnxscript -> NAME.dynamo.onnx).
PyTorch's outputs on fixed inputs go to expected.json, which the tests compare against; neither
torch nor onnx is needed to run the tests, only to regenerate the fixtures:

    ~/.cache/orbit-bench-venv/bin/python Tests/Fixtures/onnx/make_onnx.py

Written with torch 2.13.0 (CPU), onnx 1.23.2, onnxscript 0.7.2.
"""

import json
import os
import warnings

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 3
# Opset 20 is the first with a Gelu operator; older opsets spell GELU as Div/Erf/Add/Mul.
OPSET = 20


class MatMulLinear(nn.Module):
    """x @ W + b with W stored (in, out): exports as MatMul followed by Add, not Gemm."""

    def __init__(self, inputs, outputs):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(inputs, outputs) / inputs**0.5)
        self.bias = nn.Parameter(torch.randn(outputs) * 0.1)

    def forward(self, x):
        return x @ self.weight + self.bias


class ResidualMLP(nn.Module):
    """Linear, ReLU, then relu(x + fc3(relu(fc2(x)))), then a Linear head: Orbit's resmlp block."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 6)
        self.fc3 = nn.Linear(6, 6)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        h = torch.relu(self.fc1(x))
        h = torch.relu(h + self.fc3(torch.relu(self.fc2(h))))
        return self.head(h)


def models():
    torch.manual_seed(16)
    yield "relu_mlp", nn.Sequential(
        nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)
    ), (BATCH, 6), "mlp:6-8-8-3:relu"
    yield "tanh_gelu_mlp", nn.Sequential(
        nn.Linear(5, 7), nn.Tanh(), MatMulLinear(7, 7), nn.GELU(), nn.Linear(7, 2), nn.Sigmoid()
    ), (BATCH, 5), None
    yield "leaky_flatten_mlp", nn.Sequential(
        nn.Flatten(), nn.Linear(16, 10), nn.LeakyReLU(0.2), nn.Linear(10, 4)
    ), (BATCH, 1, 4, 4), None
    yield "residual_mlp", ResidualMLP(), (BATCH, 4), None
    yield "conv_net", nn.Sequential(
        nn.Conv2d(1, 2, kernel_size=3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3)
    ), (BATCH, 1, 4, 4), None


def main():
    expected = {}
    for name, model, input_shape, _ in models():
        model.eval()
        generator = torch.Generator().manual_seed(7)
        x = torch.randn(*input_shape, generator=generator)
        with torch.no_grad():
            y = model(x)
        expected[name] = {
            "input_shape": list(input_shape),
            "inputs": x.reshape(-1).tolist(),
            "output_shape": list(y.shape),
            "outputs": y.reshape(-1).tolist(),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, (x,), os.path.join(HERE, f"{name}.legacy.onnx"), dynamo=False, opset_version=OPSET,
                input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}},
            )
            program = torch.onnx.export(
                model, (x,), dynamo=True, opset_version=OPSET, input_names=["input"], output_names=["output"],
                dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False,
            )
            program.save(os.path.join(HERE, f"{name}.dynamo.onnx"), external_data=False)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
