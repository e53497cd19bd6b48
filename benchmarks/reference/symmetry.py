#!/usr/bin/env python3
"""scipy/numpy reference for Orbit's symmetry-curve workload (see benchmarks/run.py).

symmetry-curve/linear-32-64-64-10: the 101-point symmetry curve gamma(t) = exp(t log g) . w (Zhao et
  al. 2025, Eq. 5) between w and g.w on a 32-64-64-10 linear network (no bias), float64, with the mean
  squared error on 4096 Gaussian samples (10 Gaussian targets) at each point. As the issue states it:
  for each t and each hidden layer k, g_k(t) = scipy.linalg.expm(t * scipy.linalg.logm(g_k)) and its
  inverse expm(-t * logm(g_k)); act on the weights (W1 -> g1 W1, W2 -> g2 W2 g1^-1, W3 -> W3 g2^-1);
  evaluate the loss with a layer-by-layer numpy forward pass. g_k = expm(0.5 G_k / 8), G_k 64 x 64
  standard normal (same distribution as Orbit's, not the same bits).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import main  # noqa: E402

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402


def symmetry_curve():
    rng = np.random.default_rng(66)
    sizes = [32, 64, 64, 10]
    weights = [rng.uniform(-1, 1, (sizes[i + 1], sizes[i])) / np.sqrt(sizes[i]) for i in range(3)]
    g = [scipy.linalg.expm(0.5 * rng.standard_normal((64, 64)) / 8) for _ in range(2)]
    x = rng.standard_normal((4096, 32))
    y = rng.standard_normal((4096, 10))
    ts = np.linspace(0, 1, 101)

    def body():
        losses = []
        for t in ts:
            elements, inverses = [], []
            for gk in g:
                log = scipy.linalg.logm(gk)
                if np.iscomplexobj(log):
                    log = log.real
                elements.append(scipy.linalg.expm(t * log))
                inverses.append(scipy.linalg.expm(-t * log))
            w1 = elements[0] @ weights[0]
            w2 = elements[1] @ weights[1] @ inverses[0]
            w3 = weights[2] @ inverses[1]
            out = ((x @ w1.T) @ w2.T) @ w3.T
            losses.append(np.mean(np.sum((out - y) ** 2, axis=1)))
        assert len(losses) == 101 and np.all(np.isfinite(losses))
    return body


WORKLOADS = {"symmetry-curve/linear-32-64-64-10": symmetry_curve}

if __name__ == "__main__":
    main(WORKLOADS)
