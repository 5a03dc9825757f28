// A task cancelled again after uncancel(): asyncio.timeout's retry loop
// (tests/programs/timeout_retry.py, recorded under real CPython through
// `loopscope run`). Each timed-out attempt is a cancel() of main by
// Timeout._on_timeout, which Timeout.__aexit__ takes back with uncancel() before
// it raises TimeoutError; the second attempt's cancel is one as the first was.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// The sentences of the step.begins that CancelledError is thrown into.
std::vector<std::string> cancelled_steps(const std::vector<Event>& events, const model::Model& m) {
  std::vector<std::string> out;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].kind == Ev::step_begin && as<ev::StepBegin>(events[i]).thrown &&
        std::string(as<ev::StepBegin>(events[i]).thrown) == "CancelledError")
      out.push_back(model::narrate(m, i));
  return out;
}
}  // namespace

TEST_CASE("each timed-out attempt of a retry loop is told as the task's cancellation by Timeout._on_timeout") {
  const auto r = record_program("timeout_retry.py");
  CHECK(r->out == "attempt 1 timed out\nattempt 2 timed out\nattempt 3 value 42\n");
  size_t cancels = 0;
  for (const Event& e : r->events) cancels += e.kind == Ev::task_cancel;
  CHECK(cancels == 2);
  const std::vector<std::string> steps = cancelled_steps(r->events, r->model);
  REQUIRE(steps.size() == 2);
  for (const std::string& s : steps) {
    CAPTURE(s);
    CHECK_FALSE(has(s, "itself was not"));
    CHECK(has(s, "The canceller was asyncio.timeout's Timeout._on_timeout"));
  }
}

TEST_CASE("a trace of an older recorder with no second task cancel still tells the second timeout as a cancellation") {
  const auto r = record_program("timeout_retry.py");
  // What recorders before December 2026 wrote: the second cancel() only as its wakeup's cause.
  std::vector<Event> old;
  size_t cancels = 0;
  for (const Event& e : r->events)
    if (e.kind != Ev::task_cancel || ++cancels < 2) old.push_back(e);
  REQUIRE(old.size() + 1 == r->events.size());
  model::Model m;
  m.update(old, 0);
  const std::vector<std::string> steps = cancelled_steps(old, m);
  REQUIRE(steps.size() == 2);
  CAPTURE(steps[1]);
  CHECK_FALSE(has(steps[1], "itself was not"));
  CHECK(has(steps[1], "The canceller was asyncio.timeout's Timeout._on_timeout"));
}
