#!/usr/bin/env python3
"""Reference timings for Orbit's `assignment/...` workloads: scipy.optimize.linear_sum_assignment
on a uniform [0, 1) square cost matrix (the same matrix family as orbit-bench; numpy's generator,
so not the same entries).

    python3 benchmarks/reference/assignment.py --list
    python3 benchmarks/reference/assignment.py --filter n=1024 --repetitions 7 --json

As orbit-bench: one untimed warm-up run, then `--repetitions` timed runs; with --json one object
per line, {"workload": name, "seconds": [...], "median": m}.
"""
import argparse
import json
import statistics
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

SIZES = [512, 1024, 2048]
SEED = 2024


def workloads():
    """(name, prepare) pairs; prepare builds the input untimed and returns the body to time."""
    def make(n):
        def prepare():
            cost = np.random.default_rng(SEED).random((n, n))
            return lambda: linear_sum_assignment(cost)
        return f"assignment/n={n}", prepare
    return [make(n) for n in SIZES]


def measure(body, repetitions):
    body()
    times = []
    for _ in range(repetitions):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument("--filter", action="append", default=[],
                        help="only workloads whose name contains this text (repeatable)")
    parser.add_argument("--repetitions", type=int, default=5, help="timed runs per workload (after one warm-up)")
    parser.add_argument("--json", action="store_true", help="one JSON object per workload instead of a table")
    args = parser.parse_args()

    selected = [(name, prepare) for name, prepare in workloads()
                if not args.filter or any(f in name for f in args.filter)]
    if args.list:
        for name, _ in selected:
            print(name)
        return
    if not args.json:
        print(f"{'workload':36}  median (ms)")
    for name, prepare in selected:
        times = measure(prepare(), args.repetitions)
        m = statistics.median(times)
        if args.json:
            print(json.dumps({"workload": name, "seconds": times, "median": m}), flush=True)
        else:
            print(f"{name:36}  {m * 1e3:11.3f}", flush=True)


if __name__ == "__main__":
    main()
