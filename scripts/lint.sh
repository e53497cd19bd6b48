#!/usr/bin/env bash
# Checks formatting with the formatter that ships with the toolchain (configuration: .swift-format).
# `scripts/lint.sh --fix` rewrites the files instead. Then checks that Package.swift lists exactly what
# each target imports (scripts/check-imports.py) and that every cited .md file exists in the
# repository (scripts/check-references.py).
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Plugins Sources Tests Fuzz/Package.swift Fuzz/Sources)
if [[ "${1:-}" == "--fix" ]]; then
  swift format format --in-place --parallel --recursive "${paths[@]}"
else
  swift format lint --strict --parallel --recursive "${paths[@]}"
  echo "format: clean"
fi
python3 scripts/check-imports.py
python3 scripts/check-references.py
