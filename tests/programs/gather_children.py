"""gather() of children that are not all tasks: a run_in_executor() future, a
Future that a timer's callback sets, a Future already done and a coroutine;
then a gather that fails while its other child goes on and returns."""
import asyncio
import time


def blocking_io(n):
    time.sleep(0.02)
    return n * 2


async def quick():
    await asyncio.sleep(0.005)
    return "quick"


async def fail_soon():
    await asyncio.sleep(0.01)
    raise RuntimeError("failed")


async def finish_later():
    await asyncio.sleep(0.03)
    return "finished anyway"


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    done.set_result("done early")
    later = loop.create_future()
    loop.call_later(0.01, later.set_result, "set by a timer")
    print(await asyncio.gather(loop.run_in_executor(None, blocking_io, 21), later, done, quick()))
    try:
        await asyncio.gather(fail_soon(), finish_later())
    except RuntimeError as e:
        print("gather failed:", e)
    await asyncio.sleep(0.05)  # finish_later returns meanwhile: the gather drops its result


asyncio.run(main())
