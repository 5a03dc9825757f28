// Who cancelled a task, as CPython did it and the Why panel tells it
// (tests/programs/cancel_chain.py and runner_left_over.py recorded under real CPython through
// `loopscope run`). CPython's C Task cannot be hooked, so the recorder sees a
// cancel() when it queues the task's wakeup or, the task's step being queued
// already, when that step runs; a task awaiting another passes its cancel on
// (Task.cancel cancels what it awaits), and that one's canceller is the
// awaiting task, not the step that is running. A cancel() of the running task
// itself is seen at the end of its step; SystemExit out of a step leaves the
// loop, and asyncio.run's shutdown cancels the tasks left.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "core/trace_load.hpp"
#include "core/trace_schema.hpp"
#include "model/model.hpp"
#include "recorded_program.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("each cancel names the task whose cancel() it was, and says what cancel() does at that moment") {
  const auto r = record_program("cancel_chain.py");
  CHECK(r->out == "['CancelledError', 'CancelledError', 'CancelledError', 'CancelledError']\n");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;
  auto name = [&](int32_t id) { return id < 0 ? std::string("(none)") : m.task(id)->name; };

  std::map<std::string, std::string> by;   // cancelled task -> its canceller
  std::map<std::string, std::string> why;  // cancelled task -> the sentence
  for (size_t i = 0; i < ev.size(); ++i)
    if (ev[i].kind == Ev::task_cancel) {
      by[name(ev[i].task)] = name(as<ev::TaskCancel>(ev[i]).by);
      why[name(ev[i].task)] = model::narrate(m, i);
    }
  CAPTURE(why.size());
  CHECK(by["parent"] == "Task-1");
  CHECK(by["awaited"] == "parent");   // parent's cancel() cancels the task it awaits
  CHECK(by["gathered"] == "Task-1");
  int gathered_children = 0;
  for (const auto& [task, who] : by) gathered_children += who == "gathered";
  CHECK(gathered_children == 2);      // both of the gather's children, not main for the second
  CHECK(by["spinner"] == "(none)");   // its step was queued: seen only when that step runs
  CHECK(by["left-over"] == "(none)");

  CHECK(has(why["awaited"], "parent is being cancelled, and cancel() passes on to what it awaits"));
  CHECK(has(why["parent"], "when that has ended, parent's wakeup is queued"));
  CHECK_FALSE(has(why["parent"], "the future parent awaits is cancelled, which queues"));
  CHECK(has(why["spinner"], "waits in the ready queue"));
  CHECK(has(why["spinner"], "at the await where it is paused"));
  CHECK(has(why["unstarted"], "before its first line runs: it never starts"));
  CHECK(has(why["left-over"], "asyncio.run cancels the tasks left when main is done"));
  CHECK_FALSE(has(why["left-over"], "The callback"));  // not _run_until_complete_cb, which ran just before

  // The task cancelled before its first step: none of its code runs.
  const auto first = std::find_if(ev.begin(), ev.end(), [&](const Event& e) {
    return e.kind == Ev::step_begin && name(e.task) == "unstarted";
  });
  REQUIRE(first != ev.end());
  const std::string begin = model::narrate(m, size_t(first - ev.begin()));
  CAPTURE(begin);
  CHECK(has(begin, "runs for the first time, cancelled"));
}

TEST_CASE("the task left when a with asyncio.Runner() block ends is cancelled by Runner.close(), not asyncio.run") {
  const auto r = record_program("runner_left_over.py");
  CHECK(r->out == "started\nstopped\n");
  std::vector<std::string> cancels, ends;
  for (size_t i = 0; i < r->events.size(); ++i) {
    if (r->events[i].kind == Ev::task_cancel) cancels.push_back(model::narrate(r->model, i));
    if (r->events[i].kind == Ev::run_end) ends.push_back(model::narrate(r->model, i));
  }
  REQUIRE(cancels.size() == 1);  // the ticker outlived the first run()
  CAPTURE(cancels[0]);
  CHECK(has(cancels[0], "The loop cancels ticker (the with asyncio.Runner() block ends: Runner.close()"));
  CHECK_FALSE(has(cancels[0], "asyncio.run"));
  REQUIRE(ends.size() == 1);
  CHECK(has(ends[0], "Runner.close() cancels the tasks left"));
  CHECK_FALSE(has(ends[0], "main() is done"));
}

// tests/programs/self_cancel.py: asyncio.current_task().cancel() only marks the
// running task (_must_cancel); its coroutine then returns (job) or yields
// (yields_after). The cancel is written at the end of that step, by the task itself.
TEST_CASE("a task that cancels itself and returns is said to have returned, not to have raised CancelledError") {
  const auto r = record_program("self_cancel.py");
  CHECK(r->out == "yields_after: CancelledError at its await\njob cancelled: True yields_after cancelled: True\n");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;
  auto name = [&](int32_t id) { return id < 0 ? std::string("(none)") : m.task(id)->name; };
  std::map<std::string, std::string> by, why;
  std::map<std::string, size_t> cancel_at, end_at, done_at;
  for (size_t i = 0; i < ev.size(); ++i) {
    const std::string t = ev[i].task >= 0 ? name(ev[i].task) : "";
    if (ev[i].kind == Ev::task_cancel) {
      by[t] = name(as<ev::TaskCancel>(ev[i]).by);
      why[t] = model::narrate(m, i);
      cancel_at[t] = i;
    }
    if (ev[i].kind == Ev::step_end && Wait(ev[i].code) == Wait::none) end_at[t] = i;
    if (ev[i].kind == Ev::task_done) done_at[t] = i;
  }
  for (const char* t : {"job", "yields_after"}) {
    CAPTURE(t);
    REQUIRE(cancel_at.count(t) == 1);
    CHECK(by[t] == t);
    CHECK(has(why[t], "cancels itself"));
    CHECK(has(why[t], "only marks it (Task._must_cancel)"));  // it awaits nothing while it runs
    CHECK_FALSE(has(why[t], "awaits is cancelled, which queues"));
  }
  // job's cancel comes in the step that ends it, before that step.end.
  CHECK(cancel_at["job"] + 1 == end_at["job"]);
  const std::string end = model::narrate(m, end_at["job"]), done = model::narrate(m, done_at["job"]);
  CAPTURE(end);
  CAPTURE(done);
  CHECK(as<ev::TaskDone>(ev[done_at["job"]]).returned);
  CHECK(has(end, "it returned, but cancel() was called during this step"));
  CHECK(has(done, "coroutine returned, but cancel() was called during this step"));
  CHECK(has(done, "drops its return value"));
  CHECK_FALSE(has(end, "CancelledError left"));
  CHECK_FALSE(has(done, "CancelledError left"));
  // yields_after's CancelledError really left its coroutine: thrown in at its next step.
  CHECK_FALSE(as<ev::TaskDone>(ev[done_at["yields_after"]]).returned);
  CHECK(has(model::narrate(m, done_at["yields_after"]), "the CancelledError left its coroutine"));
}

// tests/programs/sys_exit_in_task.py: SystemExit leaves the loop from watchdog's step;
// asyncio.run's Runner.close() then cancels main.
TEST_CASE("sys.exit in a task leaves the event loop, and asyncio.run's shutdown cancels the tasks left") {
  const auto r = record_program("sys_exit_in_task.py");
  CHECK(r->out == "watchdog: exiting\nasyncio.run was left by SystemExit 3\n");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;
  size_t done = 0, abort = 0, cancel = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind == Ev::task_done && Outcome(ev[i].code) == Outcome::error) done = i;
    if (ev[i].kind == Ev::loop_abort) abort = i;
    if (ev[i].kind == Ev::task_cancel && !cancel) cancel = i;
  }
  REQUIRE(done > 0);
  REQUIRE(abort == done + 1);
  REQUIRE(cancel > abort);
  CHECK(m.task(ev[abort].task)->name == "watchdog");
  CHECK(std::string(as<ev::LoopAbort>(ev[abort]).error) == "SystemExit(3)");
  CHECK(m.task(ev[cancel].task)->name == "Task-1");
  const std::string d = model::narrate(m, done), a = model::narrate(m, abort), c = model::narrate(m, cancel);
  CAPTURE(d);
  CAPTURE(a);
  CAPTURE(c);
  CHECK(has(d, "propagates out of the event loop"));
  CHECK(has(d, "stops asyncio.run"));
  CHECK_FALSE(has(d, "whoever awaits it gets it"));
  CHECK(has(a, "SystemExit(3) left the event loop from watchdog's step"));
  CHECK(has(c, "asyncio.run's shutdown (Runner.close() -> _cancel_all_tasks) cancels Task-1"));
  CHECK_FALSE(has(c, "The callback"));
  // Its wakeup runs when the shutdown runs the loop again: the next iteration, not the one SystemExit cut.
  REQUIRE(ev[cancel + 1].kind == Ev::ready_push);
  const std::string w = model::narrate(m, cancel + 1);
  CAPTURE(w);
  CHECK(has(w, "in the next iteration"));
  CHECK_FALSE(has(w, "this same iteration"));
}
