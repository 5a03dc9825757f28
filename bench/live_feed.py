# The live view's latency benchmark's program (bench/live_latency.cpp): two
# tasks ping-pong through sleep(0) at a target event rate, and about every
# 10 ms one prints the wall clock (time.time_ns) it printed at. The benchmark
# compares that with the moment the print is visible in the view's model.
# usage: live_feed.py EVENTS_PER_SECOND SECONDS
import asyncio
import sys
import time

RATE = float(sys.argv[1]) if len(sys.argv) > 1 else 1e5
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 5
EVENTS_PER_STEP = 5  # ready.push, ready.run, step.begin, step.end, loop bookkeeping (measured by the benchmark)

async def player(name, steps, start):
    for k in range(steps):
        if k % 100 == 0:
            # Throttle to the target rate: two players make 2 * EVENTS_PER_STEP events per round.
            ahead = start + k * 2 * EVENTS_PER_STEP / RATE - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        if name == "a" and k % int(max(RATE / 200, 1)) == 0:
            print("t", time.time_ns())
        await asyncio.sleep(0)

async def main():
    steps = int(RATE * SECONDS / (2 * EVENTS_PER_STEP))
    start = time.perf_counter()
    await asyncio.gather(player("a", steps, start), player("b", steps, start))

asyncio.run(main())
