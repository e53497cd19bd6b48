#!/usr/bin/env python3
"""numpy + scipy reference for Orbit's `weight-matching/...` workload (see benchmarks/run.py).

weight-matching/mlp-784-512-512-512-10: Git Re-Basin weight matching (Ainsworth et al. 2023,
  `samuela/git-re-basin` weight_matching.py) of two independently initialised 784-512-512-512-10
  MLPs with biases, run to convergence (cap 100 sweeps). The same algorithm as Orbit's
  `WeightMatching`, step for step:
  * the same parameters: PyTorch's default init U(±1/sqrt(fan_in)) drawn from Orbit's generator
    (xoshiro256** seeded by SplitMix64, row-major per tensor, seeds 1 and 2), so both sides match the
    same two networks and report the same number of sweeps;
  * the same group order: one Fisher-Yates shuffle per sweep (j = next() % (i + 1)) from seed 0;
  * the same cost: for each (tensor, axis) of the group, W_A · (W_B with its other axis permuted)ᵀ as a
    float32 GEMM (as Git Re-Basin's JAX code), accumulated into a float64 matrix;
    `scipy.optimize.linear_sum_assignment(cost, maximize=True)`;
  * the same convergence rule: a group's permutation changes only when the new one raises its cost by
    more than 1e-6 relative; stop after a sweep without change.
  This script recomputes every product at every visit (the textbook loop); Orbit caches products
  whose neighbouring permutation did not change and skips groups none of whose neighbours changed —
  identical iterates, fewer GEMMs.

Run by hand: ~/.cache/orbit-bench-venv/bin/python benchmarks/reference/alignment.py --repetitions 3
(the pure-Python generator makes preparing the parameters take a few seconds, untimed).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import main  # noqa: E402

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
except ImportError:
    np = None

M64 = (1 << 64) - 1
SIZES = [784, 512, 512, 512, 10]


class Xoshiro:
    """Orbit's SeededGenerator: xoshiro256** with a SplitMix64-expanded seed."""

    def __init__(self, seed):
        sm = seed
        state = []
        for _ in range(4):
            sm = (sm + 0x9E3779B97F4A7C15) & M64
            z = sm
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            state.append(z ^ (z >> 31))
        self.s = state

    def next(self):
        s0, s1, s2, s3 = self.s
        x = (s1 * 5) & M64
        result = ((((x << 7) | (x >> 57)) & M64) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & M64
        self.s = [s0, s1, s2, s3]
        return result

    def uniforms(self, count):
        """count values of nextUnitDouble() (53 random bits), as a float64 array."""
        s0, s1, s2, s3 = self.s
        out = [0] * count
        for k in range(count):
            x = (s1 * 5) & M64
            out[k] = (((((x << 7) | (x >> 57)) & M64) * 9) & M64) >> 11
            t = (s1 << 17) & M64
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = ((s3 << 45) | (s3 >> 19)) & M64
        self.s = [s0, s1, s2, s3]
        return np.array(out, dtype=np.float64) * 2.0 ** -53


def pytorch_init(seed):
    """Orbit's `network.initialParameters(.pytorch, seed:)` for mlp:784-512-512-512-10."""
    g = Xoshiro(seed)
    params = {}
    for k in range(len(SIZES) - 1):
        fan_in, fan_out = SIZES[k], SIZES[k + 1]
        bound = 1 / np.sqrt(fan_in)
        for name, shape in [(f"layers.{2 * k}.weight", (fan_out, fan_in)), (f"layers.{2 * k}.bias", (fan_out,))]:
            u = g.uniforms(int(np.prod(shape)))
            params[name] = (-bound + 2 * bound * u).astype(np.float32).reshape(shape)
    return params


def spec():
    """Git Re-Basin's permutation spec of the MLP: group -> [(tensor, axis)]."""
    groups = {}
    for k in range(len(SIZES) - 2):
        name = f"layers.{2 * k}"
        groups[name] = [(f"{name}.weight", 0), (f"{name}.bias", 0), (f"layers.{2 * k + 2}.weight", 1)]
    return groups


def weight_matching(a, b, groups, seed=0, max_sweeps=100, tolerance=1e-6):
    axis_group = {(t, ax): g for g, axes in groups.items() for t, ax in axes}
    names = list(groups)
    perm = {g: np.arange(a[groups[g][0][0]].shape[0]) for g in names}
    rng = Xoshiro(seed)
    sweeps = 0
    while sweeps < max_sweeps:
        sweeps += 1
        progress = False
        order = list(range(len(names)))
        for i in range(len(order) - 1, 0, -1):
            j = rng.next() % (i + 1)
            order[i], order[j] = order[j], order[i]
        for gi in order:
            g = names[gi]
            n = len(perm[g])
            cost = np.zeros((n, n))
            for t, ax in groups[g]:
                wa, wb = a[t], b[t]
                if wa.ndim == 1:
                    cost += np.outer(wa.astype(np.float64), wb.astype(np.float64))
                    continue
                other = axis_group.get((t, 1 - ax))
                if ax == 0:
                    wb = wb[:, perm[other]] if other else wb
                    cost += (wa @ wb.T).astype(np.float64)
                else:
                    wb = wb[perm[other], :] if other else wb
                    cost += (wa.T @ wb).astype(np.float64)
            _, cols = linear_sum_assignment(cost, maximize=True)
            old = cost[np.arange(n), perm[g]].sum()
            new = cost[np.arange(n), cols].sum()
            if new > old + tolerance * max(abs(old), 1e-300) and not np.array_equal(cols, perm[g]):
                perm[g] = cols
                progress = True
        if not progress:
            break
    return perm, sweeps


def weight_matching_workload():
    a, b = pytorch_init(1), pytorch_init(2)
    groups = spec()

    def body():
        _, sweeps = weight_matching(a, b, groups)
        if not getattr(body, "reported", False):
            print(f"weight-matching/mlp-784-512-512-512-10: {sweeps} sweeps", file=sys.stderr)
            body.reported = True
    return body


WORKLOADS = {} if np is None else {"weight-matching/mlp-784-512-512-512-10": weight_matching_workload}

if __name__ == "__main__":
    main(WORKLOADS)
