// cooperative-yield: a ready task runs once per iteration, in FIFO order,
// with plain callbacks on the same queue.
#include <map>

#include "support/scenario_run.hpp"

using namespace loopscope::test;

TEST_CASE("the workers alternate one turn per iteration, as CPython does") {
  ScenarioRun r = run_scenario_id("cooperative-yield", {"turns=3"});
  // CPython 3.11 with an iteration-counting loop (docs/engine.md's) prints:
  const std::vector<std::pair<uint32_t, std::string>> cpython = {
      {1, "main: two tasks and a callback are queued"},
      {2, "A: turn 1"},
      {2, "callback: a plain function from call_soon"},
      {2, "B: turn 1"},
      {3, "A: turn 2"},
      {3, "B: turn 2"},
      {4, "A: turn 3"},
      {4, "B: turn 3"},
      {5, "A: finished"},
      {5, "B: finished"},
      {7, "main: both workers are done"},
  };
  CHECK(r.prints_by_iteration() == cpython);
}

TEST_CASE("each worker takes exactly one step per iteration while it has turns left") {
  ScenarioRun r = run_scenario_id("cooperative-yield", {"turns=4"});
  std::map<std::pair<int32_t, uint32_t>, int> steps;  // (task, iteration) -> steps
  for (const auto& e : r.events)
    if (e.kind == loopscope::Ev::step_begin) ++steps[{e.task, e.it}];
  for (int32_t task : {1, 2})
    for (uint32_t it = 2; it <= 6; ++it) {
      CAPTURE(task);
      CAPTURE(it);
      CHECK(steps[{task, it}] == 1);
    }
}

TEST_CASE("the callback queued between the two tasks runs between their first steps") {
  ScenarioRun r = run_scenario_id("cooperative-yield");
  auto p = r.prints();
  REQUIRE(p.size() >= 4);
  CHECK(p[1] == "A: turn 1");
  CHECK(p[2] == "callback: a plain function from call_soon");
  CHECK(p[3] == "B: turn 1");
  // It is a plain handle, not a task: the print has no task.
  for (const auto& e : r.events)
    if (e.kind == loopscope::Ev::print && std::string(e.s1).rfind("callback", 0) == 0) CHECK(e.task == -1);
}
