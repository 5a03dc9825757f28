// gather-errors: exactly tests/reference/gather_demo.py. gather with
// return_exceptions collects errors as results; without it the first error
// reaches the caller while the siblings keep running; cancelling the outer
// future cancels the children.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio

async def child(name, delay, fail=False):
    print(f"{name}: start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: CancelledError"); raise
    if fail:
        print(f"{name}: raise ValueError"); raise ValueError(name)
    print(f"{name}: done"); return name

async def main():
    r = await asyncio.gather(child("A", .03), child("B", .01),
                             child("C", .02, fail=True), return_exceptions=True)
    print(f"main: results={r!r}")
    d = asyncio.create_task(child("D", .03))
    try:
        await asyncio.gather(d, child("E", .01, fail=True))
    except ValueError as e:
        print(f"main: gather raised {e!r}; D.done()={d.done()}")
    await asyncio.sleep(.05)
    g = asyncio.gather(child("F", 1), child("G", 1))
    await asyncio.sleep(0)
    print("main: g.cancel()"); g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("main: outer gather -> CancelledError")

asyncio.run(main())
)PY";

Coro child(std::string name, double delay, bool fail = false) {
  print(4, name + ": start");
  try {
    co_await sleep(delay).at(6);
  } catch (const CancelledError&) {
    print(8, name + ": CancelledError");
    throw;
  }
  if (fail) {
    print(10, name + ": raise ValueError");
    throw ValueError(name);
  }
  print(11, name + ": done");
  co_return name;
}

Coro gather_errors_main(const Params&) {
  Value r = co_await at(gather(return_exceptions, child("A", .03).named("A"), child("B", .01).named("B"),
                               child("C", .02, true).named("C")),
                        14);
  print(16, "main: results=" + r.repr());
  Task& d = create_task(child("D", .03).named("D"), 17);
  try {
    co_await at(gather(d, child("E", .01, true).named("E")), 19);
  } catch (const ValueError& e) {
    print(21, "main: gather raised " + e.repr() + "; D.done()=" + (d.done() ? "True" : "False"));
  }
  co_await sleep(.05).at(22);
  at_line(23);
  GatheringFuture& g = gather(child("F", 1).named("F"), child("G", 1).named("G"));
  co_await sleep(0).at(24);
  print(25, "main: g.cancel()");
  g.cancel();
  try {
    co_await at(g, 27);
  } catch (const CancelledError&) {
    print(29, "main: outer gather -> CancelledError");
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
  s.listing = kListing;
  s.main = gather_errors_main;
  return s;
}

}  // namespace loopscope
