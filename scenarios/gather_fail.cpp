// gather-fail: taskgroup-cancel's children, child for child, under gather.
// BAD fails after 10 ms; gather hands the error to main at once, but S1-S3
// are NOT cancelled: they run on to their end at 1 s (the TaskGroup cancels
// them). The pair shows "siblings cancelled: 0 against 3".
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
    tasks = [asyncio.create_task(worker(n, 1.0)) for n in ("S1", "S2", "S3")]
    tasks.append(asyncio.create_task(worker("BAD", 0.01, fail=True)))
    try:
        await asyncio.gather(*tasks)
    except ValueError as e:
        print(f"main: caught {e!r}")
    print(f"main: siblings cancelled: {sum(t.cancelled() for t in tasks)}")
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"main: siblings finished: {sum(t.done() for t in tasks[:3])}")

asyncio.run(main())
)PY";

// The same worker as taskgroup-cancel's, line for line.
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

Coro gather_fail_main(const Params&) {
  std::vector<Task*> tasks;
  for (const char* n : {"S1", "S2", "S3"}) tasks.push_back(&create_task(worker(n, 1.0).named(n), 14));
  tasks.push_back(&create_task(worker("BAD", 0.01, true).named("BAD"), 15));
  auto all = [&] {
    std::vector<Awaitable> v;
    for (Task* t : tasks) v.emplace_back(static_cast<Future*>(t));
    return v;
  };
  try {
    co_await at(gather_list(all(), false), 17);
  } catch (const ValueError& e) {
    print(19, "main: caught " + e.repr());
  }
  int cancelled = 0, finished = 0;
  for (Task* t : tasks) cancelled += t->cancelled();
  print(20, "main: siblings cancelled: " + std::to_string(cancelled));
  co_await at(gather_list(all(), true), 21);
  for (size_t k = 0; k < 3; ++k) finished += tasks[k]->done();
  print(22, "main: siblings finished: " + std::to_string(finished));
  co_return {};
}

}  // namespace

Scenario scenario_gather_fail() {
  Scenario s;
  s.id = "gather-fail";
  s.title = "gather: one failure, the rest run on";
  s.lesson =
      "taskgroup-cancel's four children under gather. BAD fails after 10 ms and main gets the ValueError two "
      "iterations later, but gather cancels nobody: S1-S3 keep sleeping and finish at 1 s. Compare with "
      "taskgroup-cancel, where the same failure cancels all three.";
  s.listing = kListing;
  s.main = gather_fail_main;
  return s;
}

}  // namespace loopscope
