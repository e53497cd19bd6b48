#!/usr/bin/env python3
"""PyTorch (CPU) reference for Orbit's star-centre workload (see benchmarks/run.py); random data of
Fashion-MNIST's shape, as in training.py.

centre-epoch/fnn-784-500-300-10: one epoch of Lin, Li & Wu's centre finding (Eq. 6-7) for the FNN
  784-500-300-10 with 5 feet. One epoch = 60000 / 200 = 300 steps; each step draws one foot (B_r = 1)
  and B_t = 3 values t ~ U(0, 1), evaluates the loss at the 3 points t*centre + (1-t)*foot on the same
  minibatch of 200 (torch.lerp for the weights, torch.func.functional_call for the network), sums the
  3 losses (mean), one backward to the centre, one Adam step (lr 0.01; the fused CPU kernel when this
  PyTorch has it).
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


def fnn():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 500), torch.nn.ReLU(), torch.nn.Linear(500, 300), torch.nn.ReLU(),
        torch.nn.Linear(300, 10))


def centre_epoch():
    torch.manual_seed(0)
    x = torch.randn(60000, 784)
    y = torch.randint(0, 10, (60000,))
    model = fnn()
    feet = [{k: v.detach().clone() for k, v in fnn().state_dict().items()} for _ in range(5)]
    centre = {k: (sum(f[k] for f in feet) / len(feet)).clone().requires_grad_(True) for k in feet[0]}
    try:
        opt = torch.optim.Adam(list(centre.values()), lr=0.01, fused=True)
    except (RuntimeError, TypeError):
        opt = torch.optim.Adam(list(centre.values()), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    b_t = 3

    def body():
        perm = torch.randperm(60000)
        for s in range(0, 60000, 200):
            idx = perm[s:s + 200]
            xb, yb = x[idx], y[idx]
            foot = feet[int(torch.randint(0, len(feet), ()).item())]
            ts = torch.rand(b_t).tolist()
            opt.zero_grad(set_to_none=True)
            loss = 0.0
            for t in ts:
                weights = {k: torch.lerp(foot[k], centre[k], t) for k in centre}
                loss = loss + loss_fn(functional_call(model, weights, (xb,)), yb)
            (loss / b_t).backward()
            opt.step()
    return body


WORKLOADS = {} if torch is None else {
    "centre-epoch/fnn-784-500-300-10": centre_epoch,
}

if __name__ == "__main__":
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    main(WORKLOADS)
