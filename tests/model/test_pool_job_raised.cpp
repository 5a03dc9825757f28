// A thread-pool job whose function raised (tests/programs/executor_raises.py,
// recorded under real CPython through `loopscope run`): its pool.end has
// raised, and the sentences of its end, of the executor callback that comes
// back to the loop (_chain_future's _set_state) and of the wakeup it queues
// say that the exception, not a result, goes back to the awaiting task.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("a thread job that raised is told as its exception going back to the awaiting task, not a result") {
  const auto r = record_program("executor_raises.py");
  CHECK(r->out == "sum: 6\nno config, errno 2\n");
  std::vector<std::string> ends, pushes, runs, wakeups;
  for (size_t i = 0; i < r->events.size(); ++i) {
    const Event& e = r->events[i];
    const std::string s = model::narrate(r->model, i);
    if (e.kind == Ev::pool_end) ends.push_back(s);
    if (e.kind == Ev::ready_push && as<ev::ReadyPush>(e).fn == HandleFn::pool_done) pushes.push_back(s);
    if (e.kind == Ev::ready_run && as<ev::ReadyRun>(e).fn == HandleFn::pool_done) runs.push_back(s);
    if (e.kind == Ev::ready_push && as<ev::ReadyPush>(e).fn == HandleFn::task_wakeup) wakeups.push_back(s);
  }
  REQUIRE(ends.size() == 2);  // add, then read_config
  REQUIRE(pushes.size() == 2);
  REQUIRE(runs.size() == 2);
  CAPTURE(ends[1]);
  CAPTURE(pushes[1]);
  CAPTURE(runs[1]);
  CHECK(has(ends[0], "The result goes back to the loop"));
  CHECK(has(ends[1], "its function raised an exception. The exception goes back to the loop"));
  CHECK_FALSE(has(ends[1], "The result"));
  CHECK(has(pushes[0], "sets the executor future's result"));
  CHECK(has(pushes[1], "sets the exception the job raised on the executor future"));
  CHECK(has(runs[0], "it sets the result of the executor future"));
  CHECK(has(runs[1], "it sets the exception the job raised on the executor future"));
  CHECK(has(runs[1], "the exception is raised at Task-1's await"));
  size_t raised = 0, result = 0;
  for (const std::string& s : wakeups) {
    raised += has(s, "The executor's job raised: its exception came back to the loop");
    result += has(s, "The executor's result came back to the loop");
  }
  CHECK(raised == 1);
  CHECK(result == 1);
}
