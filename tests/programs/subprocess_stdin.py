"""A subprocess with a pipe on its stdin and one on its stdout (communicate()):
_UnixWritePipeTransport queues loop._add_reader with call_soon, a reader on
the stdin pipe that only notices the child closing its end. Then the program
prints the names of asyncio functions the recorder hooks: they read as
asyncio's own, as under python3."""
import asyncio
import os
import sys
import time


async def main():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import sys; print(sys.stdin.read().upper())",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate(b"hello from the parent")
    print("child said:", out.decode().strip(), "exit code", proc.returncode)
    loop = asyncio.get_running_loop()
    for f in (loop._add_reader, loop.call_at, loop.run_in_executor, asyncio.Queue._put,
              asyncio.events.Handle.cancel, time.sleep, os._exit):
        print(f.__name__, f.__qualname__)


asyncio.run(main())
