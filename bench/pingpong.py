"""The engine benchmark's ping-pong in CPython's asyncio: two tasks taking turns
with `await asyncio.sleep(0)`. Prints task steps per second (bench/run.sh reads it)."""
import asyncio
import sys
import time


async def player(turns):
    for _ in range(turns):
        await asyncio.sleep(0)


async def pingpong(turns):
    a = asyncio.create_task(player(turns))
    b = asyncio.create_task(player(turns))
    await a
    await b


def main():
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    best = None
    for _ in range(3):  # best of three, as the C++ side reports a steady state
        t0 = time.process_time()
        asyncio.run(pingpong(turns))
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    steps = 2 * (turns + 1)
    print(f"python {sys.version.split()[0]} asyncio ping-pong: {steps / best:.0f} steps/s ({best / steps * 1e9:.0f} ns/step, CPU time)")


if __name__ == "__main__":
    main()
