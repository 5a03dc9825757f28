# Blocking work offloaded with to_thread and run_in_executor, next to a blocking time.sleep on the loop.
import asyncio
import time

def crunch(n):
    time.sleep(0.05)
    return n * n

async def main():
    a, b = await asyncio.gather(asyncio.to_thread(crunch, 3), asyncio.to_thread(crunch, 4))
    c = await asyncio.get_running_loop().run_in_executor(None, crunch, 5)
    print("results", a, b, c)
    time.sleep(0.15)  # blocks the loop: a slow step
    print("blocked on purpose")

asyncio.run(main())
