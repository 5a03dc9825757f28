"""Lines written in pieces: a print ended after an await, several lines in one
write, a line from another thread, and a last line no newline ends."""
import asyncio
import sys
import threading


async def main():
    print("a", end="")
    await asyncio.sleep(0)
    print("b")
    sys.stdout.write("one\ntwo\nthr")
    sys.stdout.write("ee\n")
    t = threading.Thread(target=lambda: print("from", "a", "thread"))
    t.start()
    t.join()
    print("tail", end="")


asyncio.run(main())
