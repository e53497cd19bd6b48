#!/usr/bin/env python3
"""Writes the layer-graph fixtures (Tests/Fixtures/pytorch/graph/): small CNNs, ResNet-20s and
VGG-11s written out as plain PyTorch modules whose state-dict names are exactly those of Orbit's
presets (`cnn:…`, `resnet20:…`, `vgg11:…`), and what PyTorch computes with them.

For every model SLUG (see MODELS below) it writes
  SLUG.safetensors   the float64 state dict before any forward pass (safetensors.torch.save_file)
  SLUG.pt            the same state dict through torch.save
  SLUG.json          preset, input shape, the fixed input batch (6 samples, NCHW rows) and labels,
                     parameter and buffer names/shapes in PyTorch order, eval-mode outputs and loss,
                     train-mode outputs and loss, the running statistics after that one train-mode
                     forward
  SLUG.grad.npz      the gradient of the train-mode mean cross-entropy loss: one flat float64 array
                     per parameter, named as the parameter, in `named_parameters()` order
and a float32 copy of `resnet20-bn` (`resnet20-bn-float32.safetensors` + `.json`, eval mode only).
It also rewrites README.md's generated section (the per-model tensor tables).

Run with a Python that has torch, numpy and safetensors (e.g. ~/.cache/orbit-bench-venv/bin/python):
    ~/.cache/orbit-bench-venv/bin/python Tests/Fixtures/pytorch/graph/make_graph_fixtures.py
The tests only read the committed files and never need torch. The output is deterministic
(fixed seeds, one thread).
"""
import json
import os
import re

import numpy as np
import safetensors.torch
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 6
EPS = 1e-5  # PyTorch's default for BatchNorm and LayerNorm, and Orbit's
MOMENTUM = 0.1


def norm_layer(kind, channels, height, width):
    """The normalisation after a conv producing (channels, height, width), or None for `none`."""
    if kind == "bn":
        return nn.BatchNorm2d(channels, eps=EPS, momentum=MOMENTUM)
    if kind == "ln":
        return nn.LayerNorm((channels, height, width), eps=EPS)
    return None


def conv_out(size, stride):
    """Spatial size after a 3×3 pad-1 (or 1×1 pad-0) convolution with this stride."""
    return (size - 1) // stride + 1


class BasicBlock(nn.Module):
    """torchvision's BasicBlock: conv1 (stride s), bn1, relu, conv2, bn2, + shortcut, relu; the
    shortcut is `downsample` = Sequential(1×1 conv stride s, norm) when the shape changes."""

    def __init__(self, cin, cout, stride, norm, height, width):
        super().__init__()
        bias = norm == "none"
        h, w = conv_out(height, stride), conv_out(width, stride)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=bias)
        self.bn1 = norm_layer(norm, cout, h, w)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=bias)
        self.bn2 = norm_layer(norm, cout, h, w)
        if stride != 1 or cin != cout:
            parts = [nn.Conv2d(cin, cout, 1, stride=stride, bias=bias)]
            if norm != "none":
                parts.append(norm_layer(norm, cout, h, w))
            self.downsample = nn.Sequential(*parts)
        else:
            self.downsample = None
        self.out_size = (h, w)

    def forward(self, x):
        y = self.conv1(x)
        if self.bn1 is not None:
            y = self.bn1(y)
        y = torch.relu(y)
        y = self.conv2(y)
        if self.bn2 is not None:
            y = self.bn2(y)
        shortcut = x if self.downsample is None else self.downsample(x)
        return torch.relu(y + shortcut)


class ResNet20(nn.Module):
    """`resnet20:w=W:NORM:in=CxHxW:out=K` (He et al. 2016's CIFAR ResNet-20, torchvision names)."""

    def __init__(self, width, norm, in_shape, classes):
        super().__init__()
        c, h, w = in_shape
        self.conv1 = nn.Conv2d(c, width, 3, stride=1, padding=1, bias=norm == "none")
        self.bn1 = norm_layer(norm, width, h, w)
        cin = width
        for index, (cout, stride) in enumerate([(width, 1), (2 * width, 2), (4 * width, 2)]):
            blocks = []
            for b in range(3):
                block = BasicBlock(cin, cout, stride if b == 0 else 1, norm, h, w)
                h, w = block.out_size
                cin = cout
                blocks.append(block)
            setattr(self, f"layer{index + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(4 * width, classes)

    def forward(self, x):
        x = self.conv1(x)
        if self.bn1 is not None:
            x = self.bn1(x)
        x = torch.relu(x)
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class VGG(nn.Module):
    """torchvision's VGG `features` for a channel list (numbers and "M"), then Flatten and
    `classifier` = Sequential(Linear(flat→512F), ReLU, Linear(512F→512F), ReLU, Linear(512F→K));
    no adaptive pooling and no dropout (Orbit's `vgg11:`/`vgg16:` presets)."""

    def __init__(self, cfg, factor, batch_norm, in_shape, classes):
        super().__init__()
        c, h, w = in_shape
        layers = []
        for item in cfg:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
                h, w = h // 2, w // 2
                continue
            out = int(round(item * factor))
            layers.append(nn.Conv2d(c, out, 3, padding=1, bias=True))
            if batch_norm:
                layers.append(nn.BatchNorm2d(out, eps=EPS, momentum=MOMENTUM))
            layers.append(nn.ReLU())
            c = out
        self.features = nn.Sequential(*layers)
        hidden = int(round(512 * factor))
        self.classifier = nn.Sequential(
            nn.Linear(c * h * w, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, classes))
        # He initialisation (as torchvision's VGG, but fan-in and with non-zero biases): with
        # PyTorch's default init the signal of eight plain convs fades to nearly constant outputs
        # and 1e-5 gradients in the first layers, which would make a weak fixture.
        with torch.no_grad():
            for module in self.features:
                if isinstance(module, nn.Conv2d):
                    nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                    module.bias.normal_(0.0, 0.1)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class CNN(nn.Module):
    """`cnn:1x8x8-c4-p-c6s2-gap-3:relu[:bn]`: one nn.Sequential `layers`, every module numbered:
    Conv2d(1→4, 3×3, pad 1)[, BatchNorm2d], ReLU, MaxPool2d(2), Conv2d(4→6, 3×3, stride 2, pad 1)
    [, BatchNorm2d], ReLU, AdaptiveAvgPool2d(1), Flatten, Linear(6→3). With `:bn` the convs have
    no bias."""

    def __init__(self, batch_norm):
        super().__init__()
        bias = not batch_norm

        def block(cin, cout, stride):
            parts = [nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=bias)]
            if batch_norm:
                parts.append(nn.BatchNorm2d(cout, eps=EPS, momentum=MOMENTUM))
            return parts + [nn.ReLU()]

        self.layers = nn.Sequential(
            *block(1, 4, 1), nn.MaxPool2d(2), *block(4, 6, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))

    def forward(self, x):
        return self.layers(x)


VGG11 = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]

# slug → (Orbit preset, seed, input shape, classes, constructor)
MODELS = {
    "cnn-bn": ("cnn:1x8x8-c4-p-c6s2-gap-3:relu:bn", 1, (1, 8, 8), 3, lambda: CNN(True)),
    "cnn": ("cnn:1x8x8-c4-p-c6s2-gap-3:relu", 2, (1, 8, 8), 3, lambda: CNN(False)),
    "resnet20-bn": ("resnet20:w=4:bn:in=1x12x12:out=5", 3, (1, 12, 12), 5,
                    lambda: ResNet20(4, "bn", (1, 12, 12), 5)),
    "resnet20-ln": ("resnet20:w=4:ln:in=1x12x12:out=5", 4, (1, 12, 12), 5,
                    lambda: ResNet20(4, "ln", (1, 12, 12), 5)),
    "resnet20-none": ("resnet20:w=4:none:in=1x12x12:out=5", 5, (1, 12, 12), 5,
                      lambda: ResNet20(4, "none", (1, 12, 12), 5)),
    "vgg11-bn": ("vgg11:w=0.0625:bn:in=1x32x32:out=4", 6, (1, 32, 32), 4,
                 lambda: VGG(VGG11, 0.0625, True, (1, 32, 32), 4)),
    "vgg11": ("vgg11:w=0.0625:in=1x32x32:out=4", 7, (1, 32, 32), 4,
              lambda: VGG(VGG11, 0.0625, False, (1, 32, 32), 4)),
}
FLOAT32_COPY = "resnet20-bn"


def randomise_norms(model):
    """Non-trivial affine parameters and running statistics, so that a loader that ignores or
    swaps any of them gives different numbers."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm2d, nn.LayerNorm)):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0.0, 0.1)
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.normal_(0.0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.num_batches_tracked.fill_(3)


def fixed_batch(in_shape, classes, seed):
    """Six samples on a grid of 1/64 (exact and short in JSON) and their labels."""
    g = torch.Generator().manual_seed(1000 + seed)
    x = torch.round(torch.randn(BATCH, *in_shape, generator=g, dtype=torch.float64) * 64) / 64
    y = torch.randint(0, classes, (BATCH,), generator=g)
    return x, y


def rows(t):
    """A batch as a list of per-sample rows (each sample's NCHW tensor flattened, channel-major)."""
    return t.detach().reshape(t.shape[0], -1).tolist()


def tensor_table(model):
    """(name, shape, role) for every state-dict entry, in state-dict order."""
    parameters = {name for name, _ in model.named_parameters()}
    return [(name, list(t.shape), "parameter" if name in parameters else "buffer")
            for name, t in model.state_dict().items()]


def write_model(slug, preset, seed, in_shape, classes, build):
    torch.manual_seed(seed)
    model = build().double()
    randomise_norms(model)
    state = {k: v.clone().contiguous() for k, v in model.state_dict().items()}
    safetensors.torch.save_file(state, os.path.join(HERE, slug + ".safetensors"))
    torch.save(state, os.path.join(HERE, slug + ".pt"))

    x, y = fixed_batch(in_shape, classes, seed)
    loss_fn = nn.CrossEntropyLoss()
    model.eval()
    with torch.no_grad():
        eval_out = model(x)
        eval_loss = loss_fn(eval_out, y).item()

    model.train()
    model.zero_grad(set_to_none=True)
    train_out = model(x)  # updates the running statistics once
    loss = loss_fn(train_out, y)
    loss.backward()
    gradients = {name: p.grad.detach().reshape(-1).numpy() for name, p in model.named_parameters()}
    np.savez(os.path.join(HERE, slug + ".grad.npz"), **gradients)
    running = {name: t.reshape(-1).tolist() for name, t in model.state_dict().items()
               if name.endswith("running_mean") or name.endswith("running_var")}

    table = tensor_table(build())
    record = {
        "preset": preset,
        "dtype": "float64",
        "input_shape": list(in_shape),
        "classes": classes,
        "batch_norm": {"eps": EPS, "momentum": MOMENTUM},
        "input": rows(x),
        "labels": y.tolist(),
        "parameters": [{"name": n, "shape": s} for n, s, role in table if role == "parameter"],
        "buffers": [{"name": n, "shape": s} for n, s, role in table if role == "buffer"],
        "eval": {"outputs": rows(eval_out), "loss": eval_loss},
        "train": {
            "outputs": rows(train_out),
            "loss": loss.item(),
            "running_stats_after": running,
            "gradient_file": slug + ".grad.npz",
        },
    }
    with open(os.path.join(HERE, slug + ".json"), "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")

    if slug == FLOAT32_COPY:
        model32 = build().float()
        model32.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
        model32.eval()
        state32 = {k: v.clone().contiguous() for k, v in model32.state_dict().items()}
        safetensors.torch.save_file(state32, os.path.join(HERE, slug + "-float32.safetensors"))
        with torch.no_grad():
            out32 = model32(x.float())
        record32 = {
            "preset": preset,
            "dtype": "float32",
            "input_shape": list(in_shape),
            "classes": classes,
            "input": rows(x.float()),
            "labels": y.tolist(),
            "eval": {"outputs": rows(out32), "loss": loss_fn(out32, y).item()},
        }
        with open(os.path.join(HERE, slug + "-float32.json"), "w") as f:
            json.dump(record32, f, indent=1)
            f.write("\n")
    return table


def markdown_tables(tables):
    lines = []
    for slug, (preset, table) in tables.items():
        count = sum(int(np.prod(s)) for _, s, role in table if role == "parameter")
        lines += [f"### `{slug}` — `{preset}` ({count} parameters)", "",
                  "| tensor | shape | role |", "|---|---|---|"]
        lines += [f"| `{n}` | ({', '.join(map(str, s))}) | {role} |" for n, s, role in table]
        lines.append("")
    return "\n".join(lines)


def main():
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    tables = {}
    for slug, (preset, seed, in_shape, classes, build) in MODELS.items():
        tables[slug] = (preset, write_model(slug, preset, seed, in_shape, classes, build))
    readme = os.path.join(HERE, "README.md")
    begin, end = "<!-- generated tables: begin -->", "<!-- generated tables: end -->"
    with open(readme) as f:
        text = f.read()
    text = re.sub(re.escape(begin) + ".*" + re.escape(end),
                  lambda _: begin + "\n" + markdown_tables(tables) + end, text, flags=re.S)
    with open(readme, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
