// Every scenario's listing is real asyncio code: python3 runs it and prints
// the same lines, in the same order, as the engine's print events.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>

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
  for (auto [id, file] : {std::pair{"gather-errors", "gather_demo.py"}, std::pair{"taskgroup-cancel", "taskgroup_demo.py"},
                          std::pair{"gather-fail", "gather_fail_demo.py"}}) {
    CAPTURE(id);
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    CHECK(s->source(s->resolve({})) == slurp(std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/reference/" + file));
  }
}

TEST_CASE("the listings carry no instrumentation: no _run_once subclass, no iteration counter") {
  for (const Scenario& s : scenarios()) {
    CAPTURE(s.id);
    std::string src = s.source(s.resolve({}));
    CHECK(src.find("_run_once") == std::string::npos);
    CHECK(src.find("[it") == std::string::npos);
    CHECK(src.find("loop_factory") == std::string::npos);
  }
}

namespace {
// "[it N] text" per print, from the trace's iteration numbers.
std::vector<std::string> engine_prints_by_iteration(const std::string& id, double time_scale) {
  Trace trace;
  const Scenario* s = find_scenario(id);
  REQUIRE(s);
  RunOptions opts;
  opts.time_scale = time_scale;
  RunResult r = run_scenario(*s, s->resolve({}), trace, opts);
  CHECK(r.ok);
  CHECK(r.loop_close_rc == 0);
  std::vector<std::string> out;
  for (const Event& e : merged_events(trace))
    if (e.kind == Ev::print && e.loop == 0) {
      char it[16];
      std::snprintf(it, sizeof it, "[it%2u] ", e.it);
      out.push_back(it + std::string(e.s1));
    }
  return out;
}

// CPython 3.11's TaskGroup cancels its children in set order, which varies
// from run to run (tests/reference/README.md): within one iteration, lines
// are compared as a set there; their iteration numbers still must match.
std::vector<std::string> sorted_within_iterations(std::vector<std::string> v) {
  auto it_of = [](const std::string& l) { return l.substr(0, l.find(']')); };
  for (size_t a = 0; a < v.size();) {
    size_t b = a;
    while (b < v.size() && it_of(v[b]) == it_of(v[a])) ++b;
    std::sort(v.begin() + long(a), v.begin() + long(b));
    a = b;
  }
  return v;
}
}  // namespace

// iterations.py counts CPython's _run_once calls from outside the listing and
// prefixes each print with its iteration; the engine's prints carry theirs in
// the trace. Delays scaled 4x on both sides (timers 40 ms apart): iteration
// numbers depend on the order of timers only, not on a busy machine's speed.
TEST_CASE("python3 prints each line of the reference listings in the same loop iteration as the engine") {
  std::string runner = std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/reference/iterations.py";
  for (auto [id, set_order] : {std::pair{"gather-errors", false}, std::pair{"taskgroup-cancel", true},
                               std::pair{"gather-fail", false}}) {
    CAPTURE(id);
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    std::string py = temp_path(std::string(id) + "-it.py");
    {
      std::ofstream f(py);
      f << s->source(s->resolve({}));
    }
    Process p = run("python3 " + runner + " --scale 4 " + py);
    std::remove(py.c_str());
    REQUIRE(p.code == 0);
    std::vector<std::string> python = lines(p.out), engine = engine_prints_by_iteration(id, 4.0);
    REQUIRE(!python.empty());
    if (set_order) python = sorted_within_iterations(python), engine = sorted_within_iterations(engine);
    CHECK(python == engine);
  }
}
