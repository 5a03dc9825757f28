import asyncio

async def fetch(name, delay):
    print(f"{name}: waiting {delay}")
    await asyncio.sleep(delay)
    print(f"{name}: done")
    return name.upper()
