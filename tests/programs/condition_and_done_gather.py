# asyncio.Condition: wait() releases the lock and awaits a future of its own,
# which notify() sets. And a gather() given a task that is already done: its
# done-callback is queued at once, in the step of the task that gathers.
import asyncio

async def waiter(cond, name):
    async with cond:
        await cond.wait()
        print(name, "notified")

async def main():
    cond = asyncio.Condition()
    waiters = [asyncio.create_task(waiter(cond, n)) for n in ("a", "b")]
    await asyncio.sleep(0.02)
    async with cond:
        cond.notify_all()
    done = asyncio.create_task(asyncio.sleep(0))
    await asyncio.sleep(0.02)  # done has finished by now
    print(await asyncio.gather(done, *waiters))

asyncio.run(main())
