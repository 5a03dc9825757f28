// The trace as Chrome Trace Event Format JSON, so a run opens in Perfetto,
// chrome://tracing or the Chrome DevTools performance panel. Layout:
//   process per loop (pid = loop + 1)
//     thread "loop" (tid 1): iterations, the poll inside each, each handle run
//     thread per pool worker (tid 2 + worker): pool jobs, named by their label
//     thread per task (tid 2000 + task, named after the task): steps, waits
//       ("await sleep"...), time queued ("ready"), prints as instant events
//   flow arrows (cat "wakeup") from whatever queued a task's handle to the
//   step it ran, and (cat "pool") from a submit to the job's start
//   blocked time: "BLOCKED ..." slices on the task and on the loop thread.
// Times are microseconds with nanosecond decimals (ts, dur).
#pragma once

#include <string>
#include <vector>

#include "trace.hpp"

namespace loopscope {

std::string to_chrome_trace(const std::vector<Event>& events);
// Written through OutputFile (core/output_file.hpp). "" on success, else one line.
std::string save_chrome_trace(const std::string& path, const std::vector<Event>& events);

}  // namespace loopscope
