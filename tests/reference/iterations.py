"""Runs an asyncio program under CPython and prefixes each line it prints
with the event loop iteration (`_run_once` call) that printed it: `[it 2] A: start`.

The counting happens here, from outside the program, so the listings that
students read carry no instrumentation:

    python3 iterations.py [--scale K] PROGRAM.py

Each loop counts its own iterations (iteration 1 runs the main task's first
step, as in the engine's trace); prints outside a running loop get `[it 0]`.
"""
import asyncio
import asyncio.base_events
import builtins
import runpy
import sys

_run_once = asyncio.base_events.BaseEventLoop._run_once


def counting_run_once(self):
    self._loopscope_it = getattr(self, "_loopscope_it", 0) + 1
    _run_once(self)


asyncio.base_events.BaseEventLoop._run_once = counting_run_once

_print = builtins.print


def print_with_iteration(*args, sep=" ", end="\n", file=None, flush=False):
    try:
        it = getattr(asyncio.get_running_loop(), "_loopscope_it", 0)
    except RuntimeError:
        it = 0
    _print(f"[it{it:>2}] " + sep.join(str(a) for a in args), end=end, file=file, flush=flush)


builtins.print = print_with_iteration

# --scale K: asyncio.sleep(d) sleeps K*d, so timers 10 ms apart stay apart on a
# busy machine (the engine's tests run with the same time_scale).
args = sys.argv[1:]
if args[:1] == ["--scale"]:
    scale = float(args[1])
    args = args[2:]
    _sleep = asyncio.sleep

    async def scaled_sleep(delay, result=None):
        return await _sleep(delay * scale, result)

    asyncio.sleep = scaled_sleep
sys.argv = args
runpy.run_path(sys.argv[0], run_name="__main__")
