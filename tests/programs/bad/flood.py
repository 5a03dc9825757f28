# A flood of tasks (10^6 by default): the trace is capped with a `truncated` event.
import asyncio
import sys

async def nothing():
    pass

async def main(total):
    for _ in range(max(1, total // 100_000)):
        await asyncio.gather(*(nothing() for _ in range(min(total, 100_000))))
    print("flood done")

asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
