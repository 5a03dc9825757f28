// gather: results in argument order; without return_exceptions the first
// error reaches the caller and the siblings keep running; cancelling the
// outer future cancels every child. Expected iteration numbers: CPython 3.11
// (python3) with the iteration-counting Loop of docs/engine.md.
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }

Coroutine child(std::string name, double delay, bool fail = false) {
  co_await sleep(delay);
  log(name + ": finished");
  if (fail) throw ValueError(name);
  co_return name;
}
}  // namespace

// async def child(name, delay, fail=False):
//     await asyncio.sleep(delay)
//     log(f"{name}: finished")
//     if fail: raise ValueError(name)
//     return name
// async def main():
//     r = await asyncio.gather(child("slow", .05), child("fast", .01), child("mid", .03))
//     log(f"main: {r!r}")
//     slow = asyncio.create_task(child("sibling", .04))
//     try: await asyncio.gather(slow, child("bad", .01, fail=True))
//     except ValueError as e: log(f"main: {e!r}, sibling cancelled={slow.cancelled()} done={slow.done()}")
//     log(f"main: sibling result {await slow!r}")
//     g = asyncio.gather(child("x", 1), child("y", 1))
//     await asyncio.sleep(0)
//     log(f"main: g.cancel() -> {g.cancel()}")
//     try: await g
//     except asyncio.CancelledError: log(f"main: children cancelled={[c.cancelled() for c in g._children]}")
TEST_CASE("gather returns results in argument order, leaves siblings running on error, and cancels children when cancelled") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Value r = co_await gather(child("slow", .05), child("fast", .01), child("mid", .03));
    log("main: " + r.repr());
    Task& sibling = create_task(child("sibling", .04));
    try {
      co_await gather(sibling, child("bad", .01, true));
    } catch (const ValueError& e) {
      log("main: " + e.repr() + ", sibling cancelled=" + (sibling.cancelled() ? "True" : "False") +
          " done=" + (sibling.done() ? "True" : "False"));
    }
    Value s = co_await sibling;
    log("main: sibling result " + s.repr());
    GatheringFuture& g = gather(child("x", 1), child("y", 1));
    co_await sleep(0);
    log(std::string("main: g.cancel() -> ") + (g.cancel() ? "True" : "False"));
    try {
      co_await g;
    } catch (const CancelledError&) {
      std::string flags;
      for (Future* c : g.children()) flags += std::string(flags.empty() ? "" : ", ") + (c->cancelled() ? "True" : "False");
      log("main: children cancelled=[" + flags + "]");
    }
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.prints_with_iterations() ==
        Lines{"[it 4] fast: finished", "[it 7] mid: finished", "[it10] slow: finished",
              "[it12] main: ['slow', 'fast', 'mid']", "[it15] bad: finished",
              "[it17] main: ValueError('bad'), sibling cancelled=False done=False", "[it19] sibling: finished",
              "[it20] main: sibling result 'sibling'", "[it21] main: g.cancel() -> True",
              "[it24] main: children cancelled=[True, True]"});
  check_clean(o);
}

TEST_CASE("gather with return_exceptions returns errors as results, in argument order") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Value r = co_await gather(return_exceptions, child("a", .02, true), child("b", .01));
    CHECK(r.repr() == "[ValueError('a'), 'b']");
    co_return {};
  });
  CHECK(o.error == "");
  CHECK(o.count(Ev::task_unretrieved) == 0);
  check_clean(o);
}

// f = loop.create_future(); f.set_result("f")
// g = asyncio.gather(a(), f, a())   # call_soon order: Task-2 step, _done_callback, Task-3 step
TEST_CASE("gather registers each child's callback as it goes, so a done argument's callback is queued between new tasks") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Future* f = running_loop().make<Future>();
    f->set_result("f");
    Value r = co_await gather(child("a", 0), *f, child("b", 0));
    CHECK(r.repr() == "['a', 'f', 'b']");
    co_return {};
  });
  std::vector<std::string> pushes;
  for (const Event& e : o.events)
    if (e.kind == Ev::ready_push && e.it == 1) pushes.emplace_back(e.s1 ? e.s1 : "");
  CHECK(pushes == std::vector<std::string>{"Task-2 step", "gather: _done_callback", "Task-3 step"});
  check_clean(o);
}

TEST_CASE("gather of nothing is done at once with an empty list") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    GatheringFuture& g = gather_list({}, false);
    CHECK(g.done());
    Value r = co_await g;
    CHECK(r.repr() == "[]");
    co_return {};
  });
  check_clean(o);
}
