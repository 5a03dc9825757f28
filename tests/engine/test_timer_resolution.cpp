// Timers due within the loop's clock resolution of the same moment fire in the
// same iteration, as _run_once pops every timer due before end_time = time() +
// clock_resolution. libuv alone fired them in two iterations whenever a
// millisecond boundary of its cached clock fell between their arming.
#include <doctest/doctest.h>
#include <uv.h>

#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Lines = std::vector<std::string>;
void log(const std::string& msg) { print(0, msg); }

// Really spends `us` microseconds on the loop thread (a short blocking stretch).
void spin_us(uint64_t us) {
  const uint64_t end = uv_hrtime() + us * 1000;
  while (uv_hrtime() < end) {
  }
}
}  // namespace

// async def sleeper(name):
//     await asyncio.sleep(0.02)
//     log(f"{name}: woke")
// async def main():
//     a = asyncio.create_task(sleeper("A"))
//     b = asyncio.create_task(sleeper("B"))   # its sleep armed 0.5 ms after A's
//     await asyncio.gather(a, b)
TEST_CASE("two sleeps armed half a millisecond apart wake in the same iteration, on either side of a millisecond") {
  // Half a millisecond apart, a boundary of libuv's millisecond clock falls
  // between the two arms about every other run: repeated, both sides are met.
  int close = 0;  // runs whose two deadlines really were under 1 ms apart
  for (int run = 0; run < 8; ++run) {
    CAPTURE(run);
    Trace trace;
    RunOutcome o = run_main(trace, []() -> Coroutine {
      auto sleeper = [](std::string name, bool late) -> Coroutine {
        if (late) spin_us(500);
        co_await sleep(0.02);
        log(name + ": woke");
        co_return {};
      };
      co_await gather(sleeper("A", false), sleeper("B", true));
      co_return {};
    });
    CHECK(o.error == "");
    // The gap between the two deadlines as armed (timer.arm's due_ns): on a
    // loaded machine the thread can be preempted between the two arms, and
    // timers really more than 1 ms apart may fire apart, as in CPython.
    std::vector<int64_t> due;
    for (const Event& e : o.events)
      if (e.kind == Ev::timer_arm) due.push_back(e.num);
    REQUIRE(due.size() == 2);
    const Lines got = o.prints_with_iterations();
    REQUIRE(got.size() == 2);
    CHECK(got[0] == "[it 4] A: woke");
    if (due[1] - due[0] < 900'000) {
      ++close;
      CHECK(got[1] == "[it 4] B: woke");
    }
    check_clean(o);
  }
  CHECK_MESSAGE(close > 0, "every run was preempted between the two arms: nothing was checked");
}

TEST_CASE("a sleep due well after another still wakes in a later iteration") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    auto sleeper = [](std::string name, double s) -> Coroutine {
      co_await sleep(s);
      log(name + ": woke");
      co_return {};
    };
    co_await gather(sleeper("A", 0.01), sleeper("B", 0.02));
    co_return {};
  });
  CHECK(o.error == "");
  const Lines got = o.prints_with_iterations();
  REQUIRE(got.size() == 2);
  CHECK(got[0] == "[it 4] A: woke");
  CHECK(got[1] == "[it 7] B: woke");
  check_clean(o);
}
