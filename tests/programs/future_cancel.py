"""A plain Future cancelled by the program (fut.cancel()), not a task: the
task awaiting it wakes with CancelledError raised at its await, though
nobody called cancel() on that task (cancelling() stays 0). Then main cancels
a second waiter with Task.cancel(), which cancels the future it awaits: that
wakeup is the task's cancellation."""
import asyncio


async def waiter(fut, name):
    try:
        await fut
    except asyncio.CancelledError:
        print(name, "saw CancelledError; cancelling() =", asyncio.current_task().cancelling())
        raise


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    t = asyncio.create_task(waiter(fut, "w1"), name="w1")
    other = loop.create_future()
    u = asyncio.create_task(waiter(other, "w2"), name="w2")
    await asyncio.sleep(0.01)
    fut.cancel()  # Future.cancel(): w1 is not cancelled, its await raises
    u.cancel()    # Task.cancel(): w2 is cancelled, which cancels the future it awaits
    await asyncio.gather(t, u, return_exceptions=True)
    print("w1 cancelled:", t.cancelled(), "w2 cancelled:", u.cancelled())


asyncio.run(main())
