"""The recorder's hot path, case by case, with no real time in it (so two runs
record alike): tasks taking turns with sleep(0), a task renamed between steps,
wakeups by futures, queues, an event, wait_for and asyncio.timeout with
deadlines that never come, a cancellation, an exception thrown into a task, a
call_soon callback and a task method scheduled as a plain callback."""
import asyncio


async def player(name, turns):
    for i in range(turns):
        await asyncio.sleep(0)
        if i == 2:
            asyncio.current_task().set_name(name + "-renamed")
    return name


async def producer(q, n):
    for i in range(n):
        await q.put(i)
        await asyncio.sleep(0)
    await q.put(None)


async def consumer(q, done):
    total = 0
    while (item := await q.get()) is not None:
        total += item
    done.set()
    return total


async def sleeper():
    await asyncio.sleep(3600)


async def fails():
    await asyncio.sleep(0)
    raise ValueError("thrown on purpose")


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(player("A", 6), name="A")
    b = asyncio.create_task(player("B", 6), name="B")
    q = asyncio.Queue(maxsize=1)
    done = asyncio.Event()
    p = asyncio.create_task(producer(q, 5))
    c = asyncio.create_task(consumer(q, done))
    fut = loop.create_future()
    loop.call_soon(lambda: None)
    loop.call_soon(fut.set_result, "ready")
    print("future:", await asyncio.wait_for(fut, 3600))
    async with asyncio.timeout(3600):
        await done.wait()
    s = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    loop.call_soon(s.cancel)
    try:
        await s
    except asyncio.CancelledError:
        print("sleeper cancelled")
    try:
        await fails()
    except ValueError as e:
        print("caught:", e)
    print(await a, await b, await c)
    await p


asyncio.run(main())
