// gather-errors: exactly tests/reference/gather_demo.py. gather with
// return_exceptions collects errors as results; without it the first error
// reaches the caller while the siblings keep running; cancelling the outer
// future cancels the children.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio

async def child(name, delay, fail=False):
    print(f"{name}: start")  # @start
    try:
        await asyncio.sleep(delay)  # @sleep
    except asyncio.CancelledError:
        print(f"{name}: CancelledError"); raise  # @cancelled
    if fail:
        print(f"{name}: raise ValueError"); raise ValueError(name)  # @raise
    print(f"{name}: done"); return name  # @done

async def main():
    r = await asyncio.gather(child("A", .03), child("B", .01),  # @gather_abc
                             child("C", .02, fail=True), return_exceptions=True)
    print(f"main: results={r!r}")  # @results
    d = asyncio.create_task(child("D", .03))  # @create_d
    try:
        await asyncio.gather(d, child("E", .01, fail=True))  # @gather_de
    except ValueError as e:
        print(f"main: gather raised {e!r}; D.done()={d.done()}")  # @raised
    await asyncio.sleep(.05)  # @sleep_main
    g = asyncio.gather(child("F", 1), child("G", 1))  # @gather_fg
    await asyncio.sleep(0)  # @yield
    print("main: g.cancel()"); g.cancel()  # @cancel
    try:
        await g  # @await_g
    except asyncio.CancelledError:
        print("main: outer gather -> CancelledError")  # @outer_cancelled

asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int start, sleep, cancelled, raise, done, gather_abc, results, create_d, gather_de, raised, sleep_main, gather_fg,
      yield, cancel, await_g, outer_cancelled;
} L;

Coroutine child(std::string name, double delay, bool fail = false) {
  print(L.start, name + ": start");
  try {
    co_await sleep(delay).at(L.sleep);
  } catch (const CancelledError&) {
    print(L.cancelled, name + ": CancelledError");
    throw;
  }
  if (fail) {
    print(L.raise, name + ": raise ValueError");
    throw ValueError(name);
  }
  print(L.done, name + ": done");
  co_return name;
}

Coroutine gather_errors_main(const Params&) {
  Value r = co_await at(gather(return_exceptions, child("A", .03).named("A"), child("B", .01).named("B"),
                               child("C", .02, true).named("C")),
                        L.gather_abc);
  print(L.results, "main: results=" + r.repr());
  Task& d = create_task(child("D", .03).named("D"), L.create_d);
  try {
    co_await at(gather(d, child("E", .01, true).named("E")), L.gather_de);
  } catch (const ValueError& e) {
    print(L.raised, "main: gather raised " + e.repr() + "; D.done()=" + (d.done() ? "True" : "False"));
  }
  co_await sleep(.05).at(L.sleep_main);
  at_line(L.gather_fg);
  GatheringFuture& g = gather(child("F", 1).named("F"), child("G", 1).named("G"));
  co_await sleep(0).at(L.yield);
  print(L.cancel, "main: g.cancel()");
  g.cancel();
  try {
    co_await at(g, L.await_g);
  } catch (const CancelledError&) {
    print(L.outer_cancelled, "main: outer gather -> CancelledError");
  }
  co_return {};
}

}  // namespace

Scenario scenario_gather_errors() {
  Scenario s;
  s.id = "gather-errors";
  s.title = "gather: errors and cancellation";
  s.lesson =
      "With return_exceptions=True an error is just another result. Without it, the first error reaches the "
      "caller at once, but the other children are NOT cancelled: D keeps running. Cancelling the outer gather "
      "cancels every child, and each sees CancelledError at its await one iteration later.";
  Listing listing("gather-errors", kListing);
  L = {.start = listing.line("start"), .sleep = listing.line("sleep"), .cancelled = listing.line("cancelled"),
      .raise = listing.line("raise"), .done = listing.line("done"), .gather_abc = listing.line("gather_abc"),
      .results = listing.line("results"), .create_d = listing.line("create_d"), .gather_de = listing.line("gather_de"),
      .raised = listing.line("raised"), .sleep_main = listing.line("sleep_main"),
      .gather_fg = listing.line("gather_fg"), .yield = listing.line("yield"), .cancel = listing.line("cancel"),
      .await_g = listing.line("await_g"), .outer_cancelled = listing.line("outer_cancelled")};
  s.listing = listing.text();
  s.main = gather_errors_main;
  return s;
}

}  // namespace loopscope
