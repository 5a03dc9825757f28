// Test support for the view model: run a real scenario on a real loop, merge
// its trace, and feed it to a Model (at once, or in live-style batches).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "scenarios/scenario.hpp"

namespace loopscope::test {

struct ScenarioModel {
  Trace trace;  // owns the strings the events point to
  RunResult result;
  std::vector<Event> events;
  model::Model model;

  // Index of the first event matching `pred` at or after `from` (events.size() if none).
  template <class Pred>
  size_t find(Pred pred, size_t from = 0) const {
    for (size_t i = from; i < events.size(); ++i)
      if (pred(events[i])) return i;
    return events.size();
  }
  size_t find_print(const std::string& text) const {
    return find([&](const Event& e) { return e.kind == Ev::print && e.s1 && text == e.s1; });
  }
  int32_t task_id(const std::string& name) const {
    for (const model::TaskInfo& t : model.tasks())
      if (t.name == name) return t.id;
    return -1;
  }
  const model::Lane& lane_of(const std::string& name) const {
    const model::TaskInfo* t = model.task(task_id(name));
    REQUIRE(t != nullptr);
    return model.lanes()[size_t(t->lane)];
  }
};

inline std::unique_ptr<ScenarioModel> run_scenario_model(const std::string& id) {
  auto sm = std::make_unique<ScenarioModel>();
  const Scenario* s = find_scenario(id);
  REQUIRE(s != nullptr);
  sm->result = run_scenario(*s, s->resolve({}), sm->trace);
  REQUIRE(sm->result.loop_close_rc == 0);
  sm->events = merged_events(sm->trace);
  sm->model.update(sm->events, 0);
  return sm;
}

}  // namespace loopscope::test
