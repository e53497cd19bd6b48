#!/usr/bin/env bash
# Orbit's test suite, from a fresh clone: install what is missing (OpenBLAS, LAPACKE, zlib,
# Fashion-MNIST, Chromium), build everything, run the tests, then render the reports of a quick demo
# and a quick reproduction in headless Chromium and check them (scripts/render-check.sh), and run a
# small study through a real single-node Slurm (scripts/slurm-test.sh).
# Extra arguments go to `swift test` (e.g. --filter GEMM); with arguments the report check is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --browser
echo "==> building (debug) and running the tests"
# The compiler rejects an import of a package target that Package.swift does not list as a dependency.
swift build --build-tests --explicit-target-dependency-import-check error
swift test --skip-build "$@"
if [[ $# -eq 0 ]]; then
  echo "==> reports: a quick demo and a quick reproduction, rendered in Chromium"
  reports="$(mktemp -d)"
  trap 'rm -rf "$reports"' EXIT
  orbit="$(swift build --show-bin-path)/orbit"
  "$orbit" demo --quick --quiet --out "$reports/demo" >/dev/null
  "$orbit" reproduce all --quick --quiet --out "$reports/reproduction" >/dev/null
  bash scripts/render-check.sh "$reports/demo" "$reports/reproduction"
  echo "==> a small study locally and through a real single-node Slurm (skips, loudly, only if Slurm cannot start)"
  bash scripts/slurm-test.sh "$orbit"
fi
