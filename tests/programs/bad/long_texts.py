"""Texts over the trace's 64 KiB cap on a string, counted in bytes of UTF-8:
prints of two-, three- and four-byte characters and of NULs, and a task's name
of 80,000 bytes. The recorder cuts each at a character's boundary."""
import asyncio


async def talk(text):
    await asyncio.sleep(0)
    print(text)


async def main():
    await asyncio.gather(
        asyncio.create_task(talk("é" * 40_000), name="ñ" * 40_000),
        talk("€" * 30_000),
        talk("a" + "🙂" * 20_000),
        talk("\x00" * 30_000),
        talk("x" * 70_000),
    )


asyncio.run(main())
