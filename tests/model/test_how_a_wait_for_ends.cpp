// How a 3.11 wait_for() ends, told from the trace's order alone: the inner
// awaitable finished first; the deadline passed (its timer fired), so wait_for
// cancelled the inner awaitable, waited for it (_cancel_and_wait) and raises
// TimeoutError, or returns the result of an inner task that swallowed the
// cancellation; or the task in wait_for was cancelled itself, and wait_for
// cancels the inner task, waits for it and raises the CancelledError again.
// Programs recorded under CPython: tests/programs/wait_for_gives_up.py and
// wait_for_cancelled.py.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The sentences of wait_for's _release_waiter (its push and run) that its deadline's timer did not queue,
// and of the wakeups they queue.
std::vector<std::string> releases(const RecordedProgram& r) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    if (e.kind == Ev::ready_push && as<ev::ReadyPush>(e).fn == HandleFn::wait_for_release_waiter &&
        Cause(e.code) != Cause::timer)
      out.push_back(model::narrate(r.model, i));
  }
  return out;
}
std::vector<std::string> step_ends_in_wait_for(const RecordedProgram& r) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::step_end && as<ev::StepEnd>(r.events[i]).on == AwaitOn::wait_for)
      out.push_back(model::narrate(r.model, i));
  return out;
}
std::vector<std::string> runs(const RecordedProgram& r, HandleFn fn) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::ready_run && as<ev::ReadyRun>(r.events[i]).fn == fn) out.push_back(model::narrate(r.model, i));
  return out;
}
}  // namespace

TEST_CASE("wait_for past its deadline cancels a shield's or an executor's future and raises TimeoutError, or returns what a stubborn inner task returned") {
  const auto r = record_program("wait_for_gives_up.py");
  REQUIRE(r->out == "shield: gave up waiting; save still running: True\nshield: saved\n"
                    "executor: gave up; future cancelled: True\nstubborn: partial result\n");
  // Three waits, each past its deadline: the second await of each is _cancel_and_wait's.
  const std::vector<std::string> ends = step_ends_in_wait_for(*r);
  REQUIRE(ends.size() == 6);
  for (size_t k : {1, 3}) {
    CAPTURE(ends[k]);
    CHECK(has(ends[k], "the deadline has passed and wait_for has cancelled the future it waits on (not a task"));
    CHECK(has(ends[k], "raises TimeoutError"));
  }
  CAPTURE(ends[5]);
  CHECK(has(ends[5], "the deadline has passed and wait_for has cancelled Task-3"));
  // No release after a deadline is told as the inner having finished first.
  std::vector<std::string> said = releases(*r);
  for (const std::string& s : runs(*r, HandleFn::wait_for_release_waiter)) said.push_back(s);
  REQUIRE(said.size() == 6 + 3);  // three pushes, three runs of _cancel_and_wait's release; three deadline runs
  size_t timeout = 0, returned = 0;
  for (const std::string& s : said) {
    CAPTURE(s);
    CHECK_FALSE(has(s, "finished before the deadline"));
    CHECK_FALSE(has(s, "The inner task of Task-1's wait_for has finished"));
    timeout += has(s, "Then wait_for raises TimeoutError in Task-1.");
    returned += has(s, "Task-3 caught the CancelledError and returned, so wait_for returns Task-3's result ('partial "
                       "result') in Task-1 instead of raising TimeoutError.");
  }
  CHECK(timeout == 4);   // shield and executor: the push and the run of each
  CHECK(returned == 2);  // the stubborn task: its push and run
}

TEST_CASE("a task cancelled while in wait_for is told to re-raise CancelledError, not TimeoutError") {
  const auto r = record_program("wait_for_cancelled.py");
  REQUIRE(r->out == "download: cancelled, cleaning up\nclient: cancelled while in wait_for\nmain: client is cancelled\n");
  const std::vector<std::string> ends = step_ends_in_wait_for(*r);
  REQUIRE(ends.size() == 2);
  CAPTURE(ends[1]);
  CHECK(has(ends[1], "client was cancelled while in asyncio.wait_for"));
  CHECK(has(ends[1], "Then wait_for raises the CancelledError again (3.11)"));
  std::vector<std::string> said = releases(*r);
  for (const std::string& s : runs(*r, HandleFn::wait_for_release_waiter)) said.push_back(s);
  REQUIRE(said.size() == 2);
  for (const std::string& s : said) {
    CAPTURE(s);
    CHECK((has(s, "client was cancelled") || has(s, "client itself was cancelled")));
    CHECK(has(s, "wait_for raises the CancelledError again in client"));
    CHECK_FALSE(has(s, "deadline"));
    CHECK_FALSE(has(s, "TimeoutError"));
  }
  // Nor does the wakeup the release queues speak of a deadline.
  for (size_t i = 0; i < r->events.size(); ++i)
    if (r->events[i].kind == Ev::ready_push && as<ev::ReadyPush>(r->events[i]).fn == HandleFn::task_wakeup &&
        r->model.task(r->events[i].task)->name == "client") {
      const std::string s = model::narrate(r->model, i);
      CAPTURE(s);
      CHECK_FALSE(has(s, "before the deadline"));
      CHECK_FALSE(has(s, "TimeoutError"));
    }
}
