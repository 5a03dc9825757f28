// TaskGroup with Python 3.11's semantics: the first child error (handled one
// iteration after the child ends) cancels the siblings in creation order and
// then the body; ExceptionGroup is raised only once every child is done;
// create_task is refused while the group shuts down. Expected iteration
// numbers: CPython 3.11 (python3) with the iteration-counting Loop of
// docs/engine.md. CPython cancels the siblings in set order; the engine
// uses creation order (docs/engine.md), which the run below happens to share.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }

Coroutine worker(std::string name, double delay, bool fail = false) {
  try {
    co_await sleep(delay);
  } catch (const CancelledError&) {
    log(name + ": CancelledError");
    throw;
  }
  if (fail) {
    log(name + ": raise");
    throw ValueError(name);
  }
  log(name + ": done");
  co_return {};
}

Coroutine late(TaskGroup* tg) {
  try {
    co_await sleep(1);
  } catch (const CancelledError&) {
    try {
      tg->create_task(worker("new", 0));
    } catch (const RuntimeError& e) {
      std::string m = e.message();
      log("late: create_task refused: " + m.substr(m.find(' ') + 1));
    }
    throw;
  }
  co_return {};
}
}  // namespace

// async def late(tg):
//     try:
//         await asyncio.sleep(1)
//     except asyncio.CancelledError:
//         try: tg.create_task(worker("new", 0))
//         except RuntimeError as e: log(f"late: create_task refused: {str(e).split('> ')[-1]}")
//         raise
// async def main():
//     try:
//         async with asyncio.TaskGroup() as tg:
//             tg.create_task(worker("A", 1)); tg.create_task(late(tg))
//             tg.create_task(worker("B", 0.01, fail=True)); tg.create_task(worker("C", 0.02, fail=True))
//             try: await asyncio.sleep(1)
//             except asyncio.CancelledError: log("body: CancelledError"); raise
//     except* ValueError as eg:
//         log(f"main: {eg!r}")
//     log(f"main: cancelling()={asyncio.current_task().cancelling()}")
//     async with asyncio.TaskGroup() as tg:
//         a = tg.create_task(worker("ok1", 0.01)); b = tg.create_task(worker("ok2", 0.02))
//     log("main: group of successes exited")
TEST_CASE("a failing child makes the TaskGroup cancel its siblings in creation order, then the body, and refuse new tasks") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    try {
      co_await task_group(0, [](TaskGroup& tg) -> Coroutine {
        tg.create_task(worker("A", 1));
        tg.create_task(late(&tg));
        tg.create_task(worker("B", 0.01, true));
        tg.create_task(worker("C", 0.02, true));
        try {
          co_await sleep(1);
        } catch (const CancelledError&) {
          log("body: CancelledError");
          throw;
        }
        co_return {};
      });
    } catch (const ExceptionGroup& eg) {
      if (!eg.split<ValueError>()) throw;
      log("main: " + eg.repr());
    }
    log("main: cancelling()=" + std::to_string(current_task()->cancelling()));
    co_await task_group(0, [](TaskGroup& tg) -> Coroutine {
      tg.create_task(worker("ok1", 0.01));
      tg.create_task(worker("ok2", 0.02));
      co_return {};
    });
    log("main: group of successes exited");
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 4] B: raise", "[it 6] A: CancelledError", "[it 6] late: create_task refused: is shutting down",
              "[it 6] C: CancelledError", "[it 6] body: CancelledError",
              "[it 8] main: ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('B')])",
              "[it 8] main: cancelling()=0", "[it11] ok1: done", "[it14] ok2: done",
              "[it16] main: group of successes exited"});
  // Task ids: main 0, A 1, late 2, B 3, C 4. Siblings in creation order, then the body (main).
  std::vector<int32_t> cancelled;
  for (const Event& e : o.events)
    if (e.kind == Ev::task_cancel) cancelled.push_back(e.task);
  CHECK(cancelled == std::vector<int32_t>{1, 2, 4, 0});
  // The refused create_task made no task: seven tasks in all (main, four, ok1, ok2).
  CHECK(o.count(Ev::task_new) == 7);
  check_clean(o);
}

// async def slow_to_die():
//     try: await asyncio.sleep(1)
//     except asyncio.CancelledError:
//         log("slow_to_die: cleaning up for 30 ms"); await asyncio.sleep(0.03); log("slow_to_die: re-raise"); raise
// async def bad():
//     await asyncio.sleep(0.01); log("bad: raise"); raise ValueError("bad")
// async def main():
//     try:
//         async with asyncio.TaskGroup() as tg:
//             tg.create_task(slow_to_die()); tg.create_task(bad())
//         log("not reached")
//     except* ValueError as eg: log(f"main: {eg!r}")
//     try:
//         async with asyncio.TaskGroup() as tg:
//             tg.create_task(bad())
//             raise RuntimeError("body")
//     except* (RuntimeError, ValueError) as eg: log(f"main: body error {eg!r}")
TEST_CASE("the ExceptionGroup waits for a child that takes its time to finish cancelling, and a body error joins the group") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    auto bad = []() -> Coroutine {
      co_await sleep(0.01);
      log("bad: raise");
      throw ValueError("bad");
      co_return {};
    };
    try {
      co_await task_group(0, [&](TaskGroup& tg) -> Coroutine {
        tg.create_task([]() -> Coroutine {
          try {
            co_await sleep(1);
          } catch (const CancelledError&) {
            log("slow_to_die: cleaning up for 30 ms");
          }
          co_await sleep(0.03);
          log("slow_to_die: re-raise");
          throw CancelledError();
          co_return {};
        }());
        tg.create_task(bad());
        co_return {};
      });
      log("not reached");
    } catch (const ExceptionGroup& eg) {
      log("main: " + eg.repr());
    }
    try {
      co_await task_group(0, [&](TaskGroup& tg) -> Coroutine {
        tg.create_task(bad());
        throw RuntimeError("body");
        co_return {};
      });
    } catch (const ExceptionGroup& eg) {
      log("main: body error " + eg.repr());
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 4] bad: raise", "[it 6] slow_to_die: cleaning up for 30 ms", "[it 8] slow_to_die: re-raise",
              "[it10] main: ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('bad')])",
              "[it13] main: body error ExceptionGroup('unhandled errors in a TaskGroup', [RuntimeError('body')])"});
  check_clean(o);
}

TEST_CASE("create_task on a TaskGroup that has finished is refused") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    TaskGroup tg;
    std::exception_ptr none;
    co_await tg.aexit(none, 0);
    CHECK_THROWS_WITH_AS(tg.create_task([]() -> Coroutine { co_return {}; }()), "TaskGroup is finished", RuntimeError);
    co_return {};
  });
  CHECK(o.error == "");
  check_clean(o);
}
