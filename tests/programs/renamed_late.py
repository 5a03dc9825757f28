"""A task renames itself after its first step, and main keeps it alive for a
second: long enough for the recorder to write what it has queued meanwhile."""
import asyncio


async def worker():
    await asyncio.sleep(0)
    asyncio.current_task().set_name("renamed")
    await asyncio.sleep(0)
    await asyncio.sleep(0)


async def main():
    t = asyncio.create_task(worker(), name="first")
    await t
    await asyncio.sleep(1.0)
    print(t.get_name())


asyncio.run(main())
