"""A second event loop, open while the first runs: a thread calls
asyncio.run() for a job of its own. It is not a client of anything."""
import asyncio
import threading


async def side_job():
    await asyncio.sleep(0.01)
    print("side loop finished its job")
    return 7


def thread_main(out):
    out.append(asyncio.run(side_job()))


async def main():
    out = []
    thread = threading.Thread(target=thread_main, args=(out,))
    thread.start()
    await asyncio.sleep(0.03)
    thread.join()
    print("main loop got", out)


asyncio.run(main())
