"""An async generator under `async for`: each turn of the loop awaits the
generator's next item, and the generator awaits asyncio.sleep inside it, so
the task suspends at the generator's await (line 9), not at the async for."""
import asyncio


async def ticks(n):
    for i in range(n):
        await asyncio.sleep(0.01)
        yield i


async def main():
    async for i in ticks(3):
        print("tick", i)


asyncio.run(main())
