// "Task exception was never retrieved": a task whose exception nobody
// retrieves (await, result(), exception(), gather, TaskGroup) produces one
// task.unretrieved event. CPython logs it when the task is garbage-collected;
// the engine reports it when the run ends (docs/engine.md).
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
Coroutine fail(std::string what) {
  throw ValueError(what);
  co_return {};
}
std::vector<std::string> unretrieved(const RunOutcome& o) {
  std::vector<std::string> out;
  for (const Event& e : o.events)
    if (e.kind == Ev::task_unretrieved) out.emplace_back(e.s1);
  return out;
}
}  // namespace

// async def fail(n): raise ValueError(n)
// async def main():
//     a = asyncio.create_task(fail("never retrieved"))
//     b = asyncio.create_task(fail("retrieved"))
//     c = asyncio.create_task(fail("cancel() after done"))
//     d = asyncio.create_task(fail("by gather"))
//     await asyncio.sleep(0.01)
//     b.exception(); c.cancel()
//     await asyncio.gather(d, return_exceptions=True)
// CPython 3.11 logs exactly one "Task exception was never retrieved", for
// ValueError('never retrieved'): Task.cancel() on a done task clears the flag too.
TEST_CASE("only the task whose exception nobody retrieved is reported, once") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    create_task(fail("never retrieved"));
    Task& b = create_task(fail("retrieved"));
    Task& c = create_task(fail("cancel() after done"));
    Task& d = create_task(fail("by gather"));
    co_await sleep(0.01);
    b.exception();
    CHECK_FALSE(c.cancel());
    co_await gather(return_exceptions, d);
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(unretrieved(o) == std::vector<std::string>{"ValueError('never retrieved')"});
  check_clean(o);
}

TEST_CASE("awaiting a failed task, or a TaskGroup collecting it, retrieves its exception") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& t = create_task(fail("awaited"));
    try {
      co_await t;
    } catch (const ValueError&) {
    }
    try {
      co_await task_group(0, [](TaskGroup& tg) -> Coroutine {
        tg.create_task(fail("in a group"));
        co_return {};
      });
    } catch (const ExceptionGroup&) {
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.count(Ev::task_unretrieved) == 0);
  check_clean(o);
}

TEST_CASE("a failed task that main never looks at is reported even when main itself fails") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    create_task(fail("background"));
    co_await sleep(0);
    throw RuntimeError("main");
    co_return {};
  });
  CHECK(o.error == "RuntimeError('main')");
  CHECK(unretrieved(o) == std::vector<std::string>{"ValueError('background')"});
  check_clean(o);
}
