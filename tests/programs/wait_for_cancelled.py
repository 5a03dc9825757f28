"""A task cancelled while it waits in wait_for (a shutdown): 3.11's wait_for
catches the CancelledError, cancels its inner task, waits for it
(_cancel_and_wait) and raises the CancelledError again. The deadline (5 s)
never passes: no TimeoutError."""
import asyncio


async def download():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("download: cancelled, cleaning up")
        raise


async def client():
    try:
        await asyncio.wait_for(download(), timeout=5)
    except asyncio.CancelledError:
        print("client: cancelled while in wait_for")
        raise


async def main():
    c = asyncio.create_task(client(), name="client")
    await asyncio.sleep(0.03)
    c.cancel()
    try:
        await c
    except asyncio.CancelledError:
        print("main: client is cancelled")


asyncio.run(main())
