# main raises: the traceback, exit status 1, and a task whose exception nobody retrieved.
import asyncio

async def lost():
    raise KeyError("nobody looks")

async def main():
    asyncio.create_task(lost())
    await asyncio.sleep(0.01)
    raise ValueError("main failed")

asyncio.run(main())
