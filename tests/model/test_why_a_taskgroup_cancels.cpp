// Why a TaskGroup cancels a task, and what the task running its async with
// block does at the block's end: the group cancels that task (the parent, named
// by the failed child's task.new) when a child fails, even with no other child
// left; a body that raises makes TaskGroup.__aexit__ abort the group (the
// parent cancels its own children in the step that ends at the block); and
// CancelledError thrown into __aexit__'s wait is caught there, which waits
// again. Program recorded under CPython: tests/programs/taskgroup_aborts.py.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
const std::string& name_of(const RecordedProgram& r, int32_t task) { return r.model.task(task)->name; }
}  // namespace

TEST_CASE("a TaskGroup whose only child fails cancels the task running the block, which is not one of 'the others'") {
  const auto r = record_program("taskgroup_aborts.py");
  REQUIRE(r->out.rfind("1: caught (OSError('disk full'),)\n2: caught (KeyError('bad config'),)\n", 0) == 0);
  // The first _on_task_done that cancels anything: only-child failed, Task-1 awaits in the body.
  size_t run = 0;
  for (size_t i = 0; i < r->events.size() && !run; ++i)
    if (r->events[i].kind == Ev::ready_run && as<ev::ReadyRun>(r->events[i]).fn == HandleFn::taskgroup_on_task_done &&
        i + 1 < r->events.size() && r->events[i + 1].kind == Ev::task_cancel)
      run = i;
  REQUIRE(run > 0);
  REQUIRE(name_of(*r, r->events[run + 1].task) == "Task-1");
  const std::string s = model::narrate(r->model, run), cancel = model::narrate(r->model, run + 1);
  CAPTURE(s);
  CAPTURE(cancel);
  CHECK_FALSE(has(s, "cancels the others (Task-1"));
  CHECK(has(s, "no other task of the group is left to cancel, so the group cancels Task-1, the task running the async with block"));
  CHECK_FALSE(has(cancel, "another task of the group"));
  CHECK(has(cancel, "cancels Task-1, the task running the async with block, because a task of the group failed"));
}

TEST_CASE("a TaskGroup body that raises is told as __aexit__ aborting the group, not as reaching the end of the block") {
  const auto r = record_program("taskgroup_aborts.py");
  size_t cancels = 0, ends = 0;
  for (size_t i = 0; i < r->events.size(); ++i) {
    const Event& e = r->events[i];
    const std::string s = model::narrate(r->model, i);
    if (e.kind == Ev::task_cancel && (name_of(*r, e.task) == "child-a" || name_of(*r, e.task) == "child-b")) {
      CAPTURE(s);
      CHECK(has(s, "Task-1 cancels " + name_of(*r, e.task) + ": the body of Task-1's async with TaskGroup() block "
                   "raised an exception, so TaskGroup.__aexit__ aborts the group"));
      ++cancels;
    }
    if (e.kind == Ev::step_end && e.task == 0 && e.line == 35) {  // the second async with TaskGroup()
      CAPTURE(s);
      CHECK_FALSE(has(s, "reached the end"));
      CHECK(has(s, "The body of the async with TaskGroup() block (line 35) raised an exception, so Task-1 is in "
                   "TaskGroup.__aexit__, which aborts the group: it has cancelled "));
      CHECK(has(s, "then raises an ExceptionGroup"));
      ++ends;
    }
  }
  CHECK(cancels == 2);
  CHECK(ends == 1);
}

TEST_CASE("CancelledError thrown into TaskGroup.__aexit__ is told as waiting there again, not as reaching the end again") {
  const auto r = record_program("taskgroup_aborts.py");
  std::vector<std::string> inner;  // the steps of the inner group's parent that end at its block
  for (size_t i = 0; i < r->events.size(); ++i)
    if (r->events[i].kind == Ev::step_end && name_of(*r, r->events[i].task) == "inner" &&
        as<ev::StepEnd>(r->events[i]).on == AwaitOn::taskgroup)
      inner.push_back(model::narrate(r->model, i));
  REQUIRE(inner.size() == 2);
  CAPTURE(inner[1]);
  CHECK(has(inner[0], "inner reached the end of the async with TaskGroup() block (line 21)"));
  CHECK_FALSE(has(inner[1], "reached the end"));
  CHECK(has(inner[1], "inner was cancelled while it waited at the end of the async with TaskGroup() block (line 21), "
                      "in TaskGroup.__aexit__"));
  CHECK(has(inner[1], "waits again until every task of the group has finished"));
}
