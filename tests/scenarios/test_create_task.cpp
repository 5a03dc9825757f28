// create-task: the background task really runs while main awaits its own work.
#include "support/scenario_run.hpp"

using namespace loopscope::test;

TEST_CASE("a task made with create_task only starts at main's first await") {
  ScenarioRun r = run_scenario_id("create-task");
  // main prints in iteration 1 before awaiting; bg's first step is iteration 2.
  CHECK(r.iteration_of("main: started") == 1);
  uint32_t bg_first_step = 0;
  for (const auto& e : r.events)
    if (e.kind == loopscope::Ev::step_begin && e.task == 1) {
      bg_first_step = e.it;
      break;
    }
  CHECK(bg_first_step == 2);
}

TEST_CASE("the background task ticks while main sleeps on its own work") {
  // Tick 2 (two sleeps, their drift added up) must come before main's own work ends: at
  // time_scale 10 they are 200 ms apart, more than a loaded machine delays a timer.
  ScenarioRun r = run_scenario_id("create-task", {"steps=4", "period=0.05", "work=0.12"}, 10.0);
  auto p = r.prints();
  REQUIRE(p.size() == 7);
  CHECK(p[1] == "bg: tick 1");
  CHECK(p[2] == "bg: tick 2");
  CHECK(p[3] == "main: my own work is done");
  CHECK(p.back() == "main: bg finished 4 ticks");
}
