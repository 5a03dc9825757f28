"""A retry loop around asyncio.timeout: the first two attempts time out, the third
answers. Each timeout cancels main (Timeout._on_timeout) and Timeout.__aexit__
uncancels it before raising TimeoutError, so main is cancelled twice, once per
timed-out attempt."""
import asyncio


async def poll_sensor(delay):
    await asyncio.sleep(delay)
    return 42


async def main():
    for attempt, delay in enumerate((1, 1, 0), start=1):
        try:
            async with asyncio.timeout(0.01):
                value = await poll_sensor(delay)
            print("attempt", attempt, "value", value)
        except TimeoutError:
            print("attempt", attempt, "timed out")


asyncio.run(main())
