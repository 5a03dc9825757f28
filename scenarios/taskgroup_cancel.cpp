// taskgroup-cancel: exactly tests/reference/taskgroup_demo.py. One child
// fails; the TaskGroup cancels its siblings and then the body, waits for all
// of them, and raises an ExceptionGroup.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio

async def worker(name, delay, fail=False):
    print(f"{name}: start")  # @start
    try:
        await asyncio.sleep(delay)  # @sleep
    except asyncio.CancelledError:
        print(f"{name}: CancelledError at await"); raise  # @cancelled
    if fail:
        print(f"{name}: raise ValueError"); raise ValueError(name)  # @raise
    print(f"{name}: done")  # @done

async def main():
    try:
        async with asyncio.TaskGroup() as tg:  # @task_group
            for n in ("S1", "S2", "S3"):
                tg.create_task(worker(n, 1.0))  # @create_siblings
            tg.create_task(worker("BAD", 0.01, fail=True))  # @create_bad
            print("body: await sleep(1)")  # @body_print
            try:
                await asyncio.sleep(1.0)  # @body_sleep
            except asyncio.CancelledError:
                print("body: CancelledError (parent cancelled by TaskGroup)"); raise  # @body_cancelled
    except* ValueError as eg:
        print(f"main: caught {eg!r}")  # @caught
    print(f"main: cancelling()={asyncio.current_task().cancelling()}")  # @cancelling

asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int start, sleep, cancelled, raise, done, task_group, create_siblings, create_bad, body_print, body_sleep,
      body_cancelled, caught, cancelling;
} L;

Coroutine worker(std::string name, double delay, bool fail = false) {
  print(L.start, name + ": start");
  try {
    co_await sleep(delay).at(L.sleep);
  } catch (const CancelledError&) {
    print(L.cancelled, name + ": CancelledError at await");
    throw;
  }
  if (fail) {
    print(L.raise, name + ": raise ValueError");
    throw ValueError(name);
  }
  print(L.done, name + ": done");
  co_return {};
}

Coroutine taskgroup_main(const Params&) {
  try {
    co_await task_group(L.task_group, [](TaskGroup& tg) -> Coroutine {
      for (const char* n : {"S1", "S2", "S3"}) tg.create_task(worker(n, 1.0).named(n), L.create_siblings);
      tg.create_task(worker("BAD", 0.01, true).named("BAD"), L.create_bad);
      print(L.body_print, "body: await sleep(1)");
      try {
        co_await sleep(1.0).at(L.body_sleep);
      } catch (const CancelledError&) {
        print(L.body_cancelled, "body: CancelledError (parent cancelled by TaskGroup)");
        throw;
      }
      co_return {};
    });
  } catch (const ExceptionGroup& eg) {  // except* ValueError
    auto match = eg.split<ValueError>();
    if (!match) throw;
    print(L.caught, "main: caught " + match->repr());
  }
  print(L.cancelling, "main: cancelling()=" + std::to_string(current_task()->cancelling()));
  co_return {};
}

}  // namespace

Scenario scenario_taskgroup_cancel() {
  Scenario s;
  s.id = "taskgroup-cancel";
  s.title = "TaskGroup: one failure cancels the rest";
  s.lesson =
      "BAD fails after 10 ms. One iteration later the TaskGroup cancels its siblings S1-S3 and then the body; "
      "each sees CancelledError at its await one iteration after that. When all are done, the group raises an "
      "ExceptionGroup, which except* unpacks.";
  Listing listing("taskgroup-cancel", kListing);
  L = {.start = listing.line("start"), .sleep = listing.line("sleep"), .cancelled = listing.line("cancelled"),
      .raise = listing.line("raise"), .done = listing.line("done"), .task_group = listing.line("task_group"),
      .create_siblings = listing.line("create_siblings"), .create_bad = listing.line("create_bad"),
      .body_print = listing.line("body_print"), .body_sleep = listing.line("body_sleep"),
      .body_cancelled = listing.line("body_cancelled"), .caught = listing.line("caught"),
      .cancelling = listing.line("cancelling")};
  s.listing = listing.text();
  s.main = taskgroup_main;
  return s;
}

}  // namespace loopscope
