"""A task that cancels itself and returns without awaiting again: cancel() of
the running task only marks it (Task._must_cancel: it awaits nothing to cancel),
the coroutine returns normally, and Task.__step, seeing StopIteration with
_must_cancel set, marks the task cancelled and drops its return value. No
CancelledError is ever raised inside the coroutine. A second task cancels
itself and then yields (sleep(0)): its next step throws CancelledError in."""
import asyncio


async def job():
    await asyncio.sleep(0.01)
    asyncio.current_task().cancel()  # asks to cancel itself...
    return "finished anyway"         # ...and returns: the value is dropped


async def yields_after():
    asyncio.current_task().cancel()
    try:
        await asyncio.sleep(0)       # a bare yield: the next step throws CancelledError in
    except asyncio.CancelledError:
        print("yields_after: CancelledError at its await")
        raise


async def main():
    t = asyncio.create_task(job(), name="job")
    u = asyncio.create_task(yields_after(), name="yields_after")
    await asyncio.sleep(0.02)
    print("job cancelled:", t.cancelled(), "yields_after cancelled:", u.cancelled())


asyncio.run(main())
