// Moving the playhead: by event, task step, iteration and notable event,
// forwards and backwards, and by time; every move clamps at the ends.
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

TEST_CASE("stepping by iteration visits every loop.iter of loop 0 in order, and back") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Model& m = sm->model;
  std::vector<size_t> forward;
  for (size_t i = 0, n = 0; n < 100; ++n) {
    size_t j = m.next_iteration(i);
    if (j == i) break;
    CHECK(sm->events[j].kind == Ev::loop_iter);
    forward.push_back(j);
    i = j;
  }
  CHECK(forward.size() == 9);
  for (size_t k = forward.size() - 1; k > 0; --k) CHECK(m.prev_iteration(forward[k]) == forward[k - 1]);
  CHECK(m.prev_iteration(forward.front()) == forward.front());  // nothing before: stays
}

TEST_CASE("stepping by task step lands on step.begin events, skipping callbacks") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Model& m = sm->model;
  size_t i = m.next_step(0);
  CHECK(sm->events[i].kind == Ev::step_begin);
  CHECK(sm->events[i].task == sm->task_id("main"));
  size_t second = m.next_step(i);
  CHECK(sm->events[second].task == sm->task_id("S1"));
  CHECK(m.prev_step(second) == i);
}

TEST_CASE("the notable events of taskgroup-cancel are BAD's error and the four cancellations") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const Model& m = sm->model;
  std::vector<Ev> kinds;
  for (size_t i = 0, j; (j = m.next_notable(i)) != i; i = j) kinds.push_back(sm->events[j].kind);
  CHECK(kinds == std::vector<Ev>{Ev::task_done, Ev::task_cancel, Ev::task_cancel, Ev::task_cancel, Ev::task_cancel});
  size_t last = m.size() - 1;
  size_t back = m.prev_notable(last);
  CHECK(sm->events[back].kind == Ev::task_cancel);
  CHECK(sm->events[back].task == sm->task_id("main"));
}

TEST_CASE("event stepping and time lookup clamp at both ends") {
  auto sm = run_scenario_model("gather-errors");
  const Model& m = sm->model;
  CHECK(m.prev_event(0) == 0);
  CHECK(m.next_event(m.size() - 1) == m.size() - 1);
  CHECK(m.next_event(5) == 6);
  CHECK(m.prev_event(6) == 5);
  CHECK(m.index_at_time(-1) == 0);
  CHECK(m.index_at_time(m.end_ns() + 1'000'000'000) == m.size() - 1);
  size_t fire = sm->find([](const Event& e) { return e.kind == Ev::timer_fire; });
  size_t at = m.index_at_time(sm->events[fire].t_ns);
  CHECK(sm->events[at].t_ns == sm->events[fire].t_ns);
  CHECK(at >= fire);  // the last event at that time
}
