// Test support: run a coroutine the way asyncio.run does (core/asyncio_run.hpp),
// on a fresh real loop, and check the two things every engine test must end with: the loop
// closed cleanly (uv_loop_close() == 0) and no coroutine frame alive.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/aio.hpp"
#include "core/asyncio_run.hpp"

namespace loopscope::test {

struct RunOutcome {
  std::vector<Event> events;  // merged, numbered
  Value result;
  std::string error;          // repr of what main raised, empty if none
  int close_rc = -1;
  bool deadlock = false;

  // print texts in order
  std::vector<std::string> prints() const {
    std::vector<std::string> out;
    for (const Event& e : events)
      if (e.kind == Ev::print) out.emplace_back(e.s1);
    return out;
  }
  // "[it N] text" for each print, as the reference programs print it
  std::vector<std::string> prints_with_iterations() const {
    std::vector<std::string> out;
    for (const Event& e : events)
      if (e.kind == Ev::print) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "[it%2u] ", e.it);
        out.push_back(buf + std::string(e.s1));
      }
    return out;
  }
  size_t count(Ev kind) const {
    size_t n = 0;
    for (const Event& e : events) n += e.kind == kind;
    return n;
  }
  // The iteration in which the first print with this text happened (0 if none).
  uint32_t iteration_of(const std::string& text) const {
    for (const Event& e : events)
      if (e.kind == Ev::print && text == e.s1) return e.it;
    return 0;
  }
};

// Engine tests run at time_scale 4 unless they say otherwise: their 10-20 ms
// gaps between timers become 40-80 ms, so a loaded machine cannot merge two
// timers into one iteration and shift an iteration-exact assertion. A test
// that measures a real duration passes its own LoopOptions (scale 1).
inline LoopOptions iteration_safe() {
  LoopOptions o;
  o.time_scale = 4.0;
  return o;
}

// Runs make_main() as the main task. The trace outlives the loop (strings
// live in it), so it is kept inside the returned Outcome's scope via `trace`.
inline RunOutcome run_main(Trace& trace, const std::function<Coroutine()>& make_main,
                           LoopOptions opts = iteration_safe()) {
  RunOutcome o;
  MainOutcome m = asyncio_run(trace, opts, make_main);
  o.result = std::move(m.value);
  o.error = m.error ? repr(m.error) : std::string();  // "" when main returned
  o.deadlock = m.deadlock;
  o.close_rc = m.close_rc;
  o.events = merged_events(trace);
  return o;
}

// The closing checks of every engine test.
inline void check_clean(const RunOutcome& o) {
  CHECK_MESSAGE(o.close_rc == 0, "uv_loop_close() must return 0: every handle closed");
  CHECK_MESSAGE(live_frames().load() == 0, "no coroutine frame may outlive the run");
}

}  // namespace loopscope::test
