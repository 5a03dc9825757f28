"""Plain callbacks, no task: call_soon, a callback that re-arms itself with
call_later, and a timer handle cancelled before it is due."""
import asyncio


def tick(loop, n, done):
    print("tick", n)
    if n < 3:
        loop.call_later(0.02, tick, loop, n + 1, done)
    else:
        done.set_result("ticked 3 times")


def never():
    print("this never prints")


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_soon(tick, loop, 1, done)
    h = loop.call_later(0.03, never)
    h.cancel()
    print(await done)


asyncio.run(main())
