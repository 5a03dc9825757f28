// run_until_complete ends with future.result(): when the task it runs ended
// with an exception, it raises that exception instead of returning a result
// (tests/programs/main_raises_caught.py, recorded under real CPython through
// `loopscope run`; the program catches it around asyncio.run).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("run_until_complete of a task that raised is told as raising its exception, not returning its result") {
  const auto r = record_program("main_raises_caught.py");
  CHECK(r->out == "asyncio.run raised ValueError('main failed')\n");
  std::vector<std::string> runs;
  for (size_t i = 0; i < r->events.size(); ++i)
    if (r->events[i].kind == Ev::ready_run && as<ev::ReadyRun>(r->events[i]).fn == HandleFn::run_until_complete_cb)
      runs.push_back(model::narrate(r->model, i));
  REQUIRE(!runs.empty());
  CAPTURE(runs[0]);  // main's; asyncio.run's shutdown steps follow, which return normally
  CHECK(runs[0].find("run_until_complete raises Task-1's exception (ValueError('main failed'))") != std::string::npos);
  CHECK(runs[0].find("returns Task-1's result") == std::string::npos);
  for (size_t i = 1; i < runs.size(); ++i) CHECK(runs[i].find("'s result.") != std::string::npos);
}
