"""asyncio.Runner runs two coroutines on one loop: the ticker that start()
creates outlives the first run() and keeps ticking during the second; only
the end of the with block (Runner.close()) cancels it."""
import asyncio


async def ticker():
    while True:
        await asyncio.sleep(0.01)


async def start():
    asyncio.create_task(ticker(), name="ticker")
    await asyncio.sleep(0.015)
    return "started"


async def stop():
    await asyncio.sleep(0.015)
    return "stopped"


with asyncio.Runner() as runner:
    print(runner.run(start()))
    print(runner.run(stop()))
