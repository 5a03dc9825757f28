import asyncio

async def worker(name, delay, fail=False):
    print(f"{name}: start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: CancelledError at await"); raise
    if fail:
        print(f"{name}: raise ValueError"); raise ValueError(name)
    print(f"{name}: done")

async def main():
    tasks = [asyncio.create_task(worker(n, 1.0)) for n in ("S1", "S2", "S3")]
    tasks.append(asyncio.create_task(worker("BAD", 0.01, fail=True)))
    try:
        await asyncio.gather(*tasks)
    except ValueError as e:
        print(f"main: caught {e!r}")
    print(f"main: siblings cancelled: {sum(t.cancelled() for t in tasks)}")
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"main: siblings finished: {sum(t.done() for t in tasks[:3])}")

asyncio.run(main())
