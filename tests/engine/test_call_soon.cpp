// Plain callbacks: loop.call_soon / loop.call_later as a listing uses them.
// Expected iteration numbers: CPython 3.11 (python3) with the
// iteration-counting Loop of docs/engine.md.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
void log(const std::string& msg) { print(0, msg); }
}  // namespace

// async def main():
//     loop = asyncio.get_running_loop()
//     loop.call_soon(lambda: log("soon"))
//     h = loop.call_soon(lambda: log("cancelled soon (not printed)")); h.cancel()
//     t = loop.call_later(0.5, lambda: log("cancelled later (not printed)"))
//     loop.call_later(0.03, lambda: log("later"))
//     await asyncio.sleep(0)
//     log("main: cancel timer"); t.cancel()
//     await asyncio.sleep(0.1)
//     log("main: end")
TEST_CASE("call_soon runs in the next iteration, call_later when due, and a cancelled handle does nothing") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    call_soon([] { log("soon"); }, "soon");
    call_soon([] { log("cancelled soon (not printed)"); }, "cancelled soon").cancel();
    CallbackHandle& t = call_later(0.5, [] { log("cancelled later (not printed)"); }, "cancelled later");
    call_later(0.03, [] { log("later"); }, "later");
    co_await sleep(0);
    log("main: cancel timer");
    t.cancel();
    co_await sleep(0.1);
    log("main: end");
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        std::vector<std::string>{"[it 2] soon", "[it 2] main: cancel timer", "[it 3] later", "[it 5] main: end"});
  // Plain callbacks carry no task and the cause call_soon; the cancelled timer never fires.
  for (const Event& e : o.events)
    if (e.kind == Ev::ready_push && e.s1 && std::string_view(e.s1) == "soon") {
      CHECK(e.task == -1);
      CHECK(Cause(e.code) == Cause::call_soon);
    }
  CHECK(o.count(Ev::timer_cancel) == 1);
  CHECK(o.count(Ev::timer_fire) == 2);  // "later" and main's sleep(0.1)
  check_clean(o);
}

TEST_CASE("an exception in a plain callback ends the run with that error, and the loop still closes cleanly") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    call_soon([] { throw ValueError("in callback"); }, "faulty");
    co_await sleep(1);
    co_return {};
  });
  CHECK(o.error == "ValueError('in callback')");
  check_clean(o);
}
