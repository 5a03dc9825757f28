// Timeline lanes: one per loop, one per task, one per pool worker, each a
// sequence of ready / running / waiting / done segments rebuilt from the trace.
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
// The state of a lane at time t (the segment covering t), or unborn.
const Segment* segment_at(const Lane& lane, int64_t t) {
  for (const Segment& s : lane.segments)
    if (s.t0 <= t && t <= s.t1) return &s;
  return nullptr;
}
void check_well_formed(const Lane& lane) {
  for (size_t i = 0; i < lane.segments.size(); ++i) {
    CHECK(lane.segments[i].t0 <= lane.segments[i].t1);
    if (i > 0) CHECK(lane.segments[i - 1].t1 <= lane.segments[i].t0);
  }
}
}  // namespace

TEST_CASE("every loop and every task gets a lane, with sorted, disjoint segments") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Model& m = sm->model;
  REQUIRE(m.tasks().size() == 5);
  CHECK(m.loop_lane(0) >= 0);
  CHECK(m.lanes()[size_t(m.loop_lane(0))].kind == LaneKind::loop);
  for (const char* name : {"main", "S1", "S2", "S3", "BAD"}) CHECK(sm->lane_of(name).label == name);
  for (const Lane& l : m.lanes()) check_well_formed(l);
  CHECK(m.finished());
  CHECK(std::string(m.scenario()) == "taskgroup-cancel");
}

TEST_CASE("in taskgroup-cancel BAD's lane ends done with an error in the iteration where it raises") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Lane& bad = sm->lane_of("BAD");
  REQUIRE(!bad.segments.empty());
  const Segment& last = bad.segments.back();
  CHECK(last.state == TaskState::done);
  CHECK(last.outcome == Outcome::error);
  size_t raise = sm->find_print("BAD: raise ValueError");
  REQUIRE(raise < sm->events.size());
  CHECK(sm->events[last.first_event].kind == Ev::task_done);
  CHECK(sm->events[last.first_event].it == sm->events[raise].it);
  // Before that BAD was running its wakeup step, and before that it slept.
  const Segment& run = bad.segments[bad.segments.size() - 2];
  CHECK(run.state == TaskState::running);
  const Segment* slept = segment_at(bad, sm->events[raise].t_ns - 5'000'000);
  REQUIRE(slept != nullptr);
  CHECK(slept->state == TaskState::waiting);
  CHECK(slept->wait == Wait::sleep);
}

TEST_CASE("a cancelled sibling's lane goes ready, running, then done cancelled, with a cancel mark") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Lane& s1 = sm->lane_of("S1");
  REQUIRE(s1.segments.size() >= 4);
  size_t n = s1.segments.size();
  CHECK(s1.segments[n - 3].state == TaskState::ready);
  CHECK(s1.segments[n - 2].state == TaskState::running);
  CHECK(s1.segments[n - 1].state == TaskState::done);
  CHECK(s1.segments[n - 1].outcome == Outcome::cancelled);
  const std::vector<Mark> marks = sm->model.marks_of(s1);
  REQUIRE(marks.size() >= 1);
  bool cancel_mark = false;
  for (const Mark& mk : marks) cancel_mark |= mk.kind == Ev::task_cancel;
  CHECK(cancel_mark);
}

TEST_CASE("the loop lane alternates polling and running handles, and the long poll waits for BAD's timer") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Lane& loop = sm->model.lanes()[size_t(sm->model.loop_lane(0))];
  int64_t longest = 0;
  size_t polls = 0, runs = 0;
  for (const Segment& s : loop.segments) {
    if (s.state == TaskState::waiting) {
      ++polls;
      longest = std::max(longest, s.t1 - s.t0);
    } else {
      CHECK(s.state == TaskState::running);
      ++runs;
    }
  }
  CHECK(polls == 9);  // one poll per iteration
  CHECK(runs >= 10);
  CHECK(longest >= 9'000'000);  // BAD sleeps 10 ms; the loop sleeps in epoll meanwhile
}

TEST_CASE("wake-up arrows point from the cause's lane to the woken task") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Model& m = sm->model;
  const int32_t loop = m.loop_lane(0), bad = sm->model.task(sm->task_id("BAD"))->lane;
  bool timer_to_bad = false;
  int cancels_from_bad = 0;
  for (const Wakeup& w : m.wakeups()) {
    CHECK(w.t_from <= w.t_to);
    if (w.from_lane == loop && w.to_lane == bad && w.cause == Cause::timer) timer_to_bad = true;
    if (w.from_lane == bad && w.cause == Cause::cancel) ++cancels_from_bad;
  }
  CHECK(timer_to_bad);          // BAD's timer fired, its callback set the sleep future, BAD woke
  CHECK(cancels_from_bad == 4);  // BAD's failure cancels S1, S2, S3 and the body (main)
}

TEST_CASE("in gather-errors main is woken by the child whose completion finished the gather") {
  auto sm = run_scenario_model("gather-errors");
  const Model& m = sm->model;
  const int32_t main_lane = m.task(sm->task_id("main"))->lane;
  const int32_t a_lane = m.task(sm->task_id("A"))->lane;
  bool from_a = false;
  for (const Wakeup& w : m.wakeups()) from_a |= w.from_lane == a_lane && w.to_lane == main_lane;
  CHECK(from_a);  // A (30 ms) is the last of A, B, C to finish
}
