import asyncio

async def main():
    print("never runs"
    await asyncio.sleep(0)

asyncio.run(main())
