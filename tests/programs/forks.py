"""A task forks a child process, which prints and leaves by sys.exit (atexit
runs in the child too); the parent waits for it."""
import asyncio
import os
import sys


async def main():
    pid = os.fork()
    if pid == 0:
        print("child", flush=True)
        sys.exit(0)
    await asyncio.sleep(0.05)
    os.waitpid(pid, 0)
    print("parent")


asyncio.run(main())
