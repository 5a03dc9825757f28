# Who cancels whom. Task.cancel() passes on to what a task awaits (a task, a
# gather's children); a task whose step is already queued is only marked; a
# task cancelled before its first step never starts; asyncio.run cancels the
# tasks left when main returns.
import asyncio

async def child():
    await asyncio.sleep(10)

async def parent():
    await asyncio.create_task(child(), name="awaited")

async def gathered():
    await asyncio.gather(child(), child())

async def spinner():
    while True:
        await asyncio.sleep(0)

async def main():
    p = asyncio.create_task(parent(), name="parent")
    g = asyncio.create_task(gathered(), name="gathered")
    s = asyncio.create_task(spinner(), name="spinner")
    asyncio.create_task(child(), name="left-over")
    await asyncio.sleep(0.01)
    p.cancel()
    g.cancel()
    s.cancel()
    u = asyncio.create_task(child(), name="unstarted")
    u.cancel()
    results = await asyncio.gather(p, g, s, u, return_exceptions=True)
    print([type(r).__name__ for r in results])

asyncio.run(main())
