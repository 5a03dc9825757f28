// timeout: wait_for and asyncio.timeout give up on a slow operation by
// cancelling it. The operation sees CancelledError at its await, cleans up and
// re-raises; only then does the caller get TimeoutError.
#include "core/timeout.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def slow_operation(name, seconds):
    print(f"{name}: working for {seconds} s")  # @working
    try:
        await asyncio.sleep(seconds)  # @sleep
    except asyncio.CancelledError:
        print(f"{name}: saw CancelledError, cleaning up")  # @cancelled
        raise  # let the cancellation finish
    print(f"{name}: finished")  # @finished
    return f"{name}'s result"


async def main():
    try:
        result = await asyncio.wait_for(slow_operation("A", ${work}), timeout=${limit})  # @wait_for
        print(f"main: wait_for returned {result!r}")  # @returned
    except TimeoutError:
        print("main: wait_for raised TimeoutError")  # @wait_for_raised

    try:
        async with asyncio.timeout(${limit}):  # @timeout
            result = await slow_operation("B", ${work})  # @in_block
        print(f"main: the timeout block got {result!r}")  # @block_got
    except TimeoutError:
        print("main: asyncio.timeout raised TimeoutError")  # @timeout_raised


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int working, sleep, cancelled, finished, wait_for, returned, wait_for_raised, timeout, in_block, block_got,
      timeout_raised;
} L;

Coroutine slow_operation(std::string name, double seconds) {
  print(L.working, name + ": working for " + Value(seconds).repr() + " s");
  try {
    co_await sleep(seconds).at(L.sleep);
  } catch (const CancelledError&) {
    print(L.cancelled, name + ": saw CancelledError, cleaning up");
    throw;
  }
  print(L.finished, name + ": finished");
  co_return name + "'s result";
}

Coroutine timeout_main(const Params& p) {
  const double work = p.num("work"), limit = p.num("limit");
  try {
    Value result = co_await wait_for(slow_operation("A", work).named("A"), limit, L.wait_for);
    print(L.returned, "main: wait_for returned " + result.repr());
  } catch (const TimeoutError&) {
    print(L.wait_for_raised, "main: wait_for raised TimeoutError");
  }

  try {
    Value result = co_await timeout(limit, L.timeout, [work](Timeout&) -> Coroutine {
      at_line(L.in_block);
      co_return co_await slow_operation("B", work);
    });
    print(L.block_got, "main: the timeout block got " + result.repr());
  } catch (const TimeoutError&) {
    print(L.timeout_raised, "main: asyncio.timeout raised TimeoutError");
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
  Listing listing("timeout", kListing);
  L = {.working = listing.line("working"), .sleep = listing.line("sleep"), .cancelled = listing.line("cancelled"),
      .finished = listing.line("finished"), .wait_for = listing.line("wait_for"), .returned = listing.line("returned"),
      .wait_for_raised = listing.line("wait_for_raised"), .timeout = listing.line("timeout"),
      .in_block = listing.line("in_block"), .block_got = listing.line("block_got"),
      .timeout_raised = listing.line("timeout_raised")};
  s.listing = listing.text();
  s.params = {{"work", "0.3", 0.01, 5, {}, "seconds the slow operation needs"},
              {"limit", "0.2", 0.01, 5, {}, "the timeout in seconds"}};
  s.main = timeout_main;
  return s;
}

}  // namespace loopscope
