#!/usr/bin/env python3
"""Writes the ONNX fixtures of Orbit's ONNX reader tests (Tests/OrbitNetworksTests/ONNXReaderTests.swift).

Each model is a small PyTorch module with fixed weights (seeded), exported twice: with the
TorchScript exporter (`torch.onnx.export(..., dynamo=False)` -> NAME.legacy.onnx) and with the
current default, the dynamo exporter (`dynamo=True`, needs onnxscript -> NAME.dynamo.onnx).
PyTorch's outputs on fixed inputs go to expected.json, which the tests compare against; neither
torch nor onnx is needed to run the tests, only to regenerate the fixtures:

    ~/.cache/orbit-bench-venv/bin/python Tests/Fixtures/onnx/make_onnx.py

Besides the exports, it builds with onnx.helper (numpy for the expected outputs) the files PyTorch
does not write: initializers as float64 and float16 in the typed fields and in raw_data, and the
bad inputs under bad/ — an initializer shorter than its dims, a symbolic feature dimension,
external data, an operator Orbit does not know (Softmax), an Add that is not a skip, two layers
sharing one weight.

Written with torch 2.13.0 (CPU), onnx 1.23.2, onnxscript 0.7.2. The dynamo exporter does not write
the same bytes twice, so rerun this only to change the fixtures.
"""

import json
import os
import warnings

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
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


class BasicBlock(nn.Module):
    """torchvision's CIFAR BasicBlock, with the projection shortcut `downsample` when the shape changes."""

    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.downsample = None
        if stride != 1 or inputs != outputs:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return torch.relu(h + (x if self.downsample is None else self.downsample(x)))


class ResNet20(nn.Module):
    """The module tree of Orbit's `resnet20:w=W:in=CxHxW:out=K` preset (CIFAR ResNet-20)."""

    def __init__(self, width, channels, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        blocks, current = [], width
        for stage, w in enumerate([width, 2 * width, 4 * width]):
            layer = []
            for b in range(3):
                layer.append(BasicBlock(current, w, 2 if stage > 0 and b == 0 else 1))
                current = w
            blocks.append(nn.Sequential(*layer))
        self.layer1, self.layer2, self.layer3 = blocks
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4 * width, classes)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = self.layer3(self.layer2(self.layer1(h)))
        return self.fc(torch.flatten(self.avgpool(h), 1))


def trained_statistics(model):
    """BatchNorm with γ, β and running statistics away from their defaults, so the tests see them."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.3, 0.3)
                m.running_var.uniform_(0.5, 2.0)
    return model


# Orbit's preset for the ResNet fixture; its safetensors is written next to the ONNX files.
RESNET_PRESET = "resnet20:w=2:in=1x8x8:out=3"


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
    yield "bn_pool_cnn", trained_statistics(nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, padding=1), nn.LeakyReLU(0.1), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 3)
    )), (BATCH, 1, 8, 8), None
    yield "resnet", trained_statistics(ResNet20(2, 1, 3)), (BATCH, 1, 8, 8), RESNET_PRESET
    norm = nn.LayerNorm([2, 6, 6])
    with torch.no_grad():
        norm.weight.uniform_(0.5, 1.5)
        norm.bias.uniform_(-0.2, 0.2)
    yield "layernorm_cnn", nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1), norm, nn.GELU(), nn.Flatten(), nn.Linear(72, 3)
    ), (BATCH, 1, 6, 6), None


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
                # In eval mode both exporters fold BatchNorm into the conv before it (bn_pool_cnn shows
                # that); PRESERVE keeps the ResNet's BatchNormalization nodes and PyTorch's names.
                training=torch.onnx.TrainingMode.PRESERVE if name == "resnet" else torch.onnx.TrainingMode.EVAL,
            )
            program = torch.onnx.export(
                model, (x,), dynamo=True, opset_version=OPSET, input_names=["input"], output_names=["output"],
                dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False,
            )
            program.save(os.path.join(HERE, f"{name}.dynamo.onnx"), external_data=False)
        if name == "resnet":
            from safetensors.torch import save_file
            state = {k: v.contiguous() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
            save_file(state, os.path.join(HERE, "resnet.safetensors"))
    expected.update(handmade())
    bad()
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def dense_graph(inputs, layers, input_dims=None, name="handmade"):
    """A Gemm (transB=1) chain from (out, in) weights: layers = [(W, b, activation op or None)]."""
    nodes, initializers = [], []
    current = "input"
    for i, (w, b, activation) in enumerate(layers):
        initializers += [w(f"fc{i}.weight"), b(f"fc{i}.bias")]
        nodes.append(helper.make_node("Gemm", [current, f"fc{i}.weight", f"fc{i}.bias"], [f"z{i}"], name=f"gemm{i}", transB=1))
        current = f"z{i}"
        if activation:
            nodes.append(helper.make_node(activation, [current], [f"a{i}"], name=f"{activation.lower()}{i}"))
            current = f"a{i}"
    nodes[-1].output[0] = "output"
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_dims or ["batch", inputs])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", "outputs"])], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], producer_name="make_onnx.py")


def handmade():
    """float64 in double_data, float16 in int32_data and in raw_data: numpy computes the outputs."""
    rng = np.random.default_rng(16)
    w1, b1 = rng.standard_normal((5, 4)), rng.standard_normal(5) * 0.1
    w2, b2 = rng.standard_normal((3, 5)) / 2, rng.standard_normal(3) * 0.1
    x = rng.standard_normal((BATCH, 4))
    expected = {}
    for name, dtype, store in [
        ("float64_typed", np.float64, "typed"), ("float16_typed", np.float16, "typed"), ("float16_raw", np.float16, "raw")
    ]:
        def tensor(array):
            a = array.astype(dtype)
            def make(tensor_name):
                if store == "raw":
                    return numpy_helper.from_array(a, tensor_name)
                if dtype == np.float64:
                    return helper.make_tensor(tensor_name, TensorProto.DOUBLE, a.shape, a.reshape(-1).tolist())
                bits = a.reshape(-1).view(np.uint16).astype(np.int32).tolist()
                t = TensorProto(name=tensor_name, data_type=TensorProto.FLOAT16, dims=a.shape)
                t.int32_data.extend(bits)
                return t
            return make, a.astype(np.float64)
        (mw1, aw1), (mb1, ab1), (mw2, ab2_w), (mb2, ab2) = tensor(w1), tensor(b1), tensor(w2), tensor(b2)
        model = dense_graph(4, [(mw1, mb1, "Tanh"), (mw2, mb2, None)], name=name)
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(HERE, f"{name}.onnx"))
        y = np.tanh(x @ aw1.T + ab1) @ ab2_w.T + ab2
        expected[name] = {"input_shape": [BATCH, 4], "inputs": x.reshape(-1).tolist(),
                          "output_shape": list(y.shape), "outputs": y.reshape(-1).tolist()}
    expected["plumbing"] = plumbing(rng)
    return expected


def plumbing(rng):
    """Identity, a Constant shape for a Reshape that keeps the batch with 0, MatMul + Add, Dropout with
    training_mode false, and Gemm with transB=0 and a [1, out] bias: the operators PyTorch's exports
    above do not use."""
    w1, b1 = rng.standard_normal((6, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    w2, b2 = rng.standard_normal((4, 2)).astype(np.float32), rng.standard_normal((1, 2)).astype(np.float32)
    nodes = [
        helper.make_node("Identity", ["input"], ["same"], name="identity"),
        helper.make_node("Constant", [], ["shape"], name="shape_constant",
                         value=numpy_helper.from_array(np.array([0, 6], dtype=np.int64))),
        helper.make_node("Reshape", ["same", "shape"], ["flat"], name="flatten_reshape"),
        helper.make_node("MatMul", ["flat", "w1"], ["m1"], name="matmul"),
        helper.make_node("Add", ["b1", "m1"], ["z1"], name="bias_add"),
        helper.make_node("Constant", [], ["training"], name="training_constant",
                         value=numpy_helper.from_array(np.array(False))),
        helper.make_node("Dropout", ["z1", "ratio", "training"], ["d1", "mask"], name="dropout"),
        helper.make_node("Relu", ["d1"], ["a1"], name="relu"),
        helper.make_node("Gemm", ["a1", "w2", "b2"], ["output"], name="gemm_transb0", transB=0),
    ]
    initializers = [numpy_helper.from_array(a, n) for a, n in [
        (w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (np.array(0.5, dtype=np.float32), "ratio")]]
    graph = helper.make_graph(
        nodes, "plumbing", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 2, 3])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], producer_name="make_onnx.py")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "plumbing.onnx"))
    x = rng.standard_normal((BATCH, 1, 2, 3)).astype(np.float32)
    h = np.maximum(x.reshape(BATCH, 6).astype(np.float64) @ w1 + b1, 0)
    y = h @ w2 + b2
    return {"input_shape": [BATCH, 1, 2, 3], "inputs": x.reshape(-1).astype(np.float64).tolist(),
            "output_shape": list(y.shape), "outputs": y.reshape(-1).tolist()}


def bad():
    """Files Orbit must refuse, each with one clear error."""
    os.makedirs(os.path.join(HERE, "bad"), exist_ok=True)
    rng = np.random.default_rng(3)
    def f32(shape):
        a = rng.standard_normal(shape).astype(np.float32)
        return lambda name: numpy_helper.from_array(a, name)
    def save(model, name):
        onnx.save(model, os.path.join(HERE, "bad", name))

    # fc0.weight claims [5, 4] but holds 12 of its 20 floats.
    model = dense_graph(4, [(f32((5, 4)), f32(5), "Relu"), (f32((3, 5)), f32(3), None)])
    model.graph.initializer[0].raw_data = model.graph.initializer[0].raw_data[:48]
    save(model, "short_initializer.onnx")
    # The same through float_data.
    model = dense_graph(4, [(f32((5, 4)), f32(5), "Relu"), (f32((3, 5)), f32(3), None)])
    w = model.graph.initializer[0]
    values = np.frombuffer(w.raw_data, dtype=np.float32)[:7].tolist()
    w.ClearField("raw_data")
    w.float_data.extend(values)
    save(model, "short_float_data.onnx")
    # A symbolic feature dimension.
    save(dense_graph(4, [(f32((5, 4)), f32(5), "Relu"), (f32((3, 5)), f32(3), None)], input_dims=["batch", "n"]),
         "dynamic_shape.onnx")
    # Weights in an external file.
    model = dense_graph(4, [(f32((5, 4)), f32(5), "Relu"), (f32((3, 5)), f32(3), None)])
    w = model.graph.initializer[0]
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    w.external_data.add(key="location", value="weights.bin")
    save(model, "external_data.onnx")
    # An operator Orbit does not know.
    model = dense_graph(4, [(f32((5, 4)), f32(5), "Relu"), (f32((3, 5)), f32(3), "Softmax")])
    save(model, "softmax.onnx")
    # Add of two parallel branches: not a skip x + F(x).
    model = dense_graph(4, [(f32((5, 4)), f32(5), "Relu"), (f32((3, 5)), f32(3), None)])
    model.graph.initializer.extend([f32((3, 5))("side.weight")])
    model.graph.node[-1].output[0] = "main"
    model.graph.node.extend([
        helper.make_node("MatMul", ["a0", "side.weight_t"], ["side"], name="side_matmul"),
        helper.make_node("Add", ["main", "side"], ["output"], name="branch_add"),
    ])
    model.graph.initializer.extend([numpy_helper.from_array(rng.standard_normal((5, 3)).astype(np.float32), "side.weight_t")])
    save(model, "parallel_add.onnx")
    # Two layers reading one weight (tied): Orbit's θ cannot tie them.
    model = dense_graph(4, [(f32((4, 4)), f32(4), "Relu"), (f32((4, 4)), f32(4), None)])
    model.graph.node[2].input[1] = "fc0.weight"
    save(model, "tied_weights.onnx")
    # A grouped convolution (depthwise, 2 groups).
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight"], ["c"], name="grouped_conv", group=2, kernel_shape=[3, 3]),
        helper.make_node("Flatten", ["c"], ["output"], name="flatten"),
    ]
    graph = helper.make_graph(
        nodes, "grouped", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 2, 4, 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 8])], [f32((2, 1, 3, 3))("conv.weight")])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)]), "grouped_conv.onnx")
    # Softmax between a convolution and the head.
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight"], ["c"], name="conv", kernel_shape=[3, 3]),
        helper.make_node("Softmax", ["c"], ["s"], name="middle_softmax", axis=1),
        helper.make_node("Flatten", ["s"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.weight"], ["output"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "softmax_cnn", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 4, 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 3])],
        [f32((2, 1, 3, 3))("conv.weight"), f32((3, 8))("fc.weight")])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)]), "conv_softmax.onnx")
    # Operators whose attributes Orbit's layers would compute differently, each on a 2×4×4 input.
    def image_graph(node, name, initializers=()):
        graph = helper.make_graph(
            [node, helper.make_node("Flatten", ["y"], ["output"], name="flatten")], name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 2, 4, 4])],
            [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", None])], list(initializers))
        save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)]), f"{name}.onnx")
    image_graph(helper.make_node("MaxPool", ["input"], ["y"], name="ceil_pool", kernel_shape=[3, 3], strides=[2, 2],
                                 ceil_mode=1), "ceil_mode_pool")
    image_graph(helper.make_node("AveragePool", ["input"], ["y"], name="exclusive_pool", kernel_shape=[3, 3],
                                 pads=[1, 1, 1, 1]), "count_exclusive_pool")
    image_graph(helper.make_node("LayerNormalization", ["input", "ln.weight", "ln.bias"], ["y"], name="row_norm",
                                 axis=-1), "layernorm_last_axis", [f32((4,))("ln.weight"), f32((4,))("ln.bias")])
    image_graph(helper.make_node("Conv", ["input", "conv.weight"], ["y"], name="dilated_conv", dilations=[2, 2]),
                "dilated_conv", [f32((2, 2, 2, 2))("conv.weight")])


if __name__ == "__main__":
    main()
