// taskgroup-cancel: exactly tests/reference/taskgroup_demo.py. One child
// fails; the TaskGroup cancels its siblings and then the body, waits for all
// of them, and raises an ExceptionGroup.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio

async def worker(name, delay, fail=False):
    print(f"{name}: start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: CancelledError at await"); raise
    if fail:
        print(f"{name}: raise ValueError"); raise ValueError(name)
    print(f"{name}: done")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            for n in ("S1", "S2", "S3"):
                tg.create_task(worker(n, 1.0))
            tg.create_task(worker("BAD", 0.01, fail=True))
            print("body: await sleep(1)")
            try:
                await asyncio.sleep(1.0)
            except asyncio.CancelledError:
                print("body: CancelledError (parent cancelled by TaskGroup)"); raise
    except* ValueError as eg:
        print(f"main: caught {eg!r}")
    print(f"main: cancelling()={asyncio.current_task().cancelling()}")

asyncio.run(main())
)PY";

Coro worker(std::string name, double delay, bool fail = false) {
  print(4, name + ": start");
  try {
    co_await sleep(delay).at(6);
  } catch (const CancelledError&) {
    print(8, name + ": CancelledError at await");
    throw;
  }
  if (fail) {
    print(10, name + ": raise ValueError");
    throw ValueError(name);
  }
  print(11, name + ": done");
  co_return {};
}

Coro taskgroup_main(const Params&) {
  try {
    co_await task_group(15, [](TaskGroup& tg) -> Coro {
      for (const char* n : {"S1", "S2", "S3"}) tg.create_task(worker(n, 1.0).named(n), 17);
      tg.create_task(worker("BAD", 0.01, true).named("BAD"), 18);
      print(19, "body: await sleep(1)");
      try {
        co_await sleep(1.0).at(21);
      } catch (const CancelledError&) {
        print(23, "body: CancelledError (parent cancelled by TaskGroup)");
        throw;
      }
      co_return {};
    });
  } catch (const ExceptionGroup& eg) {  // except* ValueError
    auto match = eg.split<ValueError>();
    if (!match) throw;
    print(25, "main: caught " + match->repr());
  }
  print(26, "main: cancelling()=" + std::to_string(current_task()->cancelling()));
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
  s.listing = kListing;
  s.main = taskgroup_main;
  return s;
}

}  // namespace loopscope
