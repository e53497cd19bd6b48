#!/usr/bin/env python3
"""Run Orbit's benchmark executable and the Python references back to back, alternating, and
print medians and ratios (Orbit / reference) with each goal.

    python3 benchmarks/run.py                      # everything, 3 rounds
    python3 benchmarks/run.py --filter assignment  # one group
    python3 benchmarks/run.py --markdown table.md  # also write the table as Markdown

The references (numpy/scipy, later PyTorch) run from the system python3 when it has them, else
from a virtual environment created on demand outside the repository (~/.cache/orbit-bench-venv).
Nothing here is needed by the tests.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "benchmarks" / "reference"
VENV = Path.home() / ".cache" / "orbit-bench-venv"
PIP_PACKAGES = ["numpy", "scipy", "torch==2.13.0+cpu"]  # the CPU-only wheel on PyPI

# Goals from the issues: Orbit time / reference time must be at most this.
GOALS = {
    "assignment/": 1.0,
    "train-epoch/": 0.8,
    "path-line-25/": 0.5,
    "bezier-epoch/": 0.8,
    "weight-matching/": 0.5,
    "symmetry-curve/": 0.25,
    "centre-epoch/": 0.8,
    "hessian-top/": 0.5,
}
# Pairs measured inside orbit-bench itself: (Orbit workload prefix, reference prefix, goal on reference/Orbit).
# hvp-ratio: one Hessian-vector product ≤ 2.5 × one gradient on the same samples, i.e. gradient / HVP ≥ 0.4.
# hvp-ratio/recompute: the same product without the recorded pass at θ (the fallback above the memory budget).
INTERNAL_PAIRS = [
    ("gemm/orbit/", "gemm/openblas-direct/", 0.95),
    ("hvp-ratio/hvp/", "hvp-ratio/gradient/", 0.4),
    ("hvp-ratio/recompute/", "hvp-ratio/gradient/", 0.4),
]


def reference_python():
    """The venv's python with numpy, scipy and PyTorch (CPU), created and filled on first use."""
    exe = VENV / "bin" / "python"
    if not exe.exists():
        print(f"creating {VENV} for the references", file=sys.stderr)
        venv.create(VENV, with_pip=True)
    if subprocess.run([str(exe), "-c", "import numpy, scipy, torch"], capture_output=True).returncode != 0:
        print("installing " + " ".join(PIP_PACKAGES) + " into the venv", file=sys.stderr)
        subprocess.run([str(exe), "-m", "pip", "install", "-q", *PIP_PACKAGES], check=True)
    return str(exe)


def run_json(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filter", action="append", default=[], help="only workloads containing this text")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of Orbit and the references")
    parser.add_argument("--repetitions", type=int, default=5, help="timed runs per workload per round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--markdown", help="also write the table to this Markdown file")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--samples", type=int, help="at most this many samples per split, on both sides (image workloads)")
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "orbit-bench"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    bench = str(ROOT / ".build" / "release" / "orbit-bench")
    python = reference_python()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads),
               MKL_NUM_THREADS=str(args.threads))
    if args.samples:
        env["ORBIT_BENCH_SAMPLES"] = str(args.samples)
    filters = [a for f in args.filter for a in ("--filter", f)]
    references = sorted(p for p in REFERENCE_DIR.glob("*.py") if p.name != "common.py")

    samples = {}  # (side, workload) -> [seconds]
    flops = {}
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
        for rec in run_json([bench, "--json", "--repetitions", str(args.repetitions), "--threads", str(args.threads),
                             *filters], env=env):
            samples.setdefault(("orbit", rec["workload"]), []).extend(rec["seconds"])
            flops[rec["workload"]] = rec.get("flops")
        for script in references:
            for rec in run_json([python, str(script), "--json", "--repetitions", str(args.repetitions), *filters],
                                env=env):
                samples.setdefault(("reference", rec["workload"]), []).extend(rec["seconds"])

    med = {k: statistics.median(v) for k, v in samples.items()}
    peak = max((flops[w] / t for (side, w), t in med.items() if side == "orbit" and w.startswith("gemm/")
                and flops.get(w)), default=None)
    rows = []
    for (side, w), t in sorted(med.items()):
        if side != "orbit" or any(w.startswith(p[1]) for p in INTERNAL_PAIRS):
            continue
        ref, goal, kind = None, None, "Orbit / reference"
        for mine, theirs, g in INTERNAL_PAIRS:
            if w.startswith(mine):
                ref = med.get(("orbit", theirs + w[len(mine):]))
                goal, kind = g, "reference / Orbit"
        if ref is None:
            ref = med.get(("reference", w))
            goal = next((g for p, g in GOALS.items() if w.startswith(p)), None)
        if kind == "reference / Orbit":
            ratio = ref / t if ref else None
            met = None if ratio is None else ratio >= goal
        else:
            ratio = t / ref if ref else None
            met = None if ratio is None or goal is None else ratio <= goal
        bound = flops[w] / peak * 1e3 if peak and flops.get(w) else None
        rows.append((w, t * 1e3, None if ref is None else ref * 1e3, ratio, kind, goal, met, bound))

    header = "| workload | Orbit (ms) | reference (ms) | ratio | goal | met | FLOP bound at peak (ms) |"
    lines = [header, "|---|---:|---:|---:|---:|:-:|---:|"]
    fmt = lambda x, f="%.3f": "–" if x is None else f % x
    for w, t, ref, ratio, kind, goal, met, bound in rows:
        goal_text = "–" if goal is None else (f"≥ {goal}" if kind == "reference / Orbit" else f"≤ {goal}")
        lines.append(f"| {w} | {fmt(t)} | {fmt(ref)} | {fmt(ratio, '%.2f')} ({'ref/Orbit' if kind.startswith('ref') else 'Orbit/ref'}) "
                     f"| {goal_text} | {'–' if met is None else ('yes' if met else '**no**')} | {fmt(bound)} |")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, threads={args.threads}"
    if peak:
        machine += f", measured peak sgemm {peak / 1e9:.0f} GFLOP/s"
    text = "\n".join(lines)
    print(text)
    print(machine)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n\n" + machine + "\n")


if __name__ == "__main__":
    main()
