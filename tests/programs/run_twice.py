# asyncio.run twice: two loops, one after the other.
import asyncio

async def main(tag):
    await asyncio.sleep(0.01)
    print("run", tag)

asyncio.run(main(1))
asyncio.run(main(2))
