#!/usr/bin/env bash
# Orbit's main job, from a fresh clone: install what is missing (OpenBLAS, LAPACKE, zlib,
# Fashion-MNIST), build in release, check the numerical core, then run `orbit demo`: three MLPs on
# Fashion-MNIST and every kind of connection between them, written to orbit-report/index.html.
# Extra arguments go to `orbit demo` (e.g. --threads 1, --quick, --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "==> building orbit (release)"
swift build -c release --product orbit
orbit=.build/release/orbit
echo "==> orbit doctor"
$orbit doctor
echo "==> orbit demo"
$orbit demo "$@"
