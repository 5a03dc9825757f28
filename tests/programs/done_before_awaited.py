"""Tasks that finish before anyone awaits them: middle() creates two tasks and
returns before they run; they return while nothing waits on them, and main
awaits them afterwards (already done: no suspension)."""
import asyncio


async def leaf(n):
    return n * 10


async def middle():
    t = asyncio.create_task(leaf(1))
    u = asyncio.create_task(leaf(2))
    return t, u  # returns before its children ever run


async def main():
    t, u = await asyncio.create_task(middle())
    print(t.done(), u.done())
    print(await t, await u)


asyncio.run(main())
