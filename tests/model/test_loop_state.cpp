// The loop's state at any event: rebuilt from the nearest checkpoint, and
// always equal to replaying the trace from the start, however it was fed.
#include "core/sleep.hpp"
#include "scenario_model.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {

void check_same(const LoopState& a, const LoopState& b) {
  INFO("event " << a.event_index);
  CHECK(a.event_index == b.event_index);
  CHECK(a.t_ns == b.t_ns);
  CHECK(a.it == b.it);
  CHECK(a.phase == b.phase);
  CHECK(a.poll_timeout_ms == b.poll_timeout_ms);
  REQUIRE(a.ready.size() == b.ready.size());
  for (size_t k = 0; k < a.ready.size(); ++k) CHECK(a.ready[k].handle == b.ready[k].handle);
  CHECK(a.this_iter == b.this_iter);
  CHECK(a.running.handle == b.running.handle);
  CHECK(a.running_task == b.running_task);
  REQUIRE(a.timers.size() == b.timers.size());
  for (size_t k = 0; k < a.timers.size(); ++k) CHECK(a.timers[k].timer == b.timers[k].timer);
  CHECK(a.blocked == b.blocked);
  // Tasks created later are listed as unborn; a model fed fewer events lists fewer.
  const std::vector<TaskSnapshot>& longer = a.tasks.size() > b.tasks.size() ? a.tasks : b.tasks;
  const size_t common = std::min(a.tasks.size(), b.tasks.size());
  for (size_t k = common; k < longer.size(); ++k) CHECK(longer[k].state == TaskState::unborn);
  for (size_t k = 0; k < common; ++k) {
    CHECK(a.tasks[k].state == b.tasks[k].state);
    CHECK(a.tasks[k].wait == b.tasks[k].wait);
    CHECK(a.tasks[k].line == b.tasks[k].line);
    CHECK(a.tasks[k].cancelling == b.tasks[k].cancelling);
  }
}

void check_same_lanes(const Model& a, const Model& b) {
  REQUIRE(a.lanes().size() == b.lanes().size());
  for (size_t l = 0; l < a.lanes().size(); ++l) {
    const Lane &x = a.lanes()[l], &y = b.lanes()[l];
    CHECK(x.label == y.label);
    REQUIRE(x.segments.size() == y.segments.size());
    for (size_t s = 0; s < x.segments.size(); ++s) {
      CHECK(x.segments[s].t0 == y.segments[s].t0);
      CHECK(x.segments[s].t1 == y.segments[s].t1);
      CHECK(x.segments[s].state == y.segments[s].state);
      CHECK(x.segments[s].blocked == y.segments[s].blocked);
    }
    CHECK(a.marks_of(x).size() == b.marks_of(y).size());
  }
  CHECK(a.wakeups().size() == b.wakeups().size());
}

// A real run long enough for many checkpoints: 12 tasks taking turns with
// sleep(0) and short sleeps. Every step counts as slow (slow_step_ns = 0), so
// the blocked flags, which are set on earlier segments, are exercised too.
Coroutine turn_taker(int turns) {
  for (int k = 0; k < turns; ++k) co_await sleep(k % 3 == 0 ? 0.001 : 0.0).at(3);
  co_return {};
}
Coroutine many_turns() {
  std::vector<Awaitable> children;
  for (int k = 0; k < 12; ++k) children.emplace_back(turn_taker(20).named("T" + std::to_string(k)));
  co_await at(gather_list(std::move(children), false), 7);
  co_return {};
}

}  // namespace

TEST_CASE("right after the TaskGroup's _on_task_done runs, S1-S3 and main are cancelling with their wakeups queued") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Model& m = sm->model;
  size_t cb = sm->find([](const Event& e) { return e.kind == Ev::ready_run && e.s1 && std::string(e.s1) == "TaskGroup._on_task_done"; });
  REQUIRE(cb < sm->events.size());
  // The last event of that handle: just before the next iteration begins.
  size_t end = sm->find([](const Event& e) { return e.kind == Ev::loop_iter; }, cb) - 1;
  LoopState s = m.state_at(end);
  std::vector<std::string> queued;
  for (const ReadyChip& c : s.ready) queued.push_back(c.label);
  CHECK(queued == std::vector<std::string>{"S1 wakeup", "S2 wakeup", "S3 wakeup", "main wakeup"});
  for (const char* name : {"S1", "S2", "S3", "main"}) {
    const TaskSnapshot& t = s.tasks[size_t(m.task_index(sm->task_id(name)))];
    CHECK_MESSAGE(t.cancelling, name);
    CHECK(t.state == TaskState::ready);
  }
  const TaskSnapshot& bad = s.tasks[size_t(m.task_index(sm->task_id("BAD")))];
  CHECK(bad.state == TaskState::done);
  CHECK(bad.outcome == Outcome::error);
  CHECK(s.running.label == std::string("TaskGroup._on_task_done"));
  // The timers of the three siblings and the body are still armed: cancellation reaches them next iteration.
  CHECK(s.timers.size() == 4);
}

TEST_CASE("while BAD sleeps the loop polls with the timeout of the nearest timer") {
  auto sm = run_scenario_model("taskgroup-cancel");
  size_t poll = sm->find([](const Event& e) { return e.kind == Ev::loop_poll && e.ref > 0; });
  REQUIRE(poll < sm->events.size());
  LoopState s = sm->model.state_at(poll);
  CHECK(s.phase == Phase::polling);
  CHECK(s.poll_timeout_ms == 10);
  CHECK(s.ready.empty());
  REQUIRE(s.timers.size() == 5);
  CHECK(s.timers.front().task == sm->task_id("BAD"));  // sorted by due time: BAD's 10 ms comes first
}

TEST_CASE("state_at equals a fresh replay from the start for every event of both scenarios") {
  for (const char* id : {"gather-errors", "taskgroup-cancel"}) {
    auto sm = run_scenario_model(id);
    for (size_t i = 0; i < sm->events.size(); ++i) {
      std::vector<Event> prefix(sm->events.begin(), sm->events.begin() + ptrdiff_t(i + 1));
      Model fresh;
      fresh.update(prefix, 0);
      check_same(sm->model.state_at(i), fresh.state_at(i));
    }
  }
}

TEST_CASE("on a long run, state from checkpoints equals the state kept while feeding events one by one") {
  Trace trace;
  LoopOptions opts;
  opts.slow_step_ns = 0;
  RunOutcome o = run_main(trace, many_turns, opts);
  REQUIRE(o.error.empty());
  REQUIRE(o.events.size() > 4 * Model::kSnapshotEvery);
  Model whole;
  whole.update(o.events, 0);
  // One at a time, as a live view with one new event per frame: the newest
  // state is derived incrementally, never from a checkpoint replay.
  std::vector<Event> live;
  Model one_by_one;
  for (size_t i = 0; i < o.events.size(); ++i) {
    live.push_back(o.events[i]);
    one_by_one.update(live, i);
    if (i % 37 == 0 || i % Model::kSnapshotEvery == Model::kSnapshotEvery - 1 || i + 1 == o.events.size())
      check_same(whole.state_at(i), one_by_one.state_at(i));
  }
  check_same_lanes(whole, one_by_one);
  check_clean(o);
}

TEST_CASE("events that arrive out of order are re-derived: the result equals feeding the final order at once") {
  Trace trace;
  LoopOptions opts;
  opts.slow_step_ns = 0;
  RunOutcome o = run_main(trace, many_turns, opts);
  REQUIRE(o.error.empty());
  const std::vector<Event>& all = o.events;
  Model whole;
  whole.update(all, 0);

  // A reader that receives a few events late, the way TraceReader inserts a
  // worker's events behind the loop's: each batch holds back some events,
  // which arrive with the next batch and are inserted in their place.
  std::vector<Event> live;
  std::vector<size_t> in_live;  // indexes into `all`, in live order
  Model model;
  size_t next = 0;
  const size_t batch = 300;
  while (next < all.size()) {
    size_t end = std::min(all.size(), next + batch);
    // Hold back every 50th event of this batch.
    std::vector<size_t> late;
    for (size_t i = next; i < end; ++i)
      if (i % 50 == 7 && i + 1 < end) late.push_back(i); else in_live.push_back(i);
    live.clear();
    for (size_t k : in_live) live.push_back(all[k]);
    model.update(live, live.size() - (end - next - late.size()));
    // Now they arrive: insert in order, report the first changed index.
    for (size_t k : late) in_live.push_back(k);
    std::sort(in_live.begin(), in_live.end());
    size_t changed = late.empty() ? live.size() : size_t(std::lower_bound(in_live.begin(), in_live.end(), late.front()) - in_live.begin());
    live.clear();
    for (size_t k : in_live) live.push_back(all[k]);
    model.update(live, changed);
    next = end;
  }
  REQUIRE(live.size() == all.size());
  for (size_t i = 0; i < all.size(); i += 7) check_same(whole.state_at(i), model.state_at(i));
  check_same_lanes(whole, model);
  CHECK(whole.next_notable(0) == model.next_notable(0));
  check_clean(o);
}
