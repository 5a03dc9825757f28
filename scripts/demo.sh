#!/usr/bin/env bash
# README command 1: install, build, run. With a display: the GUI. Without
# one, loopscope itself falls back to writing a screenshot and printing its path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
exec ./build/loopscope "$@"
