"""main raises; the program catches it around asyncio.run: run_until_complete
ends with future.result(), which re-raises main's exception."""
import asyncio


async def main():
    await asyncio.sleep(0)
    raise ValueError("main failed")


try:
    asyncio.run(main())
except ValueError as e:
    print("asyncio.run raised", repr(e))
