# For the Stop tests: ignores the signals named in argv ("INT", "INT TERM"),
# says so, then ticks on its loop until a signal it does not ignore ends it.
import asyncio
import signal
import sys

IGNORED = " ".join(sys.argv[1:]).split()
for name in IGNORED:
    signal.signal(getattr(signal, "SIG" + name), signal.SIG_IGN)


async def main():
    print("ignoring", *IGNORED, flush=True)
    n = 0
    while True:
        n += 1
        print("tick", n, flush=True)
        await asyncio.sleep(0.02)

asyncio.run(main())
