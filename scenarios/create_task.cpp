// create-task: background work started with create_task runs while main does
// its own work; main collects the result later with `await task`.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def background(name, steps, period):
    for i in range(1, steps + 1):
        await asyncio.sleep(period)  # @sleep
        print(f"{name}: tick {i}")  # @tick
    return f"{name} finished {steps} ticks"


async def main():
    task = asyncio.create_task(background("bg", ${steps}, ${period}))  # @create_task
    print("main: started the background task")  # @started
    await asyncio.sleep(${work})  # @work
    print("main: my own work is done")  # @work_done
    result = await task  # @await_task
    print(f"main: {result}")  # @result


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int sleep, tick, create_task, started, work, work_done, await_task, result;
} L;

Coroutine background(std::string name, int steps, double period) {
  for (int i = 1; i <= steps; ++i) {
    co_await sleep(period).at(L.sleep);
    print(L.tick, name + ": tick " + std::to_string(i));
  }
  co_return name + " finished " + std::to_string(steps) + " ticks";
}

Coroutine create_task_main(const Params& p) {
  Task& task = create_task(background("bg", p.integer("steps"), p.num("period")).named("bg"), L.create_task);
  print(L.started, "main: started the background task");
  co_await sleep(p.num("work")).at(L.work);
  print(L.work_done, "main: my own work is done");
  Value result = co_await at(task, L.await_task);
  print(L.result, "main: " + result.str_text());
  co_return {};
}

}  // namespace

Scenario scenario_create_task() {
  Scenario s;
  s.id = "create-task";
  s.title = "create_task: background work";
  s.lesson =
      "create_task schedules the coroutine at once, but it only starts when main gives the loop a chance (its "
      "first await). The background task ticks while main sleeps on its own work; `await task` then collects "
      "its result, or waits for the rest of it.";
  Listing listing("create-task", kListing);
  L = {.sleep = listing.line("sleep"), .tick = listing.line("tick"), .create_task = listing.line("create_task"),
      .started = listing.line("started"), .work = listing.line("work"), .work_done = listing.line("work_done"),
      .await_task = listing.line("await_task"), .result = listing.line("result")};
  s.listing = listing.text();
  s.params = {integer_param("steps", "4", 1, 10, "background ticks"),
              {"period", "0.1", 0.02, 2, {}, "seconds between ticks"},
              {"work", "0.25", 0.02, 5, {}, "seconds of main's own work"}};
  s.main = create_task_main;
  return s;
}

}  // namespace loopscope
