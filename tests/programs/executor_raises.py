"""Two thread-pool jobs: one returns a value, one raises (FileNotFoundError).
The exception goes back to the loop as the job's outcome: the task awaiting
to_thread sees it raised at its await."""
import asyncio
import threading


def add(chained, a, b):
    chained.wait()
    return a + b


def read_config(chained, path):
    chained.wait()
    with open(path) as f:
        return f.read()


async def in_thread(fn, *args):
    """to_thread, with the job held until run_in_executor has chained its future to the loop's:
    the callback that lets it go runs in the next iteration, after this step. A job done before
    that would come back through a callback the loop's own thread queues, not the worker's."""
    chained = threading.Event()
    asyncio.get_running_loop().call_soon(chained.set)
    return await asyncio.to_thread(fn, chained, *args)


async def main():
    print("sum:", await in_thread(add, 2, 4))
    try:
        await in_thread(read_config, "/nonexistent/loopscope.cfg")
    except FileNotFoundError as e:
        print("no config, errno", e.errno)


asyncio.run(main())
