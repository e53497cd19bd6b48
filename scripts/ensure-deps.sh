#!/usr/bin/env bash
# Installs the system packages Orbit needs when they are missing, then returns.
# Sourced or run by scripts/demo.sh and scripts/test.sh; safe to run again (it only checks).
#   OpenBLAS + LAPACKE  the BLAS/LAPACK Orbit links (Debian: libopenblas-dev, liblapacke-dev)
#   zlib                reads .gz data files (zlib1g-dev)
#   oneDNN              Float convolutions (libdnnl-dev)
#   Fashion-MNIST       the demo's data set (dataset-fashion-mnist → /usr/share/datasets/fashion-mnist)
#   Chromium            with --browser: renders the HTML reports in scripts/render-check.sh (chromium)
set -euo pipefail

packages=(libopenblas-dev liblapacke-dev zlib1g-dev libdnnl-dev dataset-fashion-mnist)
if [[ "${1:-}" == "--browser" ]]; then
  packages+=(chromium)
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "error: no 'swift' on PATH. Install the Swift 6 toolchain (https://www.swift.org/install/) first." >&2
  exit 1
fi

if [[ "$(uname -s)" == "Darwin" ]]; then
  exit 0 # Accelerate ships with the system; the demo falls back to synthetic data.
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  for header in cblas.h lapacke.h oneapi/dnnl/dnnl.h; do
    if ! echo "#include <$header>" | cc -E -x c - >/dev/null 2>&1; then
      echo "error: $header not found. Install OpenBLAS, LAPACKE and oneDNN with your package manager." >&2
      exit 1
    fi
  done
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "==> installing missing system packages: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "error: need root (or sudo) to run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has empty package lists; update once, and again if an install finds nothing.
if ! "${sudo[@]}" apt-get install -y -q "${missing[@]}"; then
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q "${missing[@]}"
fi
