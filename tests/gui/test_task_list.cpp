// The Tasks panel: for every waiting task, what it "awaits" is the object
// named by the trace's step.end `on` (and `target`), at every step end of
// the scenarios that wait on the most kinds of things.
#include <doctest/doctest.h>

#include <string>

#include "core/trace_schema.hpp"
#include "gui/draw.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
// The words a student would look for in CPython's source, per `on`.
const char* expected_words(AwaitOn on) {
  switch (on) {
    case AwaitOn::sleep: return "sleep's future";
    case AwaitOn::task: return "task ";
    case AwaitOn::gather: return "gather's outer future";
    case AwaitOn::taskgroup: return "TaskGroup";
    case AwaitOn::wait_for: return "wait_for's waiter";
    case AwaitOn::timeout: return "asyncio.timeout";
    case AwaitOn::queue_get: return "getter's future";
    case AwaitOn::queue_put: return "putter's future";
    case AwaitOn::queue_join: return "Queue._finished";
    case AwaitOn::yield: return "sleep(0)";
    default: return "";
  }
}
}  // namespace

TEST_CASE("each waiting task's row in the Tasks panel names what the trace's step.end `on` says it awaits") {
  size_t checked = 0;
  for (const char* id : {"producer-consumer", "timeout", "gather-errors", "taskgroup-cancel", "cooperative-yield"}) {
    CAPTURE(id);
    Rig r(id);
    const auto& ev = r.m().events();
    for (size_t i = 0; i < ev.size(); ++i) {
      if (ev[i].kind != Ev::step_end || ev[i].loop != 0) continue;
      ev::StepEnd se = as<ev::StepEnd>(ev[i]);
      if (se.on == AwaitOn::unset) continue;
      r.shoot(i);
      const Geometry::TaskRow* row = nullptr;
      for (const auto& tr : r.app->geometry().task_rows)
        if (tr.task == se.task) row = &tr;
      REQUIRE(row);
      CAPTURE(row->awaits);
      CHECK(row->state == "awaits");
      CHECK(row->awaits.find(expected_words(se.on)) != std::string::npos);
      if ((se.on == AwaitOn::task || se.on == AwaitOn::wait_for) && se.target >= 0)
        CHECK(row->awaits.find(r.m().task(se.target)->name) != std::string::npos);
      ++checked;
    }
  }
  CHECK(checked > 40);
}

TEST_CASE("a waiting task's time in the Tasks panel runs to the playhead, also when the playhead is inside a poll") {
  Rig r("gather");
  const auto& ev = r.m().events();
  // The first step.end that leaves a task asleep, and the poll that follows it.
  size_t se = 0;
  for (size_t i = 0; i < ev.size() && !se; ++i)
    if (ev[i].kind == Ev::step_end && as<ev::StepEnd>(ev[i]).on == AwaitOn::sleep) se = i;
  REQUIRE(se > 0);
  const int32_t task = ev[se].task;
  size_t poll = r.find(Ev::loop_poll, -2, se);
  const int64_t ends = ev[poll].t_ns + as<ev::Poll>(ev[poll]).waited_ns;
  REQUIRE(ends - ev[se].t_ns > 50000000);  // a long poll: the playhead can stand well inside it
  const int64_t at = ev[poll].t_ns + (ends - ev[poll].t_ns) / 2;
  r.app->seek_time(at);
  r.shoot_here();
  const Geometry::TaskRow* row = nullptr;
  for (const auto& tr : r.app->geometry().task_rows)
    if (tr.task == task) row = &tr;
  REQUIRE(row);
  CHECK(row->state == "awaits");
  CHECK(row->since == format_duration(at - ev[se].t_ns));  // not the time up to the poll's start
  // At its own step.end the wait has just begun: no "0 ns".
  r.shoot(se);
  for (const auto& tr : r.app->geometry().task_rows)
    if (tr.task == task) CHECK(tr.since.empty());
}
