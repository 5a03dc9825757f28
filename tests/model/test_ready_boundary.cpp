// The ready queue's boundary: asyncio runs exactly the handles that were
// queued when an iteration's handles began (ntodo); those queued meanwhile
// wait for the next iteration. LoopState::this_iter says where the line is.
#include <doctest/doctest.h>

#include <map>

#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

TEST_CASE("handles before the boundary run in this iteration, those after it in the next") {
  for (const char* id : {"gather-errors", "taskgroup-cancel", "producer-consumer", "cooperative-yield", "timeout"}) {
    CAPTURE(id);
    auto sm = run_scenario_model(id);
    std::map<int32_t, uint32_t> ran_in;  // handle -> iteration of its ready.run (loop 0)
    for (const Event& e : sm->events)
      if (e.kind == Ev::ready_run && e.loop == 0) ran_in[e.id] = e.it;
    size_t split_seen = 0;
    for (size_t i = 0; i < sm->events.size(); ++i) {
      if (sm->events[i].loop != 0) continue;
      LoopState s = sm->model.state_at(i);
      if (s.phase != Phase::running) continue;
      REQUIRE(s.this_iter <= s.ready.size());
      split_seen += s.this_iter < s.ready.size();
      for (size_t k = 0; k < s.ready.size(); ++k) {
        auto it = ran_in.find(s.ready[k].handle);
        if (it == ran_in.end()) continue;  // never ran (the run ended first)
        CAPTURE(i);
        CAPTURE(k);
        CHECK(it->second == (k < s.this_iter ? s.it : s.it + 1));
      }
    }
    CHECK(split_seen > 0);  // every one of these runs queues handles for a later iteration while one runs
  }
}
