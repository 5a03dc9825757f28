// Cancellation with asyncio 3.11's rules: Task.cancel() cancels what the task
// awaits (CancelledError arrives at the await one iteration later), or makes
// the next step throw; cancelling()/uncancel() count requests; a task may
// catch CancelledError and carry on. Expected iteration numbers: CPython 3.11
// (python3) with the iteration-counting Loop of docs/engine.md.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }
std::string py(bool b) { return b ? "True" : "False"; }

Coroutine never(bool* ran) {
  *ran = true;
  log("never: ran");
  co_return {};
}
Coroutine stubborn() {
  try {
    co_await sleep(1);
  } catch (const CancelledError&) {
    log("stubborn: caught CancelledError, continuing");
  }
  co_await sleep(0.02);
  log("stubborn: finished");
  co_return "kept going";
}
Coroutine inner() {
  try {
    co_await sleep(1);
  } catch (const CancelledError&) {
    log("inner: CancelledError");
    throw;
  }
  co_return {};
}
Coroutine outer(Task* t) {
  try {
    co_await *t;
  } catch (const CancelledError&) {
    log("outer: CancelledError");
    throw;
  }
  co_return {};
}
}  // namespace

// async def never(): log("never: ran")
// async def stubborn():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: log("stubborn: caught CancelledError, continuing")
//     await asyncio.sleep(0.02)
//     log("stubborn: finished"); return "kept going"
// async def inner():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: log("inner: CancelledError"); raise
// async def outer(t):
//     try: await t
//     except asyncio.CancelledError: log("outer: CancelledError"); raise
// async def main():
//     t = asyncio.create_task(never())
//     log(f"main: cancel() -> {t.cancel()}")
//     await asyncio.sleep(0)
//     log(f"main: never cancelled={t.cancelled()}")
//     s = asyncio.create_task(stubborn())
//     await asyncio.sleep(0)
//     log(f"main: cancel stubborn -> {s.cancel()}, cancelling={s.cancelling()}")
//     r = await s
//     log(f"main: stubborn returned {r!r}, cancelled={s.cancelled()}, cancelling={s.cancelling()}, uncancel={s.uncancel()}")
//     i = asyncio.create_task(inner()); o = asyncio.create_task(outer(i))
//     await asyncio.sleep(0)
//     log("main: cancel outer"); o.cancel()
//     try: await o
//     except asyncio.CancelledError: log(f"main: outer cancelled={o.cancelled()}, inner cancelled={i.cancelled()}")
//     log(f"main: cancel done task -> {t.cancel()}")
TEST_CASE("cancel before the first step, a task that swallows CancelledError, and a cancel that reaches an awaited task") {
  Trace trace;
  bool never_ran = false;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Task& t = create_task(never(&never_ran));
    log("main: cancel() -> " + py(t.cancel()));
    co_await sleep(0);
    log("main: never cancelled=" + py(t.cancelled()));
    Task& s = create_task(stubborn());
    co_await sleep(0);
    bool c = s.cancel();
    log("main: cancel stubborn -> " + py(c) + ", cancelling=" + std::to_string(s.cancelling()));
    Value r = co_await s;
    std::string line = "main: stubborn returned " + r.repr() + ", cancelled=" + py(s.cancelled()) +
                       ", cancelling=" + std::to_string(s.cancelling());
    log(line + ", uncancel=" + std::to_string(s.uncancel()));
    Task& i = create_task(inner());
    Task& ot = create_task(outer(&i));
    co_await sleep(0);
    log("main: cancel outer");
    ot.cancel();
    try {
      co_await ot;
    } catch (const CancelledError&) {
      log("main: outer cancelled=" + py(ot.cancelled()) + ", inner cancelled=" + py(i.cancelled()));
    }
    log("main: cancel done task -> " + py(t.cancel()));
    co_return {};
  });
  CHECK(o.error == "");
  CHECK_FALSE(never_ran);
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 1] main: cancel() -> True",
              "[it 2] main: never cancelled=True",
              "[it 3] main: cancel stubborn -> True, cancelling=1",
              "[it 4] stubborn: caught CancelledError, continuing",
              "[it 6] stubborn: finished",
              "[it 7] main: stubborn returned 'kept going', cancelled=False, cancelling=1, uncancel=0",
              "[it 8] main: cancel outer",
              "[it 9] inner: CancelledError",
              "[it10] outer: CancelledError",
              "[it11] main: outer cancelled=True, inner cancelled=True",
              "[it11] main: cancel done task -> False"});
  check_clean(o);
}

TEST_CASE("task.cancel is traced with the cancelling task, and the cancelled task ends with outcome cancelled") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& t = create_task(inner().named("victim"));
    co_await sleep(0);
    t.cancel("enough");
    try {
      co_await t;
    } catch (const CancelledError& e) {
      CHECK(e.message() == "enough");  // the message travels with the CancelledError
    }
    co_return {};
  });
  int cancels = 0;
  for (const Event& e : o.events) {
    if (e.kind == Ev::task_cancel) {
      ++cancels;
      CHECK(e.task == 1);
      CHECK(e.ref == 0);  // by main
    }
    if (e.kind == Ev::task_done && e.task == 1) CHECK(Outcome(e.code) == Outcome::cancelled);
  }
  CHECK(cancels == 1);
  check_clean(o);
}

TEST_CASE("cancel() called twice counts two requests, and a task cancelled by asyncio.run at the end is cancelled") {
  Trace trace;
  int32_t left = -1;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Task& t = create_task(stubborn());
    co_await sleep(0);
    t.cancel();
    t.cancel();
    CHECK(t.cancelling() == 2);
    CHECK(t.uncancel() == 1);
    left = create_task(inner().named("left running")).id();
    co_await sleep(0);
    co_return {};
  });
  CHECK(o.error == "");
  bool left_cancelled = false;
  for (const Event& e : o.events)
    if (e.kind == Ev::task_done && e.task == left)
      left_cancelled = Outcome(e.code) == Outcome::cancelled;
  CHECK(left_cancelled);
  check_clean(o);
}
