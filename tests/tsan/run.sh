#!/usr/bin/env bash
# The trace writer/reader tests under ThreadSanitizer, in their own build dir
# (build-tsan): configure, build just those tests, run them with ctest.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOPSCOPE_SANITIZE=thread \
  -DLOOPSCOPE_GUI=OFF -DLOOPSCOPE_BENCH=OFF >/dev/null
targets=$(cd tests/tsan && ls test_*.cpp | sed 's/\.cpp$//')
cmake --build build-tsan -j"$(nproc)" --target $targets
cd build-tsan
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -L tsan
