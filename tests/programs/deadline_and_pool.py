# A wait_for() whose deadline passes (3.11: the inner task is cancelled, waited
# for, then TimeoutError), thread-pool jobs whose completion reaches the loop
# while it waits in its poll and while a step blocks it, and asyncio.wait()'s
# timeout (the same _release_waiter as wait_for's, but it only wakes wait()).
import asyncio
import time

async def slow():
    await asyncio.sleep(0.3)

def quick():
    time.sleep(0.05)
    return "quick"

async def main():
    try:
        await asyncio.wait_for(slow(), timeout=0.1)
    except TimeoutError:
        print("wait_for timed out")
    print(await asyncio.to_thread(quick))  # the loop polls meanwhile
    job = asyncio.create_task(asyncio.to_thread(quick))
    await asyncio.sleep(0)                  # the job starts on its thread
    time.sleep(0.2)                         # blocks the loop while the job ends
    print(await job)
    waited = asyncio.create_task(slow())
    done, pending = await asyncio.wait([waited], timeout=0.05)  # no TimeoutError, nothing cancelled
    print(len(done), len(pending))
    waited.cancel()

asyncio.run(main())
