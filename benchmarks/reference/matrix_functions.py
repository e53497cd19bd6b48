#!/usr/bin/env python3
"""Reference timings for Orbit's matrix functions: scipy.linalg.expm and scipy.linalg.logm in
float64 on A = I + 0.5·G/√n, G with i.i.d. standard normal entries — the family of
Sources/OrbitBenchmarks/MatrixFunctionWorkloads.swift. numpy's generator (default_rng(64)) is not
Orbit's xoshiro256** stream, so the matrices share distribution and norm, not bits; that is what a
timing comparison needs.

    python3 benchmarks/reference/matrix_functions.py --list
    python3 benchmarks/reference/matrix_functions.py --filter logm --repetitions 20 --json

Each selected workload runs once untimed (warm-up), then `--repetitions` timed runs; with --json one
line per workload: {"workload": name, "seconds": [...], "median": m}.
"""
import argparse
import json
import statistics
import time

import numpy as np
import scipy.linalg

SIZES = [64]


def operand(n):
    rng = np.random.default_rng(64)
    return np.eye(n) + 0.5 * rng.standard_normal((n, n)) / np.sqrt(n)


def workloads():
    out = []
    for n in SIZES:
        out.append((f"expm/n={n}", lambda n=n: operand(n), scipy.linalg.expm))
        out.append((f"logm/n={n}", lambda n=n: operand(n), scipy.linalg.logm))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument("--filter", action="append", default=[], help="only workloads containing this text (repeatable)")
    parser.add_argument("--repetitions", type=int, default=5, help="timed runs per workload (after one warm-up)")
    parser.add_argument("--json", action="store_true", help="one JSON object per workload instead of a table")
    args = parser.parse_args()

    selected = [w for w in workloads() if not args.filter or any(f in w[0] for f in args.filter)]
    if args.list:
        for name, _, _ in selected:
            print(name)
        return
    if not args.json and selected:
        print(f"{'workload':36s}  median (ms)")
    for name, prepare, function in selected:
        a = prepare()
        function(a)  # warm-up
        seconds = []
        for _ in range(args.repetitions):
            t0 = time.perf_counter()
            function(a)
            seconds.append(time.perf_counter() - t0)
        median = statistics.median(seconds)
        if args.json:
            print(json.dumps({"workload": name, "seconds": seconds, "median": median}), flush=True)
        else:
            print(f"{name:36s}  {median * 1e3:11.3f}", flush=True)


if __name__ == "__main__":
    main()
