"""Two thread-pool jobs: one returns a value, one raises (FileNotFoundError).
The exception goes back to the loop as the job's outcome: the task awaiting
to_thread sees it raised at its await."""
import asyncio
import time


def add(a, b):
    time.sleep(0.01)  # still running when run_in_executor chains its future to the loop's
    return a + b


def read_config(path):
    with open(path) as f:
        return f.read()


async def main():
    print("sum:", await asyncio.to_thread(add, 2, 4))
    try:
        await asyncio.to_thread(read_config, "/nonexistent/loopscope.cfg")
    except FileNotFoundError as e:
        print("no config, errno", e.errno)


asyncio.run(main())
