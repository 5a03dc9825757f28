# The explicit loop of Python 3.4: new_event_loop, run_until_complete, close.
import asyncio

async def tick(n):
    for i in range(n):
        print("tick", i)
        await asyncio.sleep(0)
    return n

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
try:
    print("result", loop.run_until_complete(tick(3)))
finally:
    loop.close()
