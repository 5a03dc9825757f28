// Who cancelled a task, as CPython did it and the Why panel tells it
// (tests/programs/cancel_chain.py and runner_left_over.py recorded under real CPython through
// `loopscope run`). CPython's C Task cannot be hooked, so the recorder sees a
// cancel() when it queues the task's wakeup or, the task's step being queued
// already, when that step runs; a task awaiting another passes its cancel on
// (Task.cancel cancels what it awaits), and that one's canceller is the
// awaiting task, not the step that is running.
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
