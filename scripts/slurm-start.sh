#!/usr/bin/env bash
# Starts a single-node Slurm on this machine for the tests (scripts/slurm-test.sh): installs
# slurm-wlm and munge when missing (Debian, like scripts/ensure-deps.sh), writes a slurm.conf for
# this host (all its CPUs, 90% of its memory, one partition "debug"), starts munged, slurmctld and
# slurmd, and waits until sinfo shows the node idle. Settings that work in a container without
# systemd or cgroups: ProctrackType=proctrack/linuxproc, TaskPlugin=task/none, no accounting
# database, SlurmUser=SlurmdUser=root. State, logs and pid files live in $ORBIT_SLURM_DIR
# (default /var/tmp/orbit-slurm); the config is $ORBIT_SLURM_DIR/slurm.conf, so clients need
#   export SLURM_CONF=$ORBIT_SLURM_DIR/slurm.conf
# Stop it with scripts/slurm-stop.sh. Exits non-zero, with the reason on stderr, when Slurm cannot
# start; safe to run again (a running instance is reused).
set -euo pipefail
dir="${ORBIT_SLURM_DIR:-/var/tmp/orbit-slurm}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

fail() {
  echo "slurm-start: $*" >&2
  exit 1
}

[[ "$(uname -s)" == "Linux" ]] || fail "needs Linux (Slurm's Debian packages)"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || fail "needs root (or sudo) to install and run slurmd"
  sudo=(sudo)
fi

missing=()
for p in slurm-wlm munge; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "==> installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; then
    "${sudo[@]}" apt-get update -q >/dev/null || fail "apt-get update failed"
    "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null || fail "cannot install ${missing[*]}"
  fi
fi

# Already up (started by an earlier call)?
if [[ -f "$conf" ]] && sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
  echo "==> Slurm already running (SLURM_CONF=$conf)"
  exit 0
fi

host="$(hostname -s)"
cpus="$(nproc)"
memory_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) * 9 / 10 / 1024))
"${sudo[@]}" mkdir -p "$dir/state" "$dir/spool" "$dir/log"
"${sudo[@]}" tee "$conf" >/dev/null <<CONF
# Single-node Slurm for Orbit's tests (scripts/slurm-start.sh).
ClusterName=orbit
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$((memory_mb / cpus))
ReturnToService=2
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

# munge: the key comes with the package; the daemon runs as the munge user.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [[ -f /etc/munge/munge.key ]] || fail "no /etc/munge/munge.key (reinstall munge)"
  "${sudo[@]}" mkdir -p /run/munge /var/log/munge /var/lib/munge
  "${sudo[@]}" chown munge:munge /run/munge /var/log/munge /var/lib/munge
  # --force: a stale socket or pid file of a munged that died is no reason to refuse.
  "${sudo[@]}" runuser -u munge -- /usr/sbin/munged --force \
    || fail "munged did not start (see /var/log/munge/munged.log)"
  "${sudo[@]}" cp /run/munge/munged.pid "$dir/munged.pid" 2>/dev/null || true
fi
munge -n | unmunge >/dev/null 2>&1 || fail "munge does not work (munge -n | unmunge failed)"

"${sudo[@]}" env SLURM_CONF="$conf" /usr/sbin/slurmctld -f "$conf" \
  || fail "slurmctld did not start (see $dir/log/slurmctld.log)"
"${sudo[@]}" env SLURM_CONF="$conf" /usr/sbin/slurmd -f "$conf" || fail "slurmd did not start (see $dir/log/slurmd.log)"

for _ in $(seq 1 60); do
  if sinfo -h -o %t 2>/dev/null | grep -qE '^idle'; then
    echo "==> Slurm running: node $host, $cpus CPUs, ${memory_mb} MB (export SLURM_CONF=$conf)"
    exit 0
  fi
  sleep 1
done
fail "the node did not become idle within 60 s: $(sinfo -h -o '%t %E' 2>&1 | head -1); see $dir/log/"
