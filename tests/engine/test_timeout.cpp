// wait_for and timeout with Python 3.11's semantics: on timeout the inner
// work sees CancelledError at its await, and TimeoutError is raised only
// after it has finished cancelling. Expected iteration numbers: CPython 3.11
// (python3 3.11.7) with the iteration-counting Loop of docs/engine.md.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }

Coroutine slow(std::string name, double delay = 1) {
  try {
    co_await sleep(delay);
  } catch (const CancelledError&) {
    log(name + ": CancelledError");
    throw;
  }
  log(name + ": done");
  co_return name;
}
Coroutine stubborn() {
  try {
    co_await sleep(1);
  } catch (const CancelledError&) {
    log("stubborn: swallow CancelledError");
    co_return "partial";
  }
  co_return {};
}
}  // namespace

// async def slow(name, delay=1):
//     try:
//         await asyncio.sleep(delay)
//     except asyncio.CancelledError:
//         log(f"{name}: CancelledError"); raise
//     log(f"{name}: done"); return name
// async def stubborn():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError: log("stubborn: swallow CancelledError"); return "partial"
// async def main():
//     try: await asyncio.wait_for(slow("w1"), 0.02)
//     except TimeoutError as e: log(f"main: wait_for raised {e!r}")
//     log(f"main: wait_for in time -> {await asyncio.wait_for(slow('w2', 0.01), 0.5)!r}")
//     log(f"main: wait_for stubborn -> {await asyncio.wait_for(stubborn(), 0.02)!r}")
//     try: await asyncio.wait_for(slow("w0"), 0)
//     except TimeoutError as e: log(f"main: wait_for(0) raised {e!r}")
//     try:
//         async with asyncio.timeout(0.02):
//             await slow("t1")
//     except TimeoutError as e: log(f"main: timeout raised {e!r}, cancelling={asyncio.current_task().cancelling()}")
//     async with asyncio.timeout(0.5) as cm:
//         await slow("t2", 0.01)
//     log(f"main: timeout not reached, expired={cm.expired()}")
//     try:
//         async with asyncio.timeout(0):
//             log("main: body of timeout(0) runs")
//             await asyncio.sleep(0)
//             log("main: not reached")
//     except TimeoutError: log("main: timeout(0) raised TimeoutError")
TEST_CASE("wait_for and timeout raise TimeoutError after the inner work saw CancelledError, at CPython's iterations") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    try {
      co_await wait_for(slow("w1"), 0.02);
    } catch (const TimeoutError& e) {
      log("main: wait_for raised " + e.repr());
    }
    Value v = co_await wait_for(slow("w2", 0.01), 0.5);
    log("main: wait_for in time -> " + v.repr());
    v = co_await wait_for(stubborn(), 0.02);
    log("main: wait_for stubborn -> " + v.repr());
    try {
      co_await wait_for(slow("w0"), 0);
    } catch (const TimeoutError& e) {
      log("main: wait_for(0) raised " + e.repr());
    }
    try {
      co_await timeout(0.02, 0, [](Timeout&) -> Coroutine { co_await slow("t1"); co_return {}; });
    } catch (const TimeoutError& e) {
      log("main: timeout raised " + e.repr() + ", cancelling=" + std::to_string(current_task()->cancelling()));
    }
    bool expired = true;
    co_await timeout(0.5, 0, [&](Timeout& cm) -> Coroutine {
      co_await slow("t2", 0.01);
      expired = cm.expired();
      co_return {};
    });
    log(std::string("main: timeout not reached, expired=") + (expired ? "True" : "False"));
    try {
      co_await timeout(0, 0, [](Timeout&) -> Coroutine {
        log("main: body of timeout(0) runs");
        co_await sleep(0);
        log("main: not reached");
        co_return {};
      });
    } catch (const TimeoutError&) {
      log("main: timeout(0) raised TimeoutError");
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 5] w1: CancelledError", "[it 7] main: wait_for raised TimeoutError()", "[it10] w2: done",
              "[it12] main: wait_for in time -> 'w2'", "[it16] stubborn: swallow CancelledError",
              "[it18] main: wait_for stubborn -> 'partial'", "[it21] main: wait_for(0) raised TimeoutError()",
              "[it23] t1: CancelledError", "[it23] main: timeout raised TimeoutError(), cancelling=0",
              "[it25] t2: done", "[it25] main: timeout not reached, expired=False",
              "[it25] main: body of timeout(0) runs", "[it26] main: timeout(0) raised TimeoutError"});
  check_clean(o);
}

// async def guarded():
//     try: await asyncio.wait_for(slow("inner"), 1)
//     except asyncio.CancelledError: log("guarded: CancelledError"); raise
// async def timed():
//     try:
//         async with asyncio.timeout(1):
//             await slow("timed")
//     except TimeoutError: log("timed: TimeoutError (wrong)")
// async def main():
//     t = asyncio.create_task(guarded())
//     await asyncio.sleep(0.02)
//     log("main: cancel guarded"); t.cancel()
//     try: await t
//     except asyncio.CancelledError: log(f"main: guarded cancelled={t.cancelled()}")
//     u = asyncio.create_task(timed())
//     await asyncio.sleep(0.02)
//     log("main: cancel timed"); u.cancel()
//     try: await u
//     except asyncio.CancelledError: log(f"main: timed cancelled={u.cancelled()}")
TEST_CASE("cancelling a task inside wait_for or timeout cancels the inner work and propagates CancelledError, not TimeoutError") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& t = create_task([]() -> Coroutine {
      try {
        co_await wait_for(slow("inner"), 1);
      } catch (const CancelledError&) {
        log("guarded: CancelledError");
        throw;
      }
      co_return {};
    }());
    co_await sleep(0.02);
    log("main: cancel guarded");
    t.cancel();
    try {
      co_await t;
    } catch (const CancelledError&) {
      log(std::string("main: guarded cancelled=") + (t.cancelled() ? "True" : "False"));
    }
    Task& u = create_task([]() -> Coroutine {
      try {
        co_await timeout(1, 0, [](Timeout&) -> Coroutine { co_await slow("timed"); co_return {}; });
      } catch (const TimeoutError&) {
        log("timed: TimeoutError (wrong)");
      }
      co_return {};
    }());
    co_await sleep(0.02);
    log("main: cancel timed");
    u.cancel();
    try {
      co_await u;
    } catch (const CancelledError&) {
      log(std::string("main: timed cancelled=") + (u.cancelled() ? "True" : "False"));
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 5] main: cancel guarded", "[it 7] inner: CancelledError", "[it 9] guarded: CancelledError",
              "[it10] main: guarded cancelled=True", "[it13] main: cancel timed", "[it14] timed: CancelledError",
              "[it15] main: timed cancelled=True"});
  check_clean(o);
}

TEST_CASE("a wait_for that finishes in time disarms its timer, and the trace shows the timer armed and cancelled") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Value v = co_await wait_for(slow("quick", 0.01), 5);
    CHECK(v.repr() == "'quick'");
    co_return {};
  });
  CHECK(o.error == "");
  // Two timers: wait_for's 5 s deadline (cancelled) and the child's sleep (fired).
  CHECK(o.count(Ev::timer_arm) == 2);
  CHECK(o.count(Ev::timer_cancel) == 1);
  CHECK(o.count(Ev::timer_fire) == 1);
  check_clean(o);
}

TEST_CASE("wait_for with no timeout awaits a coroutine inline, without a new task") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Value v = co_await wait_for(slow("inline", 0.01), std::nullopt);
    CHECK(v.repr() == "'inline'");
    co_return {};
  });
  CHECK(o.count(Ev::task_new) == 1);  // main only
  check_clean(o);
}

TEST_CASE("a timeout rescheduled further away does not fire, and one rescheduled to now fires at the next iteration") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    co_await timeout(0.01, 0, [](Timeout& cm) -> Coroutine {
      cm.reschedule(5);
      co_await sleep(0.03);
      CHECK_FALSE(cm.expired());
      co_return {};
    });
    bool timed_out = false;
    try {
      co_await timeout(std::nullopt, 0, [](Timeout& cm) -> Coroutine {
        cm.reschedule(0);
        co_await sleep(1);
        co_return {};
      });
    } catch (const TimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    co_return {};
  });
  CHECK(o.error == "");
  check_clean(o);
}
