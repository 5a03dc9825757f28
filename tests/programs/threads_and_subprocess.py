# A plain thread and a subprocess next to the loop.
import asyncio
import sys
import threading

def side():
    print("thread says hi")

async def main():
    t = threading.Thread(target=side)
    t.start()
    t.join()
    p = await asyncio.create_subprocess_exec(sys.executable, "-c", "print('child says hi')",
                                             stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    print("subprocess:", out.decode().strip(), "exit", p.returncode)

asyncio.run(main())
