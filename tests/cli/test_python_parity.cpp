// Every scenario's listing is real asyncio code: python3 runs it and prints
// the same lines, in the same order, as the engine's print events.
#include <doctest/doctest.h>

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
  for (auto [id, file] : {std::pair{"gather-errors", "gather_demo.py"}, std::pair{"taskgroup-cancel", "taskgroup_demo.py"}}) {
    CAPTURE(id);
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    CHECK(s->source(s->resolve({})) == slurp(std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/reference/" + file));
  }
}
