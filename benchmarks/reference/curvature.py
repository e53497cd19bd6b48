#!/usr/bin/env python3
"""PyTorch (CPU) reference for Orbit's curvature workload (see benchmarks/run.py).

hessian-top/mlp-784-512-512-512-10: the top Hessian eigenvalue of the mean cross-entropy over 4096
samples for nn.Sequential(784-512-512-512-10, ReLU), by 20 Lanczos steps with full
reorthogonalisation, each Hessian-vector product by double backward (torch.autograd.grad with
create_graph=True, then the gradient of ⟨∇L, v⟩). Random data of Fashion-MNIST's shape, as Orbit's
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


def hessian_top():
    torch.manual_seed(0)
    x = torch.randn(4096, 784)
    y = torch.randint(0, 10, (4096,))
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    params = [p for p in model.parameters()]
    loss_fn = torch.nn.CrossEntropyLoss()
    count = sum(p.numel() for p in params)
    generator = torch.Generator().manual_seed(1)
    start = torch.randn(count, generator=generator)

    def hvp(v):
        loss = loss_fn(model(x), y)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        flat = torch.cat([g.reshape(-1) for g in grads])
        hv = torch.autograd.grad(flat @ v, params)
        return torch.cat([h.reshape(-1) for h in hv])

    def body():
        q = start / start.norm()
        basis = [q]
        alphas, betas = [], []
        for j in range(20):
            w = hvp(basis[j])
            alpha = torch.dot(w, basis[j])
            alphas.append(alpha.item())
            w = w - alpha * basis[j] - (betas[-1] * basis[j - 1] if j > 0 else 0)
            for _ in range(2):
                b = torch.stack(basis)
                w = w - b.T @ (b @ w)
            beta = w.norm().item()
            if j == 19:
                break
            betas.append(beta)
            basis.append(w / beta)
        t = torch.diag(torch.tensor(alphas, dtype=torch.float64))
        for i, b in enumerate(betas):
            t[i, i + 1] = t[i + 1, i] = b
        return torch.linalg.eigvalsh(t)[-1].item()
    return body


WORKLOADS = {"hessian-top/mlp-784-512-512-512-10": hessian_top} if torch is not None else {}

if __name__ == "__main__":
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    main(WORKLOADS)
