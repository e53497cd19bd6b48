#!/usr/bin/env bash
# Orbit's main job, from a fresh clone: install what is missing, build in release, run.
# Extra arguments go to the command (e.g. --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "==> building orbit (release)"
swift build -c release --product orbit
echo "==> running: orbit doctor $*"
exec .build/release/orbit doctor "$@"
