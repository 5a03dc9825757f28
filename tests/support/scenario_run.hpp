// Test support: run a registered scenario with parameters and query its trace.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/scenario.hpp"

namespace loopscope::test {

struct ScenarioRun {
  std::unique_ptr<Trace> trace = std::make_unique<Trace>();
  RunResult result;
  std::vector<Event> events;

  std::vector<std::string> prints(int loop = 0) const {
    std::vector<std::string> out;
    for (const Event& e : events)
      if (e.kind == Ev::print && e.loop == loop) out.emplace_back(e.s1);
    return out;
  }
  // t_ns of the first print whose text starts with `prefix` (-1 if none).
  int64_t time_of(const std::string& prefix) const {
    for (const Event& e : events)
      if (e.kind == Ev::print && std::string(e.s1).rfind(prefix, 0) == 0) return e.t_ns;
    return -1;
  }
  uint32_t iteration_of(const std::string& prefix) const {
    for (const Event& e : events)
      if (e.kind == Ev::print && std::string(e.s1).rfind(prefix, 0) == 0) return e.it;
    return 0;
  }
  // (iteration, text) of each print: what the iteration-counting CPython loop prints.
  std::vector<std::pair<uint32_t, std::string>> prints_by_iteration() const {
    std::vector<std::pair<uint32_t, std::string>> out;
    for (const Event& e : events)
      if (e.kind == Ev::print) out.emplace_back(e.it, e.s1);
    return out;
  }
  // The id of the first task created with this name (-1 if none).
  int32_t task_named(const std::string& name) const {
    for (const Event& e : events)
      if (e.kind == Ev::task_new && name == e.s1) return e.task;
    return -1;
  }
  size_t count(Ev kind) const {
    size_t n = 0;
    for (const Event& e : events) n += e.kind == kind;
    return n;
  }
};

// `time_scale` multiplies every delay: iteration-exact checks use one where the
// scenario's shortest gap between timers is 40 ms or more, so a loaded machine
// cannot merge two timers into one iteration.
inline ScenarioRun run_scenario_id(const std::string& id, const std::vector<std::string>& sets = {},
                                   double time_scale = 1.0) {
  ScenarioRun r;
  const Scenario* s = find_scenario(id);
  REQUIRE_MESSAGE(s, "no scenario " << id);
  RunOptions opts;
  opts.time_scale = time_scale;
  r.result = run_scenario(*s, s->resolve(sets), *r.trace, opts);
  r.events = merged_events(*r.trace);
  CHECK_MESSAGE(r.result.ok, id << " failed: " << r.result.error);
  CHECK_MESSAGE(r.result.loop_close_rc == 0, "uv_loop_close() must return 0");
  CHECK_MESSAGE(live_frames().load() == 0, "no coroutine frame may outlive the run");
  return r;
}

}  // namespace loopscope::test
