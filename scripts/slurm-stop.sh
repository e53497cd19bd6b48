#!/usr/bin/env bash
# Stops what scripts/slurm-start.sh started (slurmd, slurmctld, and munged if it started it),
# by the process ids in $ORBIT_SLURM_DIR (default /var/tmp/orbit-slurm). Safe to run again.
set -uo pipefail
dir="${ORBIT_SLURM_DIR:-/var/tmp/orbit-slurm}"
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
for daemon in slurmd slurmctld munged; do
  pidfile="$dir/$daemon.pid"
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    "${sudo[@]}" kill "$pid"
    for _ in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    echo "stopped $daemon ($pid)"
  fi
  "${sudo[@]}" rm -f "$pidfile"
done
