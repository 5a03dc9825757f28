// Handles that leave CPython's ready queue without running: one cancelled
// while it waits there (_run_once pops it and skips it: the trace's
// ready.cancel) and those still queued when the loop closes (loop.close).
// The stage's queue must lose them when CPython does, not keep them as
// ghosts for the rest of the run. Recorded under real CPython
// (tests/programs/dropped_handles.py through `loopscope run`).
#include <doctest/doctest.h>

#include <algorithm>

#include "core/trace_load.hpp"
#include "core/trace_schema.hpp"
#include "model/model.hpp"
#include "recorded_program.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {

bool queued(const model::LoopState& s, int32_t handle) {
  return std::any_of(s.ready.begin(), s.ready.end(), [&](const model::ReadyChip& c) { return c.handle == handle; });
}

size_t first(const std::vector<Event>& ev, Ev kind) {
  auto it = std::find_if(ev.begin(), ev.end(), [&](const Event& e) { return e.kind == kind; });
  REQUIRE(it != ev.end());
  return size_t(it - ev.begin());
}
}  // namespace

TEST_CASE("a handle cancelled in the ready queue leaves it, and closing the loop empties the queue and the timers") {
  const auto r = record_program("dropped_handles.py");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;

  const size_t cancel = first(ev, Ev::ready_cancel);
  const int32_t h = as<ev::ReadyCancel>(ev[cancel]).handle;
  CHECK(queued(m.state_at(cancel - 1), h));
  CHECK_FALSE(queued(m.state_at(cancel), h));
  CHECK(model::narrate(m, cancel).find("never runs") != std::string::npos);

  const size_t close = first(ev, Ev::loop_close);
  const model::LoopState before = m.state_at(close - 1), after = m.state_at(close);
  CHECK(before.ready.size() == 1);   // the ticker, always queued again
  CHECK(before.timers.size() == 1);  // call_later(60, never)
  CHECK(after.ready.empty());
  CHECK(after.timers.empty());
  CHECK(after.phase == model::Phase::closed);
  const std::string why = model::narrate(m, close);
  CAPTURE(why);
  CHECK(why.find("1 handle still queued never runs (ticker") != std::string::npos);
  CHECK(why.find("1 timer that had not fired") != std::string::npos);

  const model::LoopState end = m.state_at(ev.size() - 1);
  CHECK(end.phase == model::Phase::done);
  CHECK(end.closed);
  CHECK(end.ready.empty());
}
