// A synthetic trace of any size, shaped like the engine's: for benchmarks of
// the view on 10^3 .. 10^6 events, which no scenario produces.
//
// It simulates asyncio's _run_once the way core/loop.cpp does it: each
// iteration is loop.iter, loop.poll (sleeping until the next timer, I/O or
// pool completion when nothing is ready), then I/O completions and due timers
// join the ready queue as callbacks, then exactly the handles that were ready
// run, FIFO. A callback sets a future, whose done-callback queues the task's
// wakeup for the next iteration. `main` starts the worker tasks and gathers
// them; each worker loops over sleep / sleep(0) / socket read / thread-pool
// job, prints now and then, and sometimes blocks the loop with time.sleep (a
// slow step). Every event kind the view draws is there, on several lanes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/trace.hpp"

namespace loopscope::bench {

struct SyntheticShape {
  size_t events = 1000;  // about this many (the run ends cleanly, so a few more)
  int tasks = 10;        // workers besides main: one lane each
  int pool_workers = 2;  // one lane each
  uint64_t seed = 1;
  // The listing the code view shows: gather's (workers on lines 5-8, main on 12-17).
  const char* scenario = "gather";
};

struct SyntheticTrace {
  std::vector<Event> events;         // time-ordered, seq = index
  std::deque<std::string> strings;   // what the events' s1 point into
};

SyntheticTrace make_synthetic_trace(const SyntheticShape& shape);

// make_synthetic_trace written as JSON Lines (what `loopscope view` loads).
// Returns "" or a one-line error.
std::string write_synthetic_trace(const std::string& path, const SyntheticShape& shape, size_t* events = nullptr);

}  // namespace loopscope::bench
