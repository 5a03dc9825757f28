// gather: the classic first asyncio example. Three coroutines sleep for
// different times; gather runs them at once, so the whole takes as long as
// the longest, not the sum, and the results come back in argument order.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def fetch(name, delay):
    print(f"{name}: start, waiting {delay} s")  # @start
    await asyncio.sleep(delay)  # @sleep
    print(f"{name}: done after {delay} s")  # @done
    return name


async def main():
    results = await asyncio.gather(  # @gather
        fetch("A", ${a}),
        fetch("B", ${b}),
        fetch("C", ${c}),
    )
    print(f"main: gather returned {results}")  # @result


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int start, sleep, done, gather, result;
} L;

Coroutine fetch(std::string name, double delay) {
  std::string d = Value(delay).repr();
  print(L.start, name + ": start, waiting " + d + " s");
  co_await sleep(delay).at(L.sleep);
  print(L.done, name + ": done after " + d + " s");
  co_return name;
}

Coroutine gather_main(const Params& p) {
  Value results = co_await at(gather(fetch("A", p.num("a")).named("A"),  //
                                     fetch("B", p.num("b")).named("B"),  //
                                     fetch("C", p.num("c")).named("C")),
                              L.gather);
  print(L.result, "main: gather returned " + results.repr());
  co_return {};
}

}  // namespace

Scenario scenario_gather() {
  Scenario s;
  s.id = "gather";
  s.title = "gather: three waits at once";
  s.lesson =
      "Three coroutines sleep for different times. gather turns each into a task, so all three wait at the same "
      "time: the run takes as long as the longest sleep, not the sum. Results come back in argument order, not "
      "in finishing order.";
  Listing listing("gather", kListing);
  L = {.start = listing.line("start"), .sleep = listing.line("sleep"), .done = listing.line("done"),
      .gather = listing.line("gather"), .result = listing.line("result")};
  s.listing = listing.text();
  s.params = {{"a", "0.3", 0.01, 5, {}, "A's delay in seconds"},
              {"b", "0.1", 0.01, 5, {}, "B's delay in seconds"},
              {"c", "0.2", 0.01, 5, {}, "C's delay in seconds"}};
  s.main = gather_main;
  return s;
}

}  // namespace loopscope
