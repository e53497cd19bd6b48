#!/usr/bin/env python3
"""PyTorch (CPU) references for Orbit's path workloads (see benchmarks/run.py); random data of
Fashion-MNIST's shape, as in training.py.

path-line-25/mlp-784-512-512-512-10: loss and accuracy at 25 points of the straight line between two
  784-512-512-512-10 ReLU MLPs, on 60 000 + 10 000 samples in batches of 1000, under no_grad — the
  usual loop: for each t, load the interpolated state dict and evaluate.
bezier-epoch/mlp-784-512-512-512-10: one epoch of Garipov et al.'s quadratic Bézier fitting: per
  batch of 128 a t ~ U(0, 1), weights (1−t)²A + 2t(1−t)M + t²B through torch.func.functional_call,
  backward to M, SGD momentum 0.9.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import main  # noqa: E402

try:
    import torch
    from torch.func import functional_call
except ImportError:
    torch = None


def mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


def line25():
    torch.manual_seed(0)
    xs = [torch.randn(60000, 784), torch.randn(10000, 784)]
    ys = [torch.randint(0, 10, (60000,)), torch.randint(0, 10, (10000,))]
    a, b, model = mlp().state_dict(), mlp().state_dict(), mlp()
    loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")

    def body():
        with torch.no_grad():
            for i in range(25):
                t = i / 24
                model.load_state_dict({k: (1 - t) * a[k] + t * b[k] for k in a})
                for x, y in zip(xs, ys):
                    total, correct = 0.0, 0
                    for s in range(0, x.shape[0], 1000):
                        out = model(x[s:s + 1000])
                        total += loss_fn(out, y[s:s + 1000]).item()
                        correct += (out.argmax(1) == y[s:s + 1000]).sum().item()
    return body


def bezier_epoch():
    torch.manual_seed(0)
    x = torch.randn(60000, 784)
    y = torch.randint(0, 10, (60000,))
    model = mlp()
    a = {k: v.detach() for k, v in mlp().state_dict().items()}
    b = {k: v.detach() for k, v in mlp().state_dict().items()}
    bend = {k: ((a[k] + b[k]) / 2).clone().requires_grad_(True) for k in a}
    opt = torch.optim.SGD(list(bend.values()), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()

    def body():
        perm = torch.randperm(60000)
        for s in range(0, 60000, 128):
            idx = perm[s:s + 128]
            t = torch.rand(()).item()
            weights = {k: (1 - t) ** 2 * a[k] + 2 * t * (1 - t) * bend[k] + t ** 2 * b[k] for k in a}
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(functional_call(model, weights, (x[idx],)), y[idx])
            loss.backward()
            opt.step()
    return body


WORKLOADS = {} if torch is None else {
    "path-line-25/mlp-784-512-512-512-10": line25,
    "bezier-epoch/mlp-784-512-512-512-10": bezier_epoch,
}

if __name__ == "__main__":
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    main(WORKLOADS)
