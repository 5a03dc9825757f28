#!/usr/bin/env bash
# Builds (Release) and runs the view's frame-time benchmark: whole-screen
# frames at 1280x720, headless through EGL (Mesa's llvmpipe when there is no
# GPU), on synthetic traces of 10^3 and 10^6 events. Arguments go to
# gui_frame_bench (--frames N, --events 1000,1000000, --axis auto|real|story,
# --readback). The figures are in docs/performance.md ("The view").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${GUI_BENCH_BUILD_DIR:-build-frame}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DLOOPSCOPE_BENCH=ON >/dev/null
cmake --build "$dir" --target gui_frame_bench -j2 >/dev/null
exec "$dir/gui_frame_bench" "$@"
