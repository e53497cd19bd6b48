#!/usr/bin/env bash
# Checks formatting with the formatter that ships with the toolchain (configuration: .swift-format).
# `scripts/lint.sh --fix` rewrites the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Fuzz/Package.swift Fuzz/Sources)
if [[ "${1:-}" == "--fix" ]]; then
  swift format format --in-place --parallel --recursive "${paths[@]}"
else
  swift format lint --strict --parallel --recursive "${paths[@]}"
  echo "format: clean"
fi
