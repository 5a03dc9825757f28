"""Handles that never run: one cancelled while it waits in the ready queue,
one still queued and a timer still armed when asyncio.run closes the loop."""
import asyncio


def never(what):
    print("never runs:", what)


def ticker(loop):
    loop.call_soon(ticker, loop)  # always one queued: the loop stops with it in _ready


async def main():
    loop = asyncio.get_running_loop()
    h = loop.call_soon(never, "cancelled")
    h.cancel()  # _run_once pops it and skips it
    loop.call_soon(ticker, loop)
    loop.call_later(60, never, "timer")  # still armed at close
    await asyncio.sleep(0)
    print("main done")


asyncio.run(main())
print("after the run")
