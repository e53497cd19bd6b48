#!/usr/bin/env python3
"""PyTorch (CPU) references for Orbit's layer-graph workloads (see benchmarks/run.py), on
Fashion-MNIST as Orbit's benchmarks load it: Debian's dataset-fashion-mnist files
(/usr/share/datasets/fashion-mnist), pixels / 255 standardised with the train split's scalar mean
and standard deviation, as N×1×28×28 float32; random data of the same shape when the files are
missing (the same arithmetic). `--samples N` keeps the first N samples of each split (quick checks;
the benchmark itself uses all 60 000 + 10 000).

The network is `resnet20:w=16:bn` (in=1x28x28, out=10): He et al.'s CIFAR ResNet-20 with
torchvision's names — conv1 3×3 1→16 (no bias), bn1, ReLU; layer1-3 of three BasicBlocks with 16,
32, 64 channels (stride 2 and a 1×1-conv + BatchNorm projection at layer2.0 and layer3.0); global
average pool; fc 64→10. 272 186 parameters, 62 MFLOP (31 M multiply-adds) per sample forward.

train-epoch/resnet20-w16-bn: one epoch in training mode, SGD lr 0.1 momentum 0.9, batch 128,
  mean cross-entropy, samples shuffled with randperm and indexed directly (no DataLoader), the last
  partial batch included — the loop of training.py. The model keeps training across repetitions.
path-line-25/resnet20-w16-bn-reset: loss and accuracy at 25 points t = i/24 of the straight line
  between two ResNet-20s (seeds 1 and 2). At each point: load (1−t)·A + t·B (parameters and
  buffers), reset every BatchNorm's running statistics (`reset_running_stats()`, momentum=None:
  PyTorch's cumulative average over the batches), one pass over the train split in training mode
  under no_grad in batches of 1000, then, in eval mode under no_grad, summed cross-entropy and
  correct count over the train and the test split in batches of 1000. Timed: all 25 points.

Cost (measured with --samples 256 on the shared 2-core machine, 2 threads): about 1 ms per training
sample and 0.3 ms per forward sample, so one full epoch takes about a minute and the full 25-point
line (25 × (60 000 + 60 000 + 10 000) forwards) about 15 minutes per repetition; use
`--repetitions 1` for the full line.
"""
import functools
import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError:  # the driver runs this only where torch is installed
    torch = None

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
TRAIN_BATCH = 128
EVAL_BATCH = 1000  # also the batch of the statistics pass of the BatchNorm reset
POINTS = 25


def read_idx(path):
    """An IDX file (MNIST format, gzipped) as a uint8 array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


@functools.lru_cache(maxsize=None)
def fashion_mnist():
    """(x_train, y_train, x_test, y_test): N×1×28×28 float32 and int64 labels, limited to
    `--samples` per split."""
    n = common.options.samples
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    paths = [os.path.join(FASHION_MNIST, name) for name in names]
    if all(os.path.exists(p) for p in paths):
        xs, ys, xt, yt = (read_idx(p) for p in paths)
        xs, ys, xt, yt = xs[:n], ys[:n], xt[:n], yt[:n]
        xs = xs.astype(np.float32) / 255
        xt = xt.astype(np.float32) / 255
        mean, std = xs.mean(), xs.std()
        xs, xt = (xs - mean) / std, (xt - mean) / std
        return (torch.from_numpy(xs).reshape(-1, 1, 28, 28), torch.from_numpy(ys.astype(np.int64)),
                torch.from_numpy(xt).reshape(-1, 1, 28, 28), torch.from_numpy(yt.astype(np.int64)))
    g = torch.Generator().manual_seed(0)
    train, test = min(n or 60000, 60000), min(n or 10000, 10000)
    return (torch.randn(train, 1, 28, 28, generator=g), torch.randint(0, 10, (train,), generator=g),
            torch.randn(test, 1, 28, 28, generator=g), torch.randint(0, 10, (test,), generator=g))


class BasicBlock(nn.Module if torch else object):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet20(nn.Module if torch else object):
    """`resnet20:w=W:bn:in=1x28x28:out=10`."""

    def __init__(self, width=16, channels=1, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        cin = width
        for index, (cout, stride) in enumerate([(width, 1), (2 * width, 2), (4 * width, 2)]):
            blocks = []
            for b in range(3):
                blocks.append(BasicBlock(cin, cout, stride if b == 0 else 1))
                cin = cout
            setattr(self, f"layer{index + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(4 * width, classes)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def train_epoch():
    x, y, _, _ = fashion_mnist()
    torch.manual_seed(0)
    model = ResNet20().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]

    def body():
        perm = torch.randperm(n)
        for s in range(0, n, TRAIN_BATCH):
            idx = perm[s:s + TRAIN_BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return body


def line25_bn_reset():
    x, y, xt, yt = fashion_mnist()
    torch.manual_seed(1)
    a = ResNet20().state_dict()
    torch.manual_seed(2)
    b = ResNet20().state_dict()
    model = ResNet20()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    loss_fn = nn.CrossEntropyLoss(reduction="sum")

    def body():
        results = []
        with torch.no_grad():
            for i in range(POINTS):
                t = i / (POINTS - 1)
                model.load_state_dict({k: torch.lerp(a[k], b[k], t) if a[k].is_floating_point() else a[k] for k in a})
                for m in norms:
                    m.reset_running_stats()
                    m.momentum = None  # cumulative average over the statistics pass
                model.train()
                for s in range(0, x.shape[0], EVAL_BATCH):
                    model(x[s:s + EVAL_BATCH])
                model.eval()
                point = []
                for xs, ys in ((x, y), (xt, yt)):
                    total, correct = 0.0, 0
                    for s in range(0, xs.shape[0], EVAL_BATCH):
                        out = model(xs[s:s + EVAL_BATCH])
                        total += loss_fn(out, ys[s:s + EVAL_BATCH]).item()
                        correct += (out.argmax(1) == ys[s:s + EVAL_BATCH]).sum().item()
                    point += [total / xs.shape[0], correct / xs.shape[0]]
                results.append(point)
        return results
    return body


WORKLOADS = {} if torch is None else {
    "train-epoch/resnet20-w16-bn": train_epoch,
    "path-line-25/resnet20-w16-bn-reset": line25_bn_reset,
}

if __name__ == "__main__":
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    common.main(WORKLOADS)
