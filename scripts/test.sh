#!/usr/bin/env bash
# README command 2 (and CI): install, build, and pass the whole test suite:
# the main build's ctest (engine, scenarios, CLI, model, GUI under Xvfb, clips),
# the engine tests again under AddressSanitizer + UBSan, the trace
# writer/reader pair under ThreadSanitizer, and a short libFuzzer run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
bash scripts/deps.sh
if [ -f tools/chrome-trace-check/package-lock.json ] && [ ! -d tools/chrome-trace-check/node_modules ]; then
  npm ci --silent --prefix tools/chrome-trace-check >/dev/null 2>&1 || echo "loopscope: npm ci failed; the Chrome-trace consumer check will be skipped" >&2
fi

step() { printf '\n=== %s\n' "$*"; }

step "build (RelWithDebInfo)"
bash scripts/build.sh
step "tests"
(cd build && ctest --output-on-failure -j"$jobs")

step "engine tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLOOPSCOPE_SANITIZE=address,undefined \
  -DLOOPSCOPE_GUI=OFF -DLOOPSCOPE_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j"$jobs" -L engine)

if [ -x tests/tsan/run.sh ]; then
  step "trace writer/reader under ThreadSanitizer"
  bash tests/tsan/run.sh
fi
if [ -x fuzz/run_short.sh ]; then
  step "short fuzz run of the trace loader"
  bash fuzz/run_short.sh
fi
step "all tests passed"
