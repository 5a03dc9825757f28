"""Ends with os._exit(3) from inside a task: no atexit, no flush of stdout."""
import asyncio
import os


async def main():
    print("about to leave", flush=True)
    await asyncio.sleep(0)
    print("never shown: os._exit does not flush stdout")
    os._exit(3)


asyncio.run(main())
