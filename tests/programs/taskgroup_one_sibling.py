# A TaskGroup whose child fails: the group cancels its one other child and the
# body. With one sibling the cancel order is fixed (3.11 cancels the group's
# tasks in the order of a set, which depends on where the tasks sit in memory).
import asyncio

async def worker(name, delay, fail=False):
    print(f"{name}: start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: CancelledError at await"); raise
    if fail:
        print(f"{name}: raise ValueError"); raise ValueError(name)
    print(f"{name}: done")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("S1", 1.0))
            tg.create_task(worker("BAD", 0.01, fail=True))
            print("body: await sleep(1)")
            try:
                await asyncio.sleep(1.0)
            except asyncio.CancelledError:
                print("body: CancelledError (parent cancelled by TaskGroup)"); raise
    except* ValueError as eg:
        print(f"main: caught {eg!r}")
    print(f"main: cancelling()={asyncio.current_task().cancelling()}")

asyncio.run(main())
