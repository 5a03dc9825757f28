// timeout: wait_for and asyncio.timeout give up on a slow operation by
// cancelling it. The operation sees CancelledError at its await, cleans up and
// re-raises; only then does the caller get TimeoutError.
#include "core/timeout.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def slow_operation(name, seconds):
    print(f"{name}: working for {seconds} s")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"{name}: saw CancelledError, cleaning up")
        raise  # let the cancellation finish
    print(f"{name}: finished")
    return f"{name}'s result"


async def main():
    try:
        result = await asyncio.wait_for(slow_operation("A", ${work}), timeout=${limit})
        print(f"main: wait_for returned {result!r}")
    except TimeoutError:
        print("main: wait_for raised TimeoutError")

    try:
        async with asyncio.timeout(${limit}):
            result = await slow_operation("B", ${work})
        print(f"main: the timeout block got {result!r}")
    except TimeoutError:
        print("main: asyncio.timeout raised TimeoutError")


asyncio.run(main())
)PY";

Coro slow_operation(std::string name, double seconds) {
  print(5, name + ": working for " + Value(seconds).repr() + " s");
  try {
    co_await sleep(seconds).at(7);
  } catch (const CancelledError&) {
    print(9, name + ": saw CancelledError, cleaning up");
    throw;
  }
  print(11, name + ": finished");
  co_return name + "'s result";
}

Coro timeout_main(const Params& p) {
  const double work = p.num("work"), limit = p.num("limit");
  try {
    Value result = co_await wait_for(slow_operation("A", work).named("A"), limit, 17);
    print(18, "main: wait_for returned " + result.repr());
  } catch (const TimeoutError&) {
    print(20, "main: wait_for raised TimeoutError");
  }

  try {
    Value result = co_await timeout(limit, 23, [work](Timeout&) -> Coro {
      at_line(24);
      co_return co_await slow_operation("B", work);
    });
    print(25, "main: the timeout block got " + result.repr());
  } catch (const TimeoutError&) {
    print(27, "main: asyncio.timeout raised TimeoutError");
  }
  co_return {};
}

}  // namespace

Scenario scenario_timeout() {
  Scenario s;
  s.id = "timeout";
  s.title = "Timeouts: wait_for and asyncio.timeout";
  s.lesson =
      "A timeout does not stop the slow code from outside: it cancels the task, and the operation sees "
      "CancelledError at the await where it stands. It can clean up, then must re-raise; only after that does the "
      "caller get TimeoutError. wait_for runs the operation as a task of its own; asyncio.timeout cancels the "
      "task it is in, so B runs inside main.";
  s.listing = kListing;
  s.params = {{"work", "0.3", 0.01, 5, {}, "seconds the slow operation needs"},
              {"limit", "0.2", 0.01, 5, {}, "the timeout in seconds"}};
  s.main = timeout_main;
  return s;
}

}  // namespace loopscope
