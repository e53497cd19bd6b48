#!/usr/bin/env bash
# Orbit's test suite, from a fresh clone: install what is missing, build everything, run the tests.
# Extra arguments go to `swift test` (e.g. --filter GEMM).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "==> building (debug) and running the tests"
swift build --build-tests
swift test --skip-build "$@"
