#!/usr/bin/env bash
# Fuzz smoke run (CI): builds the libFuzzer targets in Fuzz/ (a separate package, so the
# instrumentation never touches the main build) and runs each on its committed seed corpus for a
# bounded time. A crash, sanitizer report or timeout fails the script and leaves the input in
# $FUZZ_ARTIFACTS (default: a temporary directory, printed). See Fuzz/README.md.
#
#   FUZZ_SECONDS=10       seconds per target (7 targets)
#   FUZZ_SCRATCH=.build-fuzz   the fuzz package's build directory (relative to the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
artifacts=${FUZZ_ARTIFACTS:-$(mktemp -d -t orbit-fuzz-XXXXXX)}
mkdir -p "$artifacts"
targets=(fuzz-safetensors fuzz-npz fuzz-idx fuzz-network-description fuzz-pickle fuzz-torch fuzz-onnx)
start=$SECONDS
if [[ "$(uname)" != "Linux" ]]; then
    # Xcode's toolchain ships no libFuzzer; the swift.org Linux toolchain does.
    echo "fuzz-smoke: skipped (libFuzzer needs the swift.org toolchain on Linux)"
    exit 0
fi

# Debug, not release: the parsers are small, and a debug build with the sanitizers compiles in a
# fraction of the time (measured in Fuzz/README.md).
(cd Fuzz && swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    --scratch-path "../$scratch" 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | tail -5)
built=$SECONDS
echo "fuzz-smoke: build $((built - start)) s"

status=0
for target in "${targets[@]}"; do
    work=$(mktemp -d -t "orbit-$target-XXXXXX")
    log="$artifacts/$target.log"
    # New inputs go to the scratch corpus (first directory); the committed seeds stay untouched.
    # Swift's runtime keeps metadata caches alive to exit, which LeakSanitizer would report.
    if ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$scratch/debug/$target" "$work" "Fuzz/Corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="$artifacts/$target-" -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{print $2}')
        echo "fuzz-smoke: $target ok (${runs:-?} inputs in ${seconds} s)"
    else
        echo "fuzz-smoke: $target FAILED — the input is in $artifacts (log: $log)"
        tail -40 "$log"
        status=1
    fi
    rm -rf "$work"
done
echo "fuzz-smoke: finished in $((SECONDS - start)) s"
exit $status
