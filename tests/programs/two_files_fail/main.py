# A program of two files whose failure is in the other file: a task fails in
# helper.py while main goes on in main.py (the Code panel must show helper.py's
# red line, or mark its tab).
import asyncio
import helper

async def main():
    results = await asyncio.gather(helper.fetch("a", 0.01), helper.broken(0.02), return_exceptions=True)
    for i in range(3):
        await asyncio.sleep(0.01)
        print("main: still running", i)
    print("main: got", results)

asyncio.run(main())
