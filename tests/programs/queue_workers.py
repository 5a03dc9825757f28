"""An asyncio.Queue with maxsize 2, made and given an item before the loop
runs: a producer puts 5 items (waiting while the queue is full), two workers
get, print and task_done them, main joins the queue and cancels the workers.
One item is put from a plain callback (loop.call_soon: no task); a get from
the empty queue and a put into the full one are refused; a LifoQueue and a
PriorityQueue are used briefly. Every print tells what entered or left a
queue and its size after."""
import asyncio

jobs = asyncio.Queue(maxsize=2)  # made before the loop starts (allowed since 3.10)


def said(who, queue, verb, item, q):
    print("%s: %s %s %r size %d" % (who, queue, verb, item, q.qsize()))


async def producer():
    for i in range(5):
        await jobs.put("job%d" % i)  # waits while the queue is full
        said("producer", "jobs", "put", "job%d" % i, jobs)
        await asyncio.sleep(0.001)


async def worker(name, delay):
    while True:
        job = await jobs.get()
        said(name, "jobs", "got", job, jobs)
        await asyncio.sleep(delay)  # the workers' delays differ: no two timers fall due together
        jobs.task_done()


def from_callback():
    jobs.put_nowait("extra")  # no task runs a plain callback
    said("callback", "jobs", "put", "extra", jobs)


async def main():
    workers = [asyncio.create_task(worker("w0", 0.02)), asyncio.create_task(worker("w1", 0.035))]
    asyncio.get_running_loop().call_soon(from_callback)
    await producer()
    await jobs.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    try:
        jobs.get_nowait()
    except asyncio.QueueEmpty:
        print("main: jobs is empty")
    for x in ("x1", "x2", "x3"):
        try:
            jobs.put_nowait(x)
            said("main", "jobs", "put", x, jobs)
        except asyncio.QueueFull:
            print("main: jobs is full")
    while not jobs.empty():
        said("main", "jobs", "got", jobs.get_nowait(), jobs)

    stack = asyncio.LifoQueue()
    for x in ("a", "b"):
        stack.put_nowait(x)
        said("main", "stack", "put", x, stack)
    while not stack.empty():
        said("main", "stack", "got", await stack.get(), stack)

    ranked = asyncio.PriorityQueue()
    for x in ((2, "two"), (1, "one")):
        await ranked.put(x)
        said("main", "ranked", "put", x, ranked)
    while not ranked.empty():
        said("main", "ranked", "got", ranked.get_nowait(), ranked)


jobs.put_nowait("early")  # no loop runs yet
said("module", "jobs", "put", "early", jobs)
asyncio.run(main())
