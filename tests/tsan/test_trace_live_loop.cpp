// A real loop traced while a reader polls from another thread (run under
// ThreadSanitizer by tests/tsan/run.sh): the loop holds a step's record back
// until the step is over (core/trace.hpp, Stream::hold) and rewrites it in
// place; a reader must only ever see whole steps, and at the end exactly the
// events a reader after the run sees.
#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "core/aio.hpp"
#include "core/asyncio_run.hpp"

using namespace loopscope;

namespace {
Coroutine player(int turns) {
  for (int i = 0; i < turns; ++i) co_await sleep(0);
  co_return {};
}

Coroutine pingpong(int turns) {
  Task& a = create_task(player(turns).named("ping"));
  Task& b = create_task(player(turns).named("pong"));
  co_await at(a, 3);
  co_await at(b, 4);
  co_return {};
}

// Every step.begin follows its ready.run; every step.end follows its step.begin.
void check_whole_steps(const std::vector<Event>& events) {
  int32_t open = -1;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    REQUIRE(e.seq == i);
    if (e.kind == Ev::step_begin) {
      REQUIRE(i > 0);
      CHECK(events[i - 1].kind == Ev::ready_run);
      CHECK(events[i - 1].task == e.task);
      CHECK(open == -1);
      open = e.task;
    }
    if (e.kind == Ev::step_end) {
      CHECK(open == e.task);
      open = -1;
    }
  }
}
}  // namespace

TEST_CASE("a reader polling a running loop sees whole steps and, at the end, every event") {
  constexpr int kTurns = 20'000;
  Trace trace;
  std::atomic<bool> done{false};
  std::latch polled(1);  // the run is not over before the reader has polled once (a loaded machine may
                         // give the loop thread the whole run before this thread polls at all)
  int close_rc = -1;
  std::thread loop_thread([&] {
    close_rc = asyncio_run(trace, LoopOptions{}, [] { return pingpong(kTurns); }).close_rc;
    polled.wait();
    done.store(true, std::memory_order_release);
  });
  TraceReader reader(trace);
  int polls = 0;
  while (!done.load(std::memory_order_acquire)) {
    reader.poll();
    if (polls++ == 0) polled.count_down();
  }
  loop_thread.join();
  reader.poll();
  check_whole_steps(reader.events());
  std::vector<Event> after = merged_events(trace);
  REQUIRE(after.size() == reader.events().size());
  for (size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].kind == reader.events()[i].kind);
    CHECK(after[i].t_ns == reader.events()[i].t_ns);
  }
  CHECK(polls > 0);
  CHECK(close_rc == 0);
  CHECK(live_frames().load() == 0);
}
