// Futures: done-callbacks go through call_soon, so a future completed in
// iteration k runs its callbacks (and wakes its awaiters) in k+1.
//
// Expected iteration numbers come from CPython 3.11 (python3 here) running the
// quoted program with the reference programs' iteration-counting loop:
//   class Loop(asyncio.SelectorEventLoop):
//       it = 0
//       def _run_once(self): Loop.it += 1; super()._run_once()
//   def log(msg): print(f"[it{Loop.it:>2}] {msg}")
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }
}  // namespace

// async def main():
//     loop = asyncio.get_running_loop()
//     f = loop.create_future()
//     f.add_done_callback(lambda f: log("callback"))
//     log("set_result"); f.set_result(1)
//     await asyncio.sleep(0)
//     log("main after sleep(0)")
//     g = loop.create_future()
//     loop.call_later(0.02, lambda: (log("timer: set_result"), g.set_result(7)))
//     log(f"main: got {await g}")
TEST_CASE("a future's done-callback runs in the iteration after set_result, before a task that yielded after it") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Loop& loop = running_loop();
    Future* f = loop.make<Future>();
    f->add_done_callback([](void*, void*) { log("callback"); }, nullptr, -1, "log callback");
    log("set_result");
    f->set_result(1);
    co_await sleep(0);
    log("main after sleep(0)");
    Future* g = loop.make<Future>();
    call_later(0.02, [g] {
      log("timer: set_result");
      g->set_result(7);
    });
    Value v = co_await *g;
    log("main: got " + v.repr());
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 1] set_result", "[it 2] callback", "[it 2] main after sleep(0)", "[it 3] timer: set_result",
              "[it 4] main: got 7"});
  check_clean(o);
}

TEST_CASE("a done-callback added to a finished future is scheduled at once, not run inline") {
  Trace trace;
  std::vector<uint32_t> ran;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Future* f = running_loop().make<Future>();
    f->set_result(1);
    f->add_done_callback([](void* v, void*) { static_cast<std::vector<uint32_t>*>(v)->push_back(running_loop().iteration()); },
                         &ran, -1, "late callback");
    CHECK(ran.empty());
    co_await sleep(0);
    co_return {};
  });
  CHECK(ran == std::vector<uint32_t>{2});
  check_clean(o);
}

TEST_CASE("result() raises the exception, a cancelled future raises CancelledError, a pending one InvalidStateError") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Loop& loop = running_loop();
    Future* f = loop.make<Future>();
    CHECK_THROWS_AS(f->result(), InvalidStateError);
    f->set_exception(std::make_exception_ptr(ValueError("bad")));
    CHECK_THROWS_AS(f->result(), ValueError);
    CHECK_THROWS_AS(f->set_result(1), InvalidStateError);
    Future* c = loop.make<Future>();
    CHECK(c->cancel("why"));
    CHECK_FALSE(c->cancel());
    try {
      c->result();
      FAIL("result() of a cancelled future must raise");
    } catch (const CancelledError& e) {
      CHECK(e.message() == "why");
    }
    co_return {};
  });
  CHECK(o.error == "");
  check_clean(o);
}

TEST_CASE("remove_done_callback drops a callback that has not been scheduled yet") {
  Trace trace;
  int calls = 0;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Future* f = running_loop().make<Future>();
    ReadyHandle::Fn count = [](void* n, void*) { ++*static_cast<int*>(n); };
    f->add_done_callback(count, &calls, -1, "count");
    f->add_done_callback(count, &calls, -1, "count");
    CHECK(f->remove_done_callback(count, &calls) == 2);
    f->set_result(1);
    co_await sleep(0);
    co_return {};
  });
  CHECK(calls == 0);
  check_clean(o);
}
