"""wait_for gives up on a thread-pool job (its deadline passes): it cancels the
job's asyncio future, which does not stop the thread. When the job finishes,
its result comes back to the loop, and _chain_future's _set_state finds the
future cancelled: the result is dropped and nothing wakes."""
import asyncio
import threading


def slow_io(go):
    go.wait()  # runs until main lets it finish, after wait_for has given up
    print("thread: slow_io finished anyway")
    return "data"


async def main():
    loop = asyncio.get_running_loop()
    go = threading.Event()
    fut = loop.run_in_executor(None, slow_io, go)
    try:
        await asyncio.wait_for(fut, timeout=0.01)
    except TimeoutError:
        print("gave up; future cancelled:", fut.cancelled())
    go.set()
    await asyncio.sleep(0.05)
    print("main done")


asyncio.run(main())
