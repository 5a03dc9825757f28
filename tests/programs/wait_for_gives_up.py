"""wait_for past its deadline (3.11): it cancels what it waits on and waits for
that (_cancel_and_wait), then raises TimeoutError. Three inner awaitables:
asyncio.shield()'s outer future (cancelling it leaves the shielded task
running), run_in_executor()'s future (the thread runs on), and a task that
catches the CancelledError and returns, so wait_for returns its result."""
import asyncio
import time


async def save():
    await asyncio.sleep(0.1)
    return "saved"


async def stubborn():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        return "partial result"  # swallows the cancellation


async def main():
    task = asyncio.create_task(save(), name="save")
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=0.03)
    except TimeoutError:
        print("shield: gave up waiting; save still running:", not task.done())
    print("shield:", await task)

    loop = asyncio.get_running_loop()
    fut = loop.run_in_executor(None, time.sleep, 0.08)
    try:
        await asyncio.wait_for(fut, timeout=0.03)
    except TimeoutError:
        print("executor: gave up; future cancelled:", fut.cancelled())
    await asyncio.sleep(0.1)  # the thread's sleep ends meanwhile

    print("stubborn:", await asyncio.wait_for(stubborn(), timeout=0.03))


asyncio.run(main())
