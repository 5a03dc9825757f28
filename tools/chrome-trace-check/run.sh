#!/usr/bin/env bash
# ctest's `node` test: run scenarios headless, export Chrome traces and check
# them with Chrome DevTools' trace engine under node.
#   run.sh LOOPSCOPE_BINARY OUT_DIR
# Exit 77 (skipped) without node or without `npm ci --prefix tools/chrome-trace-check`.
set -euo pipefail
bin=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then echo "SKIP: node is not installed"; exit 77; fi
if [ ! -d "$here/node_modules/@paulirish/trace_engine" ]; then
  echo "SKIP: run 'npm ci --prefix tools/chrome-trace-check' first"; exit 77
fi
mkdir -p "$out"
for id in gather-errors taskgroup-cancel cooperative-yield concurrent-server blocking-call; do
  "$bin" run "$id" --scale 0.1 --quiet --events "$out/$id.jsonl" --chrome-trace "$out/$id.json"
  node "$here/check.mjs" "$out/$id.json" "$out/$id.jsonl"
done
