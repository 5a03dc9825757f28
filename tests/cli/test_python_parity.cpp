// Every scenario's listing is real asyncio code: python3 runs it and prints
// the same lines, in the same order, as the engine's print events.
#include <doctest/doctest.h>

#include "core/trace_json.hpp"
#include "scenarios/scenario.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
// Timing-dependent listings (the [itN] ones count iterations between timers
// 10 ms apart) can slip on a loaded machine, in CPython as in the engine; a
// mismatch is retried a few times before it counts.
constexpr int kAttempts = 3;

std::vector<std::string> engine_prints(const std::string& id) {
  Trace trace;
  const Scenario* s = find_scenario(id);
  REQUIRE(s);
  RunResult r = run_scenario(*s, s->resolve({}), trace);
  CHECK(r.ok);
  CHECK(r.loop_close_rc == 0);
  std::vector<std::string> out;
  for (const Event& e : merged_events(trace))
    if (e.kind == Ev::print) out.emplace_back(e.s1);  // every loop, in time order
  return out;
}
}  // namespace

TEST_CASE("each scenario's Python listing prints what the engine prints") {
  for (const Scenario& s : scenarios()) {
    CAPTURE(s.id);
    std::string py = temp_path(s.id + ".py");
    {
      std::ofstream f(py);
      f << s.source(s.resolve({}));
    }
    std::vector<std::string> python, engine;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      Process p = run("python3 " + py);
      REQUIRE(p.code == 0);
      python = lines(p.out);
      engine = engine_prints(s.id);
      if (python == engine) break;
    }
    std::remove(py.c_str());
    CHECK(python == engine);
  }
}

TEST_CASE("the reference programs' listings are the scenarios' listings, unchanged") {
  for (auto [id, file] : {std::pair{"gather-errors", "gather_demo.py"}, std::pair{"taskgroup-cancel", "taskgroup_demo.py"}}) {
    CAPTURE(id);
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    CHECK(s->source(s->resolve({})) == slurp(std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/reference/" + file));
  }
}
