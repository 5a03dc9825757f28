# A program of two files: the tasks' steps run in helper.py as well as here.
import asyncio
import helper

async def main():
    results = await asyncio.gather(helper.fetch("a", 0.02), helper.fetch("b", 0.01))
    print("main: got", results)

asyncio.run(main())
