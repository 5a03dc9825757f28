// gather-fail: taskgroup-cancel's children, child for child, under gather.
// BAD fails after 10 ms; gather hands the error to main at once, but S1-S3
// are NOT cancelled: they run on to their end at 1 s (the TaskGroup cancels
// them). The pair shows "siblings cancelled: 0 against 3".
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
    tasks = [asyncio.create_task(worker(n, 1.0)) for n in ("S1", "S2", "S3")]  # @create_siblings
    tasks.append(asyncio.create_task(worker("BAD", 0.01, fail=True)))  # @create_bad
    try:
        await asyncio.gather(*tasks)  # @gather
    except ValueError as e:
        print(f"main: caught {e!r}")  # @caught
    print(f"main: siblings cancelled: {sum(t.cancelled() for t in tasks)}")  # @cancelled_count
    await asyncio.gather(*tasks, return_exceptions=True)  # @gather_all
    print(f"main: siblings finished: {sum(t.done() for t in tasks[:3])}")  # @finished_count

asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int start, sleep, cancelled, raise, done, create_siblings, create_bad, gather, caught, cancelled_count, gather_all,
      finished_count;
} L;

// The same worker as taskgroup-cancel's, line for line.
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

Coroutine gather_fail_main(const Params&) {
  std::vector<Task*> tasks;
  for (const char* n : {"S1", "S2", "S3"}) tasks.push_back(&create_task(worker(n, 1.0).named(n), L.create_siblings));
  tasks.push_back(&create_task(worker("BAD", 0.01, true).named("BAD"), L.create_bad));
  auto all = [&] {
    std::vector<Awaitable> v;
    for (Task* t : tasks) v.emplace_back(static_cast<Future*>(t));
    return v;
  };
  try {
    co_await at(gather_list(all(), false), L.gather);
  } catch (const ValueError& e) {
    print(L.caught, "main: caught " + e.repr());
  }
  int cancelled = 0, finished = 0;
  for (Task* t : tasks) cancelled += t->cancelled();
  print(L.cancelled_count, "main: siblings cancelled: " + std::to_string(cancelled));
  co_await at(gather_list(all(), true), L.gather_all);
  for (size_t k = 0; k < 3; ++k) finished += tasks[k]->done();
  print(L.finished_count, "main: siblings finished: " + std::to_string(finished));
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
  Listing listing("gather-fail", kListing);
  L = {.start = listing.line("start"), .sleep = listing.line("sleep"), .cancelled = listing.line("cancelled"),
      .raise = listing.line("raise"), .done = listing.line("done"), .create_siblings = listing.line("create_siblings"),
      .create_bad = listing.line("create_bad"), .gather = listing.line("gather"), .caught = listing.line("caught"),
      .cancelled_count = listing.line("cancelled_count"), .gather_all = listing.line("gather_all"),
      .finished_count = listing.line("finished_count")};
  s.listing = listing.text();
  s.main = gather_fail_main;
  return s;
}

}  // namespace loopscope
