// Task colours: tasks alive at the same time never share one, in any
// scenario, so two lanes, chips, cursors or console marks on screen together
// never look alike (issue: main and G shared a hue in gather-errors).
#include <doctest/doctest.h>

#include <set>
#include <utility>

#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
// Servers at a tenth of their default work: the rule does not depend on how long they take.
std::unique_ptr<ScenarioModel> run_quick(const Scenario& s) {
  auto sm = std::make_unique<ScenarioModel>();
  std::vector<std::string> sets;
  for (const Param& p : s.params)
    if (p.key == "work" || p.key == "delay") sets.push_back(p.key + "=0.05");
  sm->result = run_scenario(s, s.resolve(sets), sm->trace);
  REQUIRE(sm->result.loop_close_rc == 0);
  sm->events = merged_events(sm->trace);
  sm->model.update(sm->events, 0);
  return sm;
}

// [created, done] as event indexes (done = the last event when the task never ends).
std::pair<size_t, size_t> life(const ScenarioModel& sm, const TaskInfo& t) {
  size_t done = sm.find([&](const Event& e) { return e.kind == Ev::task_done && e.loop == t.loop && e.task == t.id; },
                        t.created_at);
  return {t.created_at, done < sm.events.size() ? done : sm.events.size() - 1};
}
}  // namespace

TEST_CASE("in every scenario, tasks alive at the same time have different colours and looks") {
  for (const Scenario& s : scenarios()) {
    CAPTURE(s.id);
    auto sm = run_quick(s);
    const auto& tasks = sm->model.tasks();
    REQUIRE(!tasks.empty());
    size_t overlapping = 0;
    for (size_t a = 0; a < tasks.size(); ++a)
      for (size_t b = a + 1; b < tasks.size(); ++b) {
        auto la = life(*sm, tasks[a]), lb = life(*sm, tasks[b]);
        if (la.second < lb.first || lb.second < la.first) continue;  // never on screen alive together
        ++overlapping;
        CAPTURE(tasks[a].name);
        CAPTURE(tasks[b].name);
        CHECK(tasks[a].color != tasks[b].color);
        // What the view draws: the hue, and the pattern that tells a repeated hue apart.
        CHECK(std::pair{tasks[a].color % kTaskHues, tasks[a].color / kTaskHues} !=
              std::pair{tasks[b].color % kTaskHues, tasks[b].color / kTaskHues});
      }
    if (tasks.size() > 1) CHECK(overlapping > 0);
  }
}

TEST_CASE("in gather-errors main and G, alive together, get different colours") {
  auto sm = run_scenario_model("gather-errors");
  const TaskInfo* main = sm->model.task(sm->task_id("main"));
  const TaskInfo* g = sm->model.task(sm->task_id("G"));
  REQUIRE(main);
  REQUIRE(g);
  CHECK(main->color != g->color);
  // Nine tasks, never more than five alive at once: no hue needs repeating.
  for (const TaskInfo& t : sm->model.tasks()) CHECK(t.color < kTaskHues);
}

TEST_CASE("a colour is used again only after its task is done") {
  auto sm = run_scenario_model("gather-errors");
  const TaskInfo* a = sm->model.task(sm->task_id("A"));
  const TaskInfo* d = sm->model.task(sm->task_id("D"));
  REQUIRE(a);
  REQUIRE(d);
  // A, B and C are done before D is created: D takes the lowest free colour, A's.
  CHECK(life(*sm, *a).second < d->created_at);
  CHECK(d->color == a->color);
}
