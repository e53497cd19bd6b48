#!/usr/bin/env bash
# Runs a small study (scripts/slurm-test.study.json: 2 widths × 2 seeds, tiny MLPs on synthetic
# data, the line and the weight-matched line of every pair) with the local executor and through a
# real single-node Slurm (scripts/slurm-start.sh), and checks:
#   1. the Slurm run's collected results and run folders equal the local ones bit for bit;
#   2. with one array task scancel'led mid-run, the stages after it are cancelled, `status` shows
#      the run missing, and a second `submit` sends only the missing runs and ends with the same
#      results bit for bit.
# When Slurm cannot start here it says why, loudly, and exits 0 — the only case that skips.
# Usage: scripts/slurm-test.sh [path/to/orbit]   (default: the debug build, built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
orbit="${1:-$(swift build --show-bin-path)/orbit}"
[[ -x "$orbit" ]] || swift build --product orbit
study="$root/scripts/slurm-test.study.json"

# Stop Slurm at the end only if this script started it.
export SLURM_CONF="${ORBIT_SLURM_DIR:-/var/tmp/orbit-slurm}/slurm.conf"
already_running=no
sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && already_running=yes
if ! start_log="$(bash scripts/slurm-start.sh 2>&1)"; then
  echo "$start_log"
  echo "################################################################################"
  echo "## SLURM TEST SKIPPED: Slurm could not start on this machine:"
  echo "##   $(echo "$start_log" | tail -1)"
  echo "################################################################################"
  exit 0
fi
echo "$start_log"
work="$(mktemp -d /var/tmp/orbit-slurm-test.XXXXXX)"
cleanup() {
  rm -rf "$work"
  [[ "$already_running" == "yes" ]] || bash scripts/slurm-stop.sh >/dev/null
}
trap cleanup EXIT

fail() {
  echo "slurm-test: FAILED: $*" >&2
  exit 1
}

# Waits until none of the given jobs is pending or running (at most $2 seconds).
wait_for_jobs() {
  local jobs="$1" limit="$2"
  for _ in $(seq 1 "$limit"); do
    if [[ -z "$(squeue -h -j "$jobs" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ]]; then return 0; fi
    sleep 1
  done
  squeue -j "$jobs" >&2 || true
  fail "jobs $jobs still queued after $limit s"
}

# Submits the study into store $1 and prints the comma-separated job ids.
submit() {
  "$orbit" study submit "$study" --slurm --out "$1" --cpus 1 --time 00:10:00 2>/dev/null | awk -F'\t' '{print $2}' | paste -sd,
}

same_results() {
  local a="$1/studies/slurm-test/report" b="$2/studies/slurm-test/report"
  cmp "$a/results.json" "$b/results.json" || fail "results.json differs between $1 and $2"
  cmp "$a/results.csv" "$b/results.csv" || fail "results.csv differs between $1 and $2"
  diff -r "$1/runs" "$2/runs" >/dev/null || fail "run folders differ between $1 and $2"
}

echo "==> local executor"
"$orbit" study run "$study" --out "$work/local" --jobs 2 >/dev/null 2>"$work/local.log" || {
  cat "$work/local.log"
  fail "orbit study run"
}

echo "==> Slurm executor"
jobs="$(submit "$work/slurm")"
echo "    jobs $jobs"
wait_for_jobs "$jobs" 300
"$orbit" study status "$study" --out "$work/slurm" | tail -1
[[ -f "$work/slurm/studies/slurm-test/report/results.json" ]] || {
  cat "$work/slurm/studies/slurm-test/slurm/logs/"* 2>/dev/null | tail -20
  fail "the summary job wrote no report"
}
same_results "$work/local" "$work/slurm"
echo "    results equal the local executor's bit for bit"

echo "==> Slurm executor, one array task cancelled mid-run, then resubmitted"
jobs="$(submit "$work/cancel")"
first="${jobs%%,*}"
victim="${first}_3"
for _ in $(seq 1 600); do
  state="$(squeue -h -r -j "$first" -o '%i %T' 2>/dev/null | awk -v t="$victim" '$1 == t {print $2}')"
  [[ "$state" == "RUNNING" ]] && break
  sleep 0.1
done
[[ "$state" == "RUNNING" ]] || fail "task $victim never ran"
sleep 1
scancel "$victim"
echo "    cancelled task $victim while it was running"
wait_for_jobs "$jobs" 300
status="$("$orbit" study status "$study" --out "$work/cancel")"
echo "$status" | grep -q "missing" || {
  echo "$status"
  fail "after scancel no run is missing (did task $victim finish before it was cancelled?)"
}
echo "$status" | grep -E "^stage"
jobs="$(submit "$work/cancel")"
echo "    resubmitted: jobs $jobs"
wait_for_jobs "$jobs" 300
same_results "$work/local" "$work/cancel"
echo "    results after the resubmission equal the local executor's bit for bit"
echo "==> Slurm test passed"
