#!/usr/bin/env bash
# Builds conv_bench.c and runs it with 1 and 2 threads (OpenBLAS and oneDNN's OpenMP both), 3 repetitions,
# writing results.txt next to this script. Waits (up to --wait seconds, default 1800) until the 1-minute
# load average is below 2, since the numbers mean nothing on a machine busy with other builds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wait_limit="${1:-1800}"
binary="$(mktemp -d)/conv_bench"
cc -O2 -Wall -o "$binary" "$here/conv_bench.c" -ldnnl -lopenblas -lm
waited=0
while awk '{ exit !($1 >= 2) }' /proc/loadavg; do
    if [ "$waited" -ge "$wait_limit" ]; then
        echo "load stayed at or above 2 for ${wait_limit}s; running anyway (see the load lines)" >&2
        break
    fi
    sleep 10
    waited=$((waited + 10))
done
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "# oneDNN $(dpkg-query -W -f '${Version}' libdnnl-dev 2>/dev/null || echo '?'), OpenBLAS $(dpkg-query -W -f '${Version}' libopenblas0-pthread 2>/dev/null || echo '?')"
    for threads in 1 2; do
        echo "# load before run: $(cut -d' ' -f1-3 /proc/loadavg)"
        OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads "$binary" "$threads" 3
        echo
    done
    echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$here/results.txt"
