// taskgroup-cancel: exactly shared/reference/taskgroup_demo.py. One child
// fails; the TaskGroup cancels its siblings and then the body, waits for all
// of them, and raises an ExceptionGroup.
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio
class Loop(asyncio.SelectorEventLoop):   # counts _run_once iterations
    it = 0
    def _run_once(self): Loop.it += 1; super()._run_once()
def log(msg): print(f"[it{Loop.it:>2}] {msg}")

async def worker(name, delay, fail=False):
    log(f"{name}: start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name}: CancelledError at await"); raise
    if fail:
        log(f"{name}: raise ValueError"); raise ValueError(name)
    log(f"{name}: done")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            for n in ("S1", "S2", "S3"):
                tg.create_task(worker(n, 1.0))
            tg.create_task(worker("BAD", 0.01, fail=True))
            log("body: await sleep(1)")
            try:
                await asyncio.sleep(1.0)
            except asyncio.CancelledError:
                log("body: CancelledError (parent cancelled by TaskGroup)"); raise
    except* ValueError as eg:
        log(f"main: caught {eg!r}")
    log(f"main: cancelling()={asyncio.current_task().cancelling()}")

with asyncio.Runner(loop_factory=Loop) as r:
    r.run(main())
)PY";

void log(int line, const std::string& msg) { print(line, it_prefix() + msg); }

Coro worker(std::string name, double delay, bool fail = false) {
  log(8, name + ": start");
  try {
    co_await sleep(delay).at(10);
  } catch (const CancelledError&) {
    log(12, name + ": CancelledError at await");
    throw;
  }
  if (fail) {
    log(14, name + ": raise ValueError");
    throw ValueError(name);
  }
  log(15, name + ": done");
  co_return {};
}

Coro taskgroup_main(const Params&) {
  try {
    co_await task_group(19, [](TaskGroup& tg) -> Coro {
      for (const char* n : {"S1", "S2", "S3"}) tg.create_task(worker(n, 1.0).named(n), 21);
      tg.create_task(worker("BAD", 0.01, true).named("BAD"), 22);
      log(23, "body: await sleep(1)");
      try {
        co_await sleep(1.0).at(25);
      } catch (const CancelledError&) {
        log(27, "body: CancelledError (parent cancelled by TaskGroup)");
        throw;
      }
      co_return {};
    });
  } catch (const ExceptionGroup& eg) {  // except* ValueError
    auto match = eg.split<ValueError>();
    if (!match) throw;
    log(29, "main: caught " + match->repr());
  }
  log(30, "main: cancelling()=" + std::to_string(current_task()->cancelling()));
  co_return {};
}

}  // namespace

Scenario scenario_taskgroup_cancel() {
  Scenario s;
  s.entry = Entry::asyncio_runner;  // with asyncio.Runner(loop_factory=Loop) as r
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
