"""A lock, then a semaphore, handed on: main releases it, which wakes w1, and
cancels w1 before w1 runs, so w1's acquire() passes the wakeup on to w2; w2
takes it, and its release wakes w3. Then a queue's item: main's put wakes
getter g1, cancelled before it runs, so g1's get() wakes g2."""
import asyncio


async def waiter(guard, name):
    try:
        async with guard:
            print(name, "got the", type(guard).__name__)
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def hand_on(guard):
    await guard.acquire()
    w1 = asyncio.create_task(waiter(guard, "w1"))
    w2 = asyncio.create_task(waiter(guard, "w2"))
    w3 = asyncio.create_task(waiter(guard, "w3"))
    await asyncio.sleep(0.01)
    guard.release()  # wakes w1...
    w1.cancel()  # ...which is cancelled before it runs: it passes the wakeup on to w2
    await asyncio.gather(w1, w2, w3, return_exceptions=True)


async def getter(queue, name):
    try:
        print(name, "got", await queue.get())
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def hand_on_item():
    queue = asyncio.Queue()
    g1 = asyncio.create_task(getter(queue, "g1"))
    g2 = asyncio.create_task(getter(queue, "g2"))
    await asyncio.sleep(0.01)
    queue.put_nowait("job")  # wakes g1...
    g1.cancel()  # ...which is cancelled before it runs: its get() wakes g2
    await asyncio.gather(g1, g2, return_exceptions=True)


async def main():
    await hand_on(asyncio.Lock())
    await hand_on(asyncio.Semaphore(1))
    await hand_on_item()


asyncio.run(main())
