"""asyncio's debug mode: a task and a timer callback that block the loop for
150 ms each get the slow-callback warning, which says where each was created."""
import asyncio
import time


def blocking_callback():
    time.sleep(0.15)


async def blocking_task():
    time.sleep(0.15)


async def main():
    asyncio.get_running_loop().call_later(0.01, blocking_callback)
    await asyncio.create_task(blocking_task())
    await asyncio.sleep(0.3)
    print("done")


asyncio.run(main(), debug=True)
