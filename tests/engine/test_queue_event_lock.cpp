// Queue, Event, Lock and Semaphore: every wait is a future completed by
// put/get/set/release, so a blocked task wakes one iteration after the call
// that unblocks it, exactly as in CPython. Expected iteration numbers: CPython
// 3.11 (python3) running the quoted programs with the iteration-counting Loop
// of docs/engine.md.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }
std::string str(size_t n) { return std::to_string(n); }

// The `wait` kinds a task's step.end events report, in order.
std::vector<Wait> waits_of(const RunOutcome& o, int32_t task) {
  std::vector<Wait> out;
  for (const Event& e : o.events)
    if (e.kind == Ev::step_end && e.task == task) out.push_back(Wait(e.code));
  return out;
}
bool has_wait(const RunOutcome& o, Wait w) {
  for (const Event& e : o.events)
    if (e.kind == Ev::step_end && Wait(e.code) == w) return true;
  return false;
}
}  // namespace

// [SECTION] Queue

// async def producer(q, n):
//     for i in range(n):
//         log(f"producer: put({i})"); await q.put(i); log(f"producer: put({i}) returned, qsize={q.qsize()}")
// async def consumer(q, n):
//     for _ in range(n):
//         await asyncio.sleep(0.02)
//         v = await q.get(); log(f"consumer: got {v}"); q.task_done()
// async def main():
//     q = asyncio.Queue(maxsize=2)
//     p = asyncio.create_task(producer(q, 4)); c = asyncio.create_task(consumer(q, 4))
//     await asyncio.sleep(0); await q.join(); log("main: join returned")
//     await asyncio.gather(p, c)
TEST_CASE("a producer blocks on a full queue until a consumer gets, and join waits for every task_done") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Queue q(2);
    Task& p = create_task([](Queue q) -> Coroutine {
      for (int i = 0; i < 4; ++i) {
        log("producer: put(" + std::to_string(i) + ")");
        co_await q.put(i);
        log("producer: put(" + std::to_string(i) + ") returned, qsize=" + str(q.qsize()));
      }
      co_return {};
    }(q));
    Task& c = create_task([](Queue q) -> Coroutine {
      for (int i = 0; i < 4; ++i) {
        co_await sleep(0.02);
        Value v = co_await q.get();
        log("consumer: got " + v.repr());
        q.task_done();
      }
      co_return {};
    }(q));
    co_await sleep(0);
    co_await q.join();
    log("main: join returned");
    co_await gather(p, c);
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 2] producer: put(0)", "[it 2] producer: put(0) returned, qsize=1", "[it 2] producer: put(1)",
              "[it 2] producer: put(1) returned, qsize=2", "[it 2] producer: put(2)", "[it 4] consumer: got 0",
              "[it 5] producer: put(2) returned, qsize=2", "[it 5] producer: put(3)", "[it 7] consumer: got 1",
              "[it 8] producer: put(3) returned, qsize=2", "[it10] consumer: got 2", "[it12] consumer: got 3",
              "[it13] main: join returned"});
  // The producer's blocked puts and main's join are traced as queue waits.
  std::vector<Wait> producer = waits_of(o, 1);
  CHECK(std::count(producer.begin(), producer.end(), Wait::queue) == 2);
  CHECK(waits_of(o, 0)[1] == Wait::queue);  // main: sleep(0) then join
  check_clean(o);
}

// async def main():
//     q = asyncio.Queue(maxsize=2)
//     try: q.get_nowait()
//     except asyncio.QueueEmpty: log("main: QueueEmpty")
//     q.put_nowait("a"); q.put_nowait("b")
//     try: q.put_nowait("c")
//     except asyncio.QueueFull: log("main: QueueFull")
//     log(f"main: get_nowait -> {q.get_nowait()!r}, full={q.full()}")
//     q2 = asyncio.Queue()
//     async def getter(name):
//         log(f"{name}: get"); v = await q2.get(); log(f"{name}: got {v!r}")
//     g1 = asyncio.create_task(getter("G1")); g2 = asyncio.create_task(getter("G2"))
//     await asyncio.sleep(0)
//     log("main: put_nowait x, y"); q2.put_nowait("x"); q2.put_nowait("y")
//     await asyncio.gather(g1, g2)
//     try: q.task_done(); q.task_done(); q.task_done()
//     except ValueError as e: log(f"main: {e}")
TEST_CASE("put_nowait and get_nowait raise QueueFull and QueueEmpty, and blocked getters are served in FIFO order") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Queue q(2);
    try {
      q.get_nowait();
    } catch (const QueueEmpty&) {
      log("main: QueueEmpty");
    }
    q.put_nowait("a");
    q.put_nowait("b");
    try {
      q.put_nowait("c");
    } catch (const QueueFull&) {
      log("main: QueueFull");
    }
    Value a = q.get_nowait();
    log("main: get_nowait -> " + a.repr() + ", full=" + (q.full() ? "True" : "False"));
    Queue q2;
    auto getter = [](Queue q2, std::string name) -> Coroutine {
      log(name + ": get");
      Value v = co_await q2.get();
      log(name + ": got " + v.repr());
      co_return {};
    };
    Task& g1 = create_task(getter(q2, "G1"));
    Task& g2 = create_task(getter(q2, "G2"));
    co_await sleep(0);
    log("main: put_nowait x, y");
    q2.put_nowait("x");
    q2.put_nowait("y");
    co_await gather(g1, g2);
    try {
      q.task_done();
      q.task_done();
      q.task_done();
    } catch (const ValueError& e) {
      log("main: " + e.message());
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 1] main: QueueEmpty", "[it 1] main: QueueFull", "[it 1] main: get_nowait -> 'a', full=False",
              "[it 2] G1: get", "[it 2] G2: get", "[it 2] main: put_nowait x, y", "[it 3] G1: got 'x'",
              "[it 3] G2: got 'y'", "[it 5] main: task_done() called too many times"});
  check_clean(o);
}

TEST_CASE("a cancelled getter leaves the queue, and the item goes to the next getter") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Queue q;
    Task& first = create_task([](Queue q) -> Coroutine { co_return co_await q.get(); }(q));
    Task& second = create_task([](Queue q) -> Coroutine { co_return co_await q.get(); }(q));
    co_await sleep(0);
    first.cancel();
    q.put_nowait(7);  // wakes `first`'s future? No: cancel() already completed it, so `second` is woken
    Value v = co_await second;
    CHECK(v.repr() == "7");
    CHECK(first.cancelled());
    CHECK(q.empty());
    co_return {};
  });
  CHECK(o.error == "");
  check_clean(o);
}

// [SECTION] Event

// async def waiter(ev, name):
//     log(f"{name}: wait"); r = await ev.wait(); log(f"{name}: woke, wait() returned {r}")
// async def main():
//     ev = asyncio.Event()
//     ws = [asyncio.create_task(waiter(ev, n)) for n in ("E1", "E2")]
//     await asyncio.sleep(0)
//     log("main: set"); ev.set()
//     await asyncio.gather(*ws)
//     log(f"main: wait() on a set event -> {await ev.wait()}")
//     ev.clear(); log(f"main: cleared, is_set={ev.is_set()}")
//     w = asyncio.create_task(waiter(ev, "E3"))
//     await asyncio.sleep(0.02)
//     log("main: set again"); ev.set(); await w
TEST_CASE("Event.set wakes every waiter in the next iteration, and wait on a set event does not block") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    AsyncEvent ev;
    auto waiter = [](AsyncEvent ev, std::string name) -> Coroutine {
      log(name + ": wait");
      Value r = co_await ev.wait();
      log(name + ": woke, wait() returned " + r.repr());
      co_return {};
    };
    Task& e1 = create_task(waiter(ev, "E1"));
    Task& e2 = create_task(waiter(ev, "E2"));
    co_await sleep(0);
    log("main: set");
    ev.set();
    co_await gather(e1, e2);
    Value r = co_await ev.wait();
    log("main: wait() on a set event -> " + r.repr());
    ev.clear();
    log(std::string("main: cleared, is_set=") + (ev.is_set() ? "True" : "False"));
    Task& w = create_task(waiter(ev, "E3"));
    co_await sleep(0.02);
    log("main: set again");
    ev.set();
    co_await w;
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 2] E1: wait", "[it 2] E2: wait", "[it 2] main: set", "[it 3] E1: woke, wait() returned True",
              "[it 3] E2: woke, wait() returned True", "[it 5] main: wait() on a set event -> True",
              "[it 5] main: cleared, is_set=False", "[it 6] E3: wait", "[it 8] main: set again",
              "[it 9] E3: woke, wait() returned True"});
  CHECK(waits_of(o, 1).front() == Wait::event);
  check_clean(o);
}

// [SECTION] Lock

namespace {
Coroutine holder(Lock lock, std::string name, double hold) {
  log(name + ": acquire");
  co_await lock.acquire();
  try {
    log(name + ": acquired");
    co_await sleep(hold);
    log(name + ": release");
  } catch (...) {
    lock.release();
    throw;
  }
  lock.release();
  co_return {};
}
}  // namespace

// async def holder(lock, name, hold):
//     log(f"{name}: acquire"); await lock.acquire()
//     try:
//         log(f"{name}: acquired"); await asyncio.sleep(hold); log(f"{name}: release")
//     finally: lock.release()
// async def main():
//     lock = asyncio.Lock()
//     await lock.acquire(); log("main: acquired lock")
//     ts = [asyncio.create_task(holder(lock, n, 0.02)) for n in ("L1", "L2")]
//     await asyncio.sleep(0)
//     log("main: release, then acquire again at once"); lock.release()
//     await lock.acquire(); log("main: re-acquired (after L1 and L2)")
//     c = asyncio.create_task(holder(lock, "L3", 0)); d = asyncio.create_task(holder(lock, "L4", 0))
//     await asyncio.sleep(0)
//     log("main: cancel L3, release"); c.cancel(); lock.release()
//     await asyncio.gather(d, c, return_exceptions=True)
//     log(f"main: L3 cancelled={c.cancelled()}, locked={lock.locked()}")
//     try: lock.release()
//     except RuntimeError as e: log(f"main: {e}")
TEST_CASE("a Lock is fair: a task that releases and re-acquires at once queues behind the waiters") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Lock lock;
    co_await lock.acquire();
    log("main: acquired lock");
    create_task(holder(lock, "L1", 0.02));
    create_task(holder(lock, "L2", 0.02));
    co_await sleep(0);
    log("main: release, then acquire again at once");
    lock.release();
    co_await lock.acquire();
    log("main: re-acquired (after L1 and L2)");
    Task& c = create_task(holder(lock, "L3", 0));
    Task& d = create_task(holder(lock, "L4", 0));
    co_await sleep(0);
    log("main: cancel L3, release");
    c.cancel();
    lock.release();
    co_await gather(return_exceptions, d, c);
    log(std::string("main: L3 cancelled=") + (c.cancelled() ? "True" : "False") +
        ", locked=" + (lock.locked() ? "True" : "False"));
    try {
      lock.release();
    } catch (const RuntimeError& e) {
      log("main: " + e.message());
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 1] main: acquired lock", "[it 2] L1: acquire", "[it 2] L2: acquire",
              "[it 2] main: release, then acquire again at once", "[it 3] L1: acquired", "[it 5] L1: release",
              "[it 6] L2: acquired", "[it 8] L2: release", "[it 9] main: re-acquired (after L1 and L2)",
              "[it10] L3: acquire", "[it10] L4: acquire", "[it10] main: cancel L3, release", "[it12] L4: acquired",
              "[it13] L4: release", "[it15] main: L3 cancelled=True, locked=False",
              "[it15] main: Lock is not acquired."});
  CHECK(has_wait(o, Wait::lock));
  check_clean(o);
}

// [SECTION] Semaphore

// async def sem_worker(sem, name):
//     async with sem:
//         log(f"{name}: in")
//         await asyncio.sleep(0.02)
//         log(f"{name}: out")
// async def main():
//     sem = asyncio.Semaphore(2)
//     await asyncio.gather(*(sem_worker(sem, n) for n in ("S1", "S2", "S3")))
//     b = asyncio.BoundedSemaphore(1)
//     try: b.release()
//     except ValueError as e: log(f"main: {e}")
TEST_CASE("a Semaphore(2) lets two tasks in and the third waits for a release; a BoundedSemaphore refuses an extra release") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Semaphore sem(2);
    auto worker = [](Semaphore sem, std::string name) -> Coroutine {
      co_await async_with(sem, 0, [&]() -> Coroutine {
        log(name + ": in");
        co_await sleep(0.02);
        log(name + ": out");
        co_return {};
      });
      co_return {};
    };
    co_await gather(worker(sem, "S1"), worker(sem, "S2"), worker(sem, "S3"));
    BoundedSemaphore b(1);
    try {
      b.release();
    } catch (const ValueError& e) {
      log("main: " + e.message());
    }
    co_return {};
  });
  CHECK(o.error == "");
  // S1's and S2's sleeps are armed microseconds apart: they fire in the same
  // iteration even when a millisecond boundary of libuv's clock falls between
  // them (timers due within the loop's clock resolution of end_time, as in
  // _run_once; docs/engine.md).
  CHECK(o.prints_with_iterations() == Lines{"[it 2] S1: in", "[it 2] S2: in", "[it 4] S1: out", "[it 4] S2: out",
                                            "[it 5] S3: in", "[it 7] S3: out",
                                            "[it 9] main: BoundedSemaphore released too many times"});
  CHECK(has_wait(o, Wait::semaphore));
  check_clean(o);
}

TEST_CASE("async_with releases the lock when the body raises") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Lock lock;
    try {
      co_await async_with(lock, 0, []() -> Coroutine {
        co_await sleep(0);
        throw ValueError("inside");
        co_return {};
      });
    } catch (const ValueError&) {
    }
    CHECK_FALSE(lock.locked());
    co_return {};
  });
  CHECK(o.error == "");
  check_clean(o);
}
