// A preempted step (long only because the machine was busy) is not shown as
// a blocked loop: no LOOP BLOCKED state, no red hatching, where the same step
// flagged slow is both.
#include "core/sleep.hpp"
#include "scenario_model.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
size_t blocked_segments(const Model& m) {
  size_t n = 0;
  for (const Lane& l : m.lanes())
    for (const auto& s : l.segments) n += s.blocked;
  return n;
}
}  // namespace

TEST_CASE("a step flagged preempted leaves the loop unblocked in the view, where slow blocks it") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    co_await sleep(0).at(2);
    co_return {};
  });
  REQUIRE(o.error.empty());
  // The same trace twice: every step.end slow in one, preempted in the other.
  std::vector<Event> slow = o.events, preempted = o.events;
  size_t last_end = 0;
  for (size_t i = 0; i < slow.size(); ++i)
    if (slow[i].kind == Ev::step_end) {
      slow[i].flags = kFlagSlow;
      preempted[i].flags = kFlagPreempted;

      last_end = i;
    }
  REQUIRE(last_end > 0);
  Model a, b;
  a.update(slow, 0);
  b.update(preempted, 0);
  CHECK(blocked_segments(a) > 0);
  CHECK(blocked_segments(b) == 0);
  CHECK_FALSE(b.state_at(last_end).blocked);
  CHECK(b.state_at(last_end).phase != Phase::blocked);
  check_clean(o);
}
