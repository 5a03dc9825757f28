// cooperative-yield: tasks take turns only where they await. Two workers
// yield with sleep(0) on every turn; a plain call_soon callback queued between
// them shows that the ready queue is one FIFO of task steps and callbacks.
#include "core/call_soon.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def worker(name, turns):
    for i in range(1, turns + 1):
        print(f"{name}: turn {i}")  # @turn
        await asyncio.sleep(0)  # give the other ready tasks their turn  # @yield
    print(f"{name}: finished")  # @finished


def callback():
    print("callback: a plain function from call_soon")  # @callback


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(worker("A", ${turns}))  # @create_a
    loop.call_soon(callback)
    b = asyncio.create_task(worker("B", ${turns}))  # @create_b
    print("main: two tasks and a callback are queued")  # @queued
    await asyncio.gather(a, b)  # @gather
    print("main: both workers are done")  # @done


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int turn, yield, finished, callback, create_a, create_b, queued, gather, done;
} L;

Coroutine worker(std::string name, int turns) {
  for (int i = 1; i <= turns; ++i) {
    print(L.turn, name + ": turn " + std::to_string(i));
    co_await sleep(0).at(L.yield);
  }
  print(L.finished, name + ": finished");
  co_return {};
}

void callback() { print(L.callback, "callback: a plain function from call_soon"); }

Coroutine cooperative_yield_main(const Params& p) {
  Task& a = create_task(worker("A", p.integer("turns")).named("A"), L.create_a);
  call_soon(callback, "callback");
  Task& b = create_task(worker("B", p.integer("turns")).named("B"), L.create_b);
  print(L.queued, "main: two tasks and a callback are queued");
  co_await at(gather(a, b), L.gather);
  print(L.done, "main: both workers are done");
  co_return {};
}

}  // namespace

Scenario scenario_cooperative_yield() {
  Scenario s;
  s.id = "cooperative-yield";
  s.title = "sleep(0): taking turns";
  s.lesson =
      "A task runs until it awaits; `await asyncio.sleep(0)` hands the loop back without waiting for anything. "
      "Each iteration runs every handle that was ready when it began, once, in FIFO order: A's step, the "
      "call_soon callback, B's step. So A and B alternate one turn per iteration.";
  Listing listing("cooperative-yield", kListing);
  L = {.turn = listing.line("turn"), .yield = listing.line("yield"), .finished = listing.line("finished"),
      .callback = listing.line("callback"), .create_a = listing.line("create_a"), .create_b = listing.line("create_b"),
      .queued = listing.line("queued"), .gather = listing.line("gather"), .done = listing.line("done")};
  s.listing = listing.text();
  s.params = {integer_param("turns", "3", 1, 10, "turns each worker takes")};
  s.main = cooperative_yield_main;
  return s;
}

}  // namespace loopscope
