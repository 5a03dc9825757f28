#!/usr/bin/env bash
# Builds and runs the engine benchmarks (build-bench, Release), then the same
# ping-pong under python3's asyncio, and prints the figures of docs/performance.md.
# CPU time is used throughout: the machine is shared, wall time is noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_BUILD_DIR:-build-bench}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DLOOPSCOPE_GUI=OFF -DLOOPSCOPE_BENCH=ON >/dev/null
cmake --build "$dir" --target engine_bench -j"$(nproc)" >/dev/null
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$dir/engine_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json
py=$(python3 bench/pingpong.py 100000)
echo "$py"
python3 - "$json" "$py" <<'PY'
import json, re, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
def per_item_ns(prefix):
    b = next(v for k, v in runs.items() if k.startswith(prefix))
    return 1e9 / b["items_per_second"]
event = per_item_ns("TraceAppend")
step = per_item_ns("TraceStep")
clock = per_item_ns("Clock")
traced, untraced = per_item_ns("PingPong/traced"), per_item_ns("PingPong/untraced")
py_ns = float(re.search(r"\(([\d.]+) ns/step", sys.argv[2]).group(1))
print()
print(f"traced event (clock + append): {event:6.1f} ns   (target <= 25; the clock alone: {clock:.1f} ns)")
print(f"tracing's part of a step:     {step:6.1f} ns   (one clock read + one packed record)")
print(f"ping-pong step, traced:        {traced:6.1f} ns   ({1e9 / traced / 1e6:.2f} M steps/s)")
print(f"ping-pong step, untraced:      {untraced:6.1f} ns   ({1e9 / untraced / 1e6:.2f} M steps/s)")
print(f"tracing cost on the ping-pong: {100 * (traced / untraced - 1):6.1f} %    (target <= 10 %)")
print(f"CPython asyncio step:          {py_ns:6.1f} ns")
print(f"engine vs CPython (traced):    {py_ns / traced:6.1f} x    (target >= 20x)")
print(f"engine vs CPython (untraced):  {py_ns / untraced:6.1f} x")
PY
