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
// Listings that count loop iterations ([itN]) print numbers that depend on
// which timers 10 ms apart share an iteration. Both sides run them with every
// asyncio.sleep 4x longer (the engine's time_scale; in CPython a patched
// asyncio.sleep), so 10 ms becomes 40 ms and a loaded machine cannot merge them.
constexpr double kIterationScale = 4;

bool counts_iterations(const std::string& listing) { return listing.find("_run_once") != std::string::npos; }

std::vector<std::string> engine_prints(const std::string& id, double scale) {
  Trace trace;
  const Scenario* s = find_scenario(id);
  REQUIRE(s);
  RunOptions opts;
  opts.time_scale = scale;
  RunResult r = run_scenario(*s, s->resolve({}), trace, opts);
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
    const std::string listing = s.source(s.resolve({}));
    {
      std::ofstream f(py);
      f << listing;
    }
    const bool scaled = counts_iterations(listing);
    const std::string python_cmd =
        scaled ? "python3 -c 'import asyncio, runpy, sys; s = asyncio.sleep; "
                 "asyncio.sleep = lambda d, *a, **k: s(d * 4, *a, **k); runpy.run_path(sys.argv[1], run_name=\"__main__\")' " + py
               : "python3 " + py;
    Process p = run(python_cmd);
    REQUIRE_MESSAGE(p.code == 0, p.err);
    std::vector<std::string> python = lines(p.out);
    std::vector<std::string> engine = engine_prints(s.id, scaled ? kIterationScale : 1.0);
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
