// asyncio.run(main()) on the calling thread: a fresh loop, main as its task,
// run to the end (asyncio's cancel-the-rest included, Loop::run), then every
// handle closed. The one skeleton behind scenarios (run_scenario), client
// loops (ClientLoop) and the engine tests (tests/support/engine_run.hpp).
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "coro.hpp"

namespace loopscope {

struct MainOutcome {
  Value value;               // main's result
  std::exception_ptr error;  // what main raised (or the deadlock's RuntimeError), else null
  bool deadlock = false;
  StopReason stopped_by = StopReason::none;  // a stop request (signal, Stop button) ended the run
  int close_rc = -1;         // uv_loop_close(): 0 when every handle was closed
};

// What a caller adds around the run; each may be empty.
struct RunHooks {
  std::function<void(Loop&)> opened;   // the loop is made, main not yet created (run.begin, stop wiring)
  std::function<void(Loop&)> closing;  // main's run is over, the loop not yet closed
  std::function<void(Loop&, const MainOutcome&)> closed;  // the loop is closed but still alive (run.end)
};

// Throws only what making the loop throws (no file descriptor left for it).
MainOutcome asyncio_run(Trace& trace, const LoopOptions& opts, const std::function<Coroutine()>& main,
                        const char* name = "main", const RunHooks& hooks = {});

}  // namespace loopscope
