# The interpreter dies (SIGABRT) in the middle of the loop.
import asyncio
import os

async def main():
    print("about to crash", flush=True)
    await asyncio.sleep(0.05)
    os.abort()

asyncio.run(main())
