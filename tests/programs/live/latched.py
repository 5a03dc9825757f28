# For the live-feed test: prints, then waits (awake on the loop) until the
# file named by argv[1] exists, then prints again and ends. The test creates
# the file only after it has seen the first print in the live view.
import asyncio
import os
import sys

async def main():
    print("before the latch", flush=True)
    while not os.path.exists(sys.argv[1]):
        await asyncio.sleep(0.01)
    print("after the latch")

asyncio.run(main())
