// A thread-pool job that finishes after its asyncio future was cancelled
// (tests/programs/executor_cancelled.py: wait_for gave up at its deadline;
// recorded under real CPython through `loopscope run`). Cancelling the future
// does not stop the thread; when the job ends, _chain_future's _set_state finds
// the future cancelled (futures._copy_future_state returns at once): the
// result is dropped and nothing wakes.
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

TEST_CASE("a thread job that ends after its future was cancelled is told as its result dropped, waking nothing") {
  const auto r = record_program("executor_cancelled.py");
  CHECK(r->out == "gave up; future cancelled: True\nthread: slow_io finished anyway\nmain done\n");
  std::vector<std::string> ends, pushes, runs;
  size_t after = 0;  // wakeups queued by the executor callback's run
  for (size_t i = 0; i < r->events.size(); ++i) {
    const Event& e = r->events[i];
    if (e.kind == Ev::pool_end) ends.push_back(model::narrate(r->model, i));
    if (e.kind == Ev::ready_push && as<ev::ReadyPush>(e).fn == HandleFn::pool_done) pushes.push_back(model::narrate(r->model, i));
    if (e.kind == Ev::ready_run && as<ev::ReadyRun>(e).fn == HandleFn::pool_done) {
      runs.push_back(model::narrate(r->model, i));
      for (size_t j = i + 1; j < r->events.size() && r->events[j].kind != Ev::ready_run &&
                             r->events[j].kind != Ev::loop_iter; ++j)
        after += r->events[j].kind == Ev::ready_push;
    }
  }
  REQUIRE(ends.size() == 1);
  REQUIRE(pushes.size() == 1);
  REQUIRE(runs.size() == 1);
  CAPTURE(ends[0]);
  CAPTURE(pushes[0]);
  CAPTURE(runs[0]);
  CHECK(after == 0);  // what the sentences say: nothing wakes
  CHECK(has(ends[0], "the asyncio future it would complete was cancelled already"));
  CHECK_FALSE(has(ends[0], "can then go on"));
  CHECK(has(pushes[0], "will find the future cancelled and drop the job's result"));
  CHECK(has(runs[0], "the job's result is dropped and nothing wakes"));
  CHECK_FALSE(has(runs[0], "it sets the result"));
}
