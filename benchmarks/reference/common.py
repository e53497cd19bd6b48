"""Shared pieces of the reference benchmarks: the CLI every script offers and the timing loop.

Each script defines WORKLOADS = {name: prepare}, where prepare() builds the inputs (untimed) and
returns the body to time; names match Orbit's `orbit-bench` workloads. Workloads over a data set
read `options.samples` (from `--samples N`: at most N samples per split, for quick checks; None =
all).
"""
import argparse
import json
import os
import sys
import time

options = argparse.Namespace(samples=None)


def main(workloads):
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--filter", action="append", default=[])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--samples", type=int, help="at most this many samples per split (quick checks)")
    args = parser.parse_args()
    # run.py --samples passes the limit to every side through ORBIT_BENCH_SAMPLES.
    env_samples = os.environ.get("ORBIT_BENCH_SAMPLES")
    options.samples = args.samples or (int(env_samples) if env_samples else None)
    selected = [n for n in workloads if not args.filter or any(f in n for f in args.filter)]
    if args.list:
        print("\n".join(selected))
        return
    for name in selected:
        body = workloads[name]()
        body()  # warm-up, as orbit-bench does
        times = []
        for _ in range(args.repetitions):
            t0 = time.perf_counter()
            body()
            times.append(time.perf_counter() - t0)
        med = sorted(times)[len(times) // 2]
        if args.json:
            print(json.dumps({"workload": name, "seconds": times, "median": med}))
        else:
            print(f"{name:40s} {med * 1e3:12.3f} ms")
        sys.stdout.flush()
