#!/usr/bin/env python3
"""PyTorch (CPU) reference for Orbit's training workloads (see benchmarks/run.py).

train-epoch/mlp-784-512-512-512-10: one epoch of nn.Sequential(784-512-512-512-10, ReLU), SGD
momentum 0.9, lr 0.01, batch 128, over 60 000 samples shuffled with randperm and indexed directly
(no DataLoader: the fastest plain PyTorch loop). Random data of Fashion-MNIST's shape, as Orbit's
workload uses: the arithmetic is identical whatever the pixel values.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import main  # noqa: E402

try:
    import torch
except ImportError:  # the driver runs this only where torch is installed
    torch = None


def train_epoch():
    torch.manual_seed(0)
    x = torch.randn(60000, 784)
    y = torch.randint(0, 10, (60000,))
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()

    def body():
        perm = torch.randperm(60000)
        for i in range(0, 60000, 128):
            idx = perm[i:i + 128]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return body


WORKLOADS = {"train-epoch/mlp-784-512-512-512-10": train_epoch} if torch is not None else {}

if __name__ == "__main__":
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    main(WORKLOADS)
