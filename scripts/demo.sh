#!/usr/bin/env bash
# Orbit's main job, from a fresh clone: install what is missing, build in release, then check the
# numerical core, train a small MLP on Fashion-MNIST, evaluate it and inspect the saved file.
# Output goes to orbit-demo/. Extra arguments go to every orbit command (e.g. --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "==> building orbit (release)"
swift build -c release --product orbit
orbit=.build/release/orbit
echo "==> orbit doctor"
$orbit doctor "$@"
echo "==> orbit train (784-256-256-10 ReLU MLP, 3 epochs of Fashion-MNIST)"
$orbit train --arch mlp:784-256-256-10:relu --data fashion-mnist --epochs 3 --lr 0.05 --seed 1 \
  --out orbit-demo/mlp-seed1.safetensors "$@"
echo "==> orbit eval"
$orbit eval orbit-demo/mlp-seed1.safetensors --data fashion-mnist --json orbit-demo/eval.json "$@"
echo "==> orbit inspect"
$orbit inspect orbit-demo/mlp-seed1.safetensors
echo "==> done: orbit-demo/mlp-seed1.safetensors, orbit-demo/eval.json"
