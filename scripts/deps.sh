#!/usr/bin/env bash
# Installs what loopscope needs to build, test and record, from Debian 12's
# packages only. Uses sudo when not root. Safe to run again.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
PACKAGES=(
  build-essential cmake pkg-config git python3
  libuv1-dev libsqlite3-dev libhttp-parser-dev libsimdjson-dev
  libimgui-dev libglfw3-dev python3-glad libstb-dev
  libegl-dev libegl-mesa0 libgl-dev libgl1-mesa-dri fonts-dejavu-core
  doctest-dev libbenchmark-dev clang libclang-rt-14-dev
  xvfb xauth ffmpeg curl netcat-openbsd
  python3-dev  # the recorder's C hot path (core/cpython/_loopscope_recorder.c)
  python3-aiohttp python3-httpx python3-aiofiles python3-aiosqlite  # tests/recorder (tests/programs)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "loopscope: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
