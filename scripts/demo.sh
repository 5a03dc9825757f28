#!/usr/bin/env bash
# README command 1: install, build, run. With a display: the GUI. Without one
# (a server, CI, a container): a screenshot of the view and a short clip of
# the sequential server against the concurrent one, and where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec ./build/loopscope "$@"
fi
./build/loopscope "$@"   # prints that there is no display and writes ./loopscope-gather.png
./build/loopscope record sequential-server --compare concurrent-server --set work=1.0 \
  -o loopscope-demo.mp4 --speed 2 --captions
echo "demo clip: $(pwd)/loopscope-demo.mp4"
echo "screenshot: $(pwd)/loopscope-gather.png"
