// The reference programs: scenarios gather-errors, taskgroup-cancel and
// gather-fail print exactly what CPython 3.11 printed for
// tests/reference/*_demo.py, line for line, iteration numbers included. The
// listings print no iteration numbers: tests/reference/iterations.py counted
// CPython's `_run_once` calls from outside the program, and here each print
// gets the iteration its trace event carries.
#include <cstdio>
#include <fstream>

#include "scenarios/scenario.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

struct ScenarioPrints {
  std::vector<std::string> prints;
  RunResult result;
};

ScenarioPrints run_prints(const std::string& id) {
  const Scenario* s = find_scenario(id);
  REQUIRE_MESSAGE(s, "scenario " << id << " is not registered");
  Trace trace;
  ScenarioPrints out;
  // Delays scaled up 4x (gaps of 40 ms instead of 10 ms): iteration numbers
  // depend only on the order of timers, and wider gaps keep a loaded machine
  // (ctest -j, sanitizers) from merging two timers into one poll.
  RunOptions opts;
  opts.time_scale = 4.0;
  out.result = run_scenario(*s, s->resolve({}), trace, opts);
  for (const Event& e : merged_events(trace))
    if (e.kind == Ev::print) {
      char it[16];
      std::snprintf(it, sizeof it, "[it%2u] ", e.it);
      out.prints.emplace_back(it + std::string(e.s1));
    }
  return out;
}

void check_matches(const std::string& id, const std::string& expected_file) {
  std::vector<std::string> expected = read_lines(std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/reference/" + expected_file);
  ScenarioPrints got = run_prints(id);
  CHECK(got.result.ok);
  CHECK(got.result.loop_close_rc == 0);
  CHECK(live_frames().load() == 0);
  REQUIRE(got.prints.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(got.prints[i] == expected[i]);
  }
}
}  // namespace

TEST_CASE("scenario gather-errors prints what CPython printed for gather_demo.py, iteration numbers included") {
  check_matches("gather-errors", "gather_demo.expected");
}

TEST_CASE("scenario taskgroup-cancel prints what CPython printed for taskgroup_demo.py, iteration numbers included") {
  check_matches("taskgroup-cancel", "taskgroup_demo.expected");
}

TEST_CASE("scenario gather-fail prints what CPython printed for gather_fail_demo.py, iteration numbers included") {
  check_matches("gather-fail", "gather_fail_demo.expected");
}
