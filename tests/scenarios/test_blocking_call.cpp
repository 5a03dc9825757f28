// blocking-call: time.sleep freezes the loop; asyncio.sleep and to_thread do not.
#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {

// Index of the first event after `from` matching pred (events.size() if none).
template <class Pred>
size_t find_from(const ScenarioRun& r, size_t from, Pred pred) {
  while (from < r.events.size() && !pred(r.events[from])) ++from;
  return from;
}

// How many step.begin events of `task` lie strictly between indexes a and b.
int steps_between(const ScenarioRun& r, int32_t task, size_t a, size_t b) {
  int n = 0;
  for (size_t i = a + 1; i < b && i < r.events.size(); ++i)
    n += r.events[i].kind == Ev::step_begin && r.events[i].task == task;
  return n;
}

}  // namespace

TEST_CASE("with time.sleep the ticker gets no step while the worker blocks the loop") {
  ScenarioRun r = run_scenario_id("blocking-call", {"mode=time.sleep"});
  int32_t ticker = r.task_named("ticker"), worker = r.task_named("worker");
  REQUIRE(ticker >= 0);
  REQUIRE(worker >= 0);
  size_t b = find_from(r, 0, [&](const Event& e) { return e.kind == Ev::block_begin && e.task == worker; });
  size_t e = find_from(r, b, [&](const Event& e) { return e.kind == Ev::block_end && e.task == worker; });
  REQUIRE(e < r.events.size());
  CHECK(r.events[b].code == uint8_t(BlockKind::sleep));
  CHECK(r.events[b].line == 14);
  CHECK(steps_between(r, ticker, b, e) == 0);
  CHECK(r.count(Ev::step_begin) > 0);
  // Nothing at all runs meanwhile: no handle is even popped from the ready queue.
  CHECK(find_from(r, b, [](const Event& e) { return e.kind == Ev::ready_run; }) > e);
  // The step that blocked is flagged slow, as asyncio's debug mode would log it.
  size_t end = find_from(r, e, [&](const Event& e) { return e.kind == Ev::step_end && e.task == worker; });
  REQUIRE(end < r.events.size());
  CHECK((r.events[end].flags & kFlagSlow) != 0);
  // The ticker's second beat was due after one period but comes only after the block.
  auto p = r.prints();
  REQUIRE(p.size() == 7);
  CHECK(p[2] == "worker: done");
  CHECK(p[3] == "ticker: beat 2");
}

TEST_CASE("with asyncio.sleep the ticker keeps its beat while the worker waits") {
  // At time_scale 4 the worker wakes 200 ms after the second beat is due: a loaded machine
  // delaying each of the ticker's sleeps by tens of ms cannot push a beat past it.
  ScenarioRun r = run_scenario_id("blocking-call", {"mode=asyncio.sleep"}, 4.0);
  int32_t ticker = r.task_named("ticker"), worker = r.task_named("worker");
  size_t wait = find_from(r, 0, [&](const Event& e) { return e.kind == Ev::step_end && e.task == worker; });
  REQUIRE(wait < r.events.size());
  CHECK(r.events[wait].code == uint8_t(Wait::sleep));
  size_t wake = find_from(r, wait, [&](const Event& e) { return e.kind == Ev::step_begin && e.task == worker; });
  REQUIRE(wake < r.events.size());
  CHECK(steps_between(r, ticker, wait, wake) >= 2);  // beats at 0.1 s and 0.2 s, the worker wakes at 0.25 s
  CHECK(r.count(Ev::block_begin) == 0);
  for (const Event& e : r.events)
    if (e.kind == Ev::step_end) CHECK((e.flags & kFlagSlow) == 0);
  auto p = r.prints();
  REQUIRE(p.size() == 7);
  CHECK(p[4] == "worker: done");
}

TEST_CASE("with to_thread the wait is a pool job on a worker lane and the ticker keeps ticking") {
  ScenarioRun r = run_scenario_id("blocking-call", {"mode=to_thread"}, 4.0);  // the same margin as above
  int32_t ticker = r.task_named("ticker"), worker = r.task_named("worker");
  size_t wait = find_from(r, 0, [&](const Event& e) { return e.kind == Ev::step_end && e.task == worker; });
  REQUIRE(wait < r.events.size());
  CHECK(r.events[wait].code == uint8_t(Wait::pool));
  size_t start = find_from(r, 0, [&](const Event& e) { return e.kind == Ev::pool_start && e.task == worker; });
  size_t end = find_from(r, start, [&](const Event& e) { return e.kind == Ev::pool_end && e.task == worker; });
  REQUIRE(end < r.events.size());
  CHECK(r.events[start].ref >= 0);  // the pool worker's lane
  CHECK(r.events[end].ref == r.events[start].ref);
  CHECK(steps_between(r, ticker, start, end) >= 1);
  CHECK(r.count(Ev::block_begin) == 0);
  auto p = r.prints();
  REQUIRE(p.size() == 7);
  CHECK(p[4] == "worker: done");
}

TEST_CASE("each mode prints in the iterations CPython prints in") {
  // CPython 3.11 with an iteration-counting loop, defaults (0.25 s wait, 5 beats of 0.1 s).
  // Run at 3x (beats 0.3 s apart, the wait 0.75 s): the gaps between timers
  // stay far above what a busy machine's preemption adds to a step.
  const std::vector<uint32_t> blocked = {2, 2, 2, 4, 6, 8, 10}, waiting = {2, 2, 4, 6, 8, 11, 13};
  for (auto [mode, its] : {std::pair{"time.sleep", blocked}, {"asyncio.sleep", waiting}, {"to_thread", waiting}}) {
    CAPTURE(mode);
    ScenarioRun r = run_scenario_id("blocking-call", {std::string("mode=") + mode}, 3.0);
    std::vector<uint32_t> engine;
    for (const Event& e : r.events)
      if (e.kind == Ev::print) engine.push_back(e.it);
    CHECK(engine == its);
  }
}
