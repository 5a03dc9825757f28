"""Three ways a TaskGroup aborts. 1: its only child fails while the body awaits:
the group cancels the parent (the task running the async with block), not a
child. 2: the body itself raises: TaskGroup.__aexit__ cancels the children,
waits for them and raises an ExceptionGroup. 3: nested groups: a child of the
inner group fails; the inner group's parent, already waiting in __aexit__, gets
CancelledError there and waits again."""
import asyncio


async def flaky():
    await asyncio.sleep(0.02)
    raise OSError("disk full")


async def sleeper(delay):
    await asyncio.sleep(delay)
    return delay


async def inner_group():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(sleeper(0.3), name="inner-sleeper")
        tg.create_task(flaky(), name="inner-flaky")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(flaky(), name="only-child")
            await asyncio.sleep(1)  # interrupted when only-child fails
    except* OSError as eg:
        print("1: caught", eg.exceptions)

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper(0.3), name="child-a")
            tg.create_task(sleeper(0.4), name="child-b")
            await asyncio.sleep(0.03)
            raise KeyError("bad config")  # the body itself fails
    except* KeyError as eg:
        print("2: caught", eg.exceptions)

    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(inner_group(), name="inner")
            outer.create_task(sleeper(0.4), name="outer-sleeper")
    except* OSError as eg:
        print("3: caught", eg.exceptions)


asyncio.run(main())
