# Never ends: --duration (or Stop) ends it as Ctrl-C would.
import asyncio

async def main():
    n = 0
    while True:
        await asyncio.sleep(0.05)
        n += 1
        if n % 10 == 0:
            print("still running", n)

asyncio.run(main())
