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
        print(f"{name}: turn {i}")
        await asyncio.sleep(0)  # give the other ready tasks their turn
    print(f"{name}: finished")


def callback():
    print("callback: a plain function from call_soon")


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(worker("A", ${turns}))
    loop.call_soon(callback)
    b = asyncio.create_task(worker("B", ${turns}))
    print("main: two tasks and a callback are queued")
    await asyncio.gather(a, b)
    print("main: both workers are done")


asyncio.run(main())
)PY";

Coro worker(std::string name, int turns) {
  for (int i = 1; i <= turns; ++i) {
    print(6, name + ": turn " + std::to_string(i));
    co_await sleep(0).at(7);
  }
  print(8, name + ": finished");
  co_return {};
}

void callback() { print(12, "callback: a plain function from call_soon"); }

Coro cooperative_yield_main(const Params& p) {
  Task& a = create_task(worker("A", p.integer("turns")).named("A"), 17);
  call_soon(callback, "callback");
  Task& b = create_task(worker("B", p.integer("turns")).named("B"), 19);
  print(20, "main: two tasks and a callback are queued");
  co_await at(gather(a, b), 21);
  print(22, "main: both workers are done");
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
  s.listing = kListing;
  s.params = {integer_param("turns", "3", 1, 10, "turns each worker takes")};
  s.main = cooperative_yield_main;
  return s;
}

}  // namespace loopscope
