// Tasks: a task steps once per ready-queue handle, wakes one iteration after
// what it awaits completes, and passes its result or exception to whoever
// awaits it. Expected iteration numbers: CPython 3.11 (python3) running the
// quoted programs with the iteration-counting Loop of docs/engine.md.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }

Coroutine waiter(Future* f) {
  log("waiter: await f");
  Value v = co_await *f;
  log("waiter: got " + v.repr());
  co_return Value(v.integer() * 2);
}
Coroutine fail() {
  log("fail: raise");
  throw ValueError("boom");
  co_return {};
}
}  // namespace

// async def waiter(f):
//     log("waiter: await f"); v = await f; log(f"waiter: got {v}"); return v * 2
// async def main():
//     loop = asyncio.get_running_loop()
//     f = loop.create_future()
//     t = asyncio.create_task(waiter(f))
//     await asyncio.sleep(0)
//     log("main: set_result(21)"); f.set_result(21)
//     log(f"main: task returned {await t}")
//     log(f"main: current_task is main: {asyncio.current_task().get_name()}")
//     loop.call_soon(lambda: log(f"callback: current_task={asyncio.current_task()}"))
//     await asyncio.sleep(0)
//     async def fail(): log("fail: raise"); raise ValueError("boom")
//     t2 = asyncio.create_task(fail())
//     try: await t2
//     except ValueError as e: log(f"main: caught {e!r}")
TEST_CASE("a task awaiting a future wakes one iteration after it completes, and results and errors reach the awaiter") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Future* f = running_loop().make<Future>();
    Task& t = create_task(waiter(f));
    co_await sleep(0);
    log("main: set_result(21)");
    f->set_result(21);
    Value r = co_await t;
    log("main: task returned " + r.repr());
    log("main: current_task is main: " + current_task()->name());
    call_soon([] { log(std::string("callback: current_task=") + (current_task() ? current_task()->name() : "None")); });
    co_await sleep(0);
    Task& t2 = create_task(fail());
    try {
      co_await t2;
    } catch (const ValueError& e) {
      log("main: caught " + e.repr());
    }
    co_return {};
  });
  CHECK(o.error == "");
  // CPython names the main task Task-1; the engine's run_main names it "main".
  CHECK(o.prints_with_iterations() == Lines{"[it 2] waiter: await f", "[it 2] main: set_result(21)",
                                            "[it 3] waiter: got 21", "[it 4] main: task returned 42",
                                            "[it 4] main: current_task is main: main",
                                            "[it 5] callback: current_task=None", "[it 6] fail: raise",
                                            "[it 7] main: caught ValueError('boom')"});
  check_clean(o);
}

TEST_CASE("a task's steps are traced with the wait kind of what it awaits next") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& t = create_task([]() -> Coroutine {
      co_await sleep(0.01);
      co_return {};
    }());
    co_await t;
    co_return {};
  });
  std::vector<Wait> main_waits;
  for (const Event& e : o.events)
    if (e.kind == Ev::step_end && e.task == 0) main_waits.push_back(Wait(e.code));
  CHECK(main_waits == std::vector<Wait>{Wait::task, Wait::none});
  check_clean(o);
}

TEST_CASE("an exception raised by main reaches the caller of run, and the run still closes cleanly") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    co_await sleep(0);
    throw RuntimeError("main failed");
    co_return {};
  });
  CHECK(o.error == "RuntimeError('main failed')");
  check_clean(o);
}
