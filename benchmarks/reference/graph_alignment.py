#!/usr/bin/env python3
"""numpy + scipy reference for Orbit's `weight-matching/resnet20-w64` workload (see benchmarks/run.py).

Git Re-Basin weight matching (Ainsworth et al. 2023, `samuela/git-re-basin` weight_matching.py) of two
`resnet20:w=64` networks (BatchNorm, 1x28x28 inputs, 10 classes), the same algorithm as Orbit's
`WeightMatching`, step for step (as alignment.py does for the MLP):
  * the same graph: torchvision-named ResNet-20 nodes in Orbit's preset order (conv1 . bn1 . relu,
    layer{1,2,3}.{0,1,2} BasicBlocks with 1x1 projection shortcuts downsample.{0,1} where the stride or
    width changes, avgpool, fc);
  * the same spec, derived here from the same rules as Orbit's ChannelSpaces, not copied: each conv or
    linear output opens a channel space, BatchNorm/ReLU/pooling carry it, an add merges its inputs'
    spaces (union-find, the smaller id wins), the input and output spaces are fixed; groups are the free
    spaces in order of the first node opening them; a conv weight's rows are in its output space and
    its columns in blocks of kh*kw per input channel;
  * the same parameters: every parameter tensor in layout order, row-major, U(-b, b) with
    b = 1/sqrt(elements per row), drawn from Orbit's generator (xoshiro256**) seeded 1 and 2;
  * the same group order (one Fisher-Yates shuffle per sweep from seed 0), the same cost (float32 GEMMs
    accumulated into a float64 matrix; rank-one outer products for gamma/beta),
    `scipy.optimize.linear_sum_assignment(cost, maximize=True)`, and the same convergence rule.
  This script recomputes every product at every visit (the textbook loop).

Run by hand: ~/.cache/orbit-bench-venv/bin/python benchmarks/reference/graph_alignment.py --repetitions 1
(drawing the parameters with the pure-Python generator takes a while, untimed).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import main  # noqa: E402

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from alignment import Xoshiro
except ImportError:
    np = None

WIDTH, IN_CHANNELS, CLASSES = 64, 1, 10


def resnet20_nodes(w=WIDTH):
    """[(name, kind, inputs, out_channels, kernel)] in Orbit's preset order; inputs are node names."""
    nodes = []

    def add(name, kind, inputs=None, out=None, kernel=None):
        nodes.append((name, kind, inputs if inputs is not None else [nodes[-1][0]] if nodes else [None], out, kernel))
        return name

    add("conv1", "conv", out=w, kernel=3)
    add("bn1", "bn")
    add("relu", "act")
    channels = w
    for stage, width in enumerate([w, 2 * w, 4 * w]):
        for block in range(3):
            p = f"layer{stage + 1}.{block}"
            block_input = nodes[-1][0]
            stride = 2 if stage > 0 and block == 0 else 1
            add(f"{p}.conv1", "conv", out=width, kernel=3)
            add(f"{p}.bn1", "bn")
            add(f"{p}.relu1", "act")
            add(f"{p}.conv2", "conv", out=width, kernel=3)
            branch = add(f"{p}.bn2", "bn")
            shortcut = block_input
            if stride != 1 or width != channels:
                add(f"{p}.downsample.0", "conv", inputs=[block_input], out=width, kernel=1)
                shortcut = add(f"{p}.downsample.1", "bn")
            add(f"{p}.add", "add", inputs=[branch, shortcut])
            add(f"{p}.relu2", "act")
            channels = width
    add("avgpool", "gap")
    add("fc", "linear", out=CLASSES)
    return nodes


def derive(nodes):
    """Parameter tensors {name: shape} in layout order and the spec: [(group, size, [(tensor, axis, block)])]."""
    parent, sizes, owners = [0], [IN_CHANNELS], ["input"]

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    out_space, out_channels, tensors, pending = {}, {}, {}, []
    for name, kind, inputs, out, kernel in nodes:
        src = 0 if inputs[0] is None else out_space[inputs[0]]
        cin = IN_CHANNELS if inputs[0] is None else out_channels[inputs[0]]
        if kind in ("conv", "linear"):
            parent.append(len(parent))
            sizes.append(out)
            owners.append(name)
            space = len(parent) - 1
            if kind == "conv":
                tensors[f"{name}.weight"] = (out, cin, kernel, kernel)
                pending.append((f"{name}.weight", space, src, kernel * kernel))
            else:
                tensors[f"{name}.weight"] = (out, cin)
                tensors[f"{name}.bias"] = (out,)
                pending += [(f"{name}.weight", space, src, 1), (f"{name}.bias", space, None, 1)]
            out_space[name], out_channels[name] = space, out
        elif kind == "add":
            for other in inputs[1:]:
                ra, rb = find(out_space[inputs[0]]), find(out_space[other])
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            out_space[name], out_channels[name] = out_space[inputs[0]], cin
        else:
            if kind == "bn":
                tensors[f"{name}.weight"] = (cin,)
                tensors[f"{name}.bias"] = (cin,)
                pending += [(f"{name}.weight", src, None, 1), (f"{name}.bias", src, None, 1)]
            out_space[name], out_channels[name] = src, cin
    fixed = {find(0), find(out_space[nodes[-1][0]])}
    roots = [s for s in range(len(parent)) if find(s) == s and s not in fixed]
    axes = {r: [] for r in roots}
    for tensor, row, column, block in pending:
        if find(row) in axes:
            axes[find(row)].append((tensor, 0, block if column is not None else 1))
        if column is not None and find(column) in axes:
            axes[find(column)].append((tensor, 1, block))
    return tensors, [(owners[r], sizes[r], axes[r]) for r in roots]


def parameters(tensors, seed):
    g = Xoshiro(seed)
    params = {}
    for name, shape in tensors.items():
        count = int(np.prod(shape))
        per_row = count // shape[0] if len(shape) > 1 else 1
        bound = 1 / np.sqrt(per_row)
        params[name] = (-bound + 2 * bound * g.uniforms(count)).astype(np.float32).reshape(shape)
    return params


def weight_matching(a, b, groups, seed=0, max_sweeps=100, tolerance=1e-6):
    names = [g for g, _, _ in groups]
    axis_group = {(t, ax): g for g, _, axes in groups for t, ax, _ in axes}
    perm = {g: np.arange(n) for g, n, _ in groups}
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
            g, n, axes = groups[gi]
            cost = np.zeros((n, n))
            for t, ax, block in axes:
                wa, wb = a[t], b[t]
                if wa.ndim == 1:
                    cost += np.outer(wa.astype(np.float64), wb.astype(np.float64))
                    continue
                other = axis_group.get((t, 1 - ax))
                rows, cin = wa.shape[0], wa.shape[1]
                k = wa.size // (rows * cin)
                if ax == 0:
                    if other:
                        wb = wb.reshape(rows, cin, k)[:, perm[other], :]
                    cost += (wa.reshape(rows, -1) @ wb.reshape(rows, -1).T).astype(np.float64)
                else:
                    if other:
                        wb = wb[perm[other]]
                    # Row i of the regrouped matrix holds input channel i's block of every output row.
                    ra = wa.reshape(rows, cin, k).transpose(1, 0, 2).reshape(cin, rows * k)
                    rb = wb.reshape(rows, cin, k).transpose(1, 0, 2).reshape(cin, rows * k)
                    cost += (ra @ rb.T).astype(np.float64)
            _, cols = linear_sum_assignment(cost, maximize=True)
            old = cost[np.arange(n), perm[g]].sum()
            new = cost[np.arange(n), cols].sum()
            if new > old + tolerance * max(abs(old), 1e-300) and not np.array_equal(cols, perm[g]):
                perm[g] = cols
                progress = True
        if not progress:
            break
    return perm, sweeps


def permuted_inner_product(a, b, groups, perm):
    """<theta_A, pi(theta_B)> over the parameter tensors."""
    axis_group = {(t, ax): g for g, _, axes in groups for t, ax, _ in axes}
    total = 0.0
    for t, wa in a.items():
        wb = b[t]
        if (t, 0) in axis_group:
            wb = wb[perm[axis_group[(t, 0)]]]
        if wb.ndim > 1 and (t, 1) in axis_group:
            wb = wb[:, perm[axis_group[(t, 1)]]]
        total += float(np.dot(wa.astype(np.float64).ravel(), wb.astype(np.float64).ravel()))
    return total


def weight_matching_workload():
    tensors, groups = derive(resnet20_nodes())
    a, b = parameters(tensors, 1), parameters(tensors, 2)

    def body():
        perm, sweeps = weight_matching(a, b, groups)
        if not getattr(body, "reported", False):
            objective = permuted_inner_product(a, b, groups, perm)
            print(f"weight-matching/resnet20-w64: {len(groups)} groups, {sweeps} sweeps, objective {objective}",
                  file=sys.stderr)
            body.reported = True
    return body


WORKLOADS = {} if np is None else {"weight-matching/resnet20-w64": weight_matching_workload}

if __name__ == "__main__":
    main(WORKLOADS)
