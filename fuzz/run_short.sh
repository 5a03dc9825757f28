#!/usr/bin/env bash
# A short libFuzzer run of the trace loader, the save/load round trip and the
# view model (fuzz/trace_load_fuzzer.cpp): configure + build with clang into
# build-fuzz (only the fuzz target), then fuzz from the seed corpus.
#   fuzz/run_short.sh [extra libFuzzer flags, e.g. -max_total_time=300]
# Exit 0 when nothing crashed, leaked or hung.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOPSCOPE_FUZZ=ON \
  -DLOOPSCOPE_GUI=OFF -DLOOPSCOPE_BENCH=OFF >/dev/null
cmake --build build-fuzz --target trace_load_fuzzer -j"$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp fuzz/corpus/* "$work/"
# New inputs go to a scratch copy; the committed corpus stays as it is.
build-fuzz/trace_load_fuzzer -runs=20000 -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -dict=fuzz/trace.dict -artifact_prefix=build-fuzz/ "$@" "$work"
echo "fuzz: no crash in the short run"
