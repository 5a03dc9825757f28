import asyncio

async def fetch(name, delay):
    await asyncio.sleep(delay)
    return name.upper()

async def broken(delay):
    await asyncio.sleep(delay)
    raise ValueError("helper failed")
