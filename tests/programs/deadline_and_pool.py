# A wait_for() whose deadline passes (3.11: the inner task is cancelled, waited
# for, then TimeoutError), and thread-pool jobs whose completion reaches the
# loop while it waits in its poll and while a step blocks it.
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

asyncio.run(main())
