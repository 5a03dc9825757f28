// Open server mode of concurrent-server: `loopscope run concurrent-server --listen PORT`.
//
// The same asyncio.start_server service, kept listening on 127.0.0.1 for real
// outside clients (curl, nc, a browser) and speaking just enough HTTP/1.1 to
// answer them: read the request head, parse it, await asyncio.sleep(work),
// reply with a small page naming the task that served it. Each connection is a
// handler task named after its peer, so the trace shows outside clients as they
// arrive and overlap.
//
// Bad clients never stop the server: a malformed head gets 400, a silent
// client is closed after `read_timeout`, a client that resets or hangs up
// mid-request is traced and forgotten. The run stops at `duration` or on a
// stop request (SIGINT, SIGTERM, the window's Stop: Loop::request_stop), which
// runs the listing's signal handler from a ready handle; a second signal
// exits at once.
//
// The mode has its own Python listing (open_server_scenario()): an
// asyncio.start_server program that runs under python3 and prints what the
// engine prints. Its parameters are what run.begin records for an open run:
//   mode = "listen", listen (the port asked for; 0 = any free one), duration,
//   read_timeout, grace (seconds), work.
#pragma once

#include <uv.h>

#include <functional>

#include "scenario.hpp"

namespace loopscope {

struct OpenServerOptions {
  int port = 0;                // 0: an ephemeral port
  double duration = 30;        // seconds of listening (not scaled by time_scale)
  double read_timeout = 5;     // seconds a client may take to send its request head
  double grace = 1;            // seconds in-flight handlers get after the stop, before they are cancelled
  bool stop_on_sigint = true;  // install_stop_signals(): SIGINT/SIGTERM stop the run (the CLI); tests may leave it off
  // Called on the loop thread once the server listens, with the bound port.
  std::function<void(int port)> on_listening;
};

// The open server mode as a scenario of its own: id "concurrent-server", the open
// mode's listing and parameters (see above). Not in scenarios(): it needs
// outside clients. Its main runs the server with options read from the params.
//   listing of a run:     open_server_scenario().source(open_server_params(p, o))
//   listing of a trace:   open_server_scenario().resolve(run.begin's params as k=v sets), then source()
const Scenario& open_server_scenario();

// True when a run's params (run.begin's) are an open server run's: mode=listen.
bool is_open_server_run(const Params& p);

// The open server params of a run: concurrent-server's `work` from `p` plus the options.
Params open_server_params(const Params& p, const OpenServerOptions& o);

// Runs concurrent-server (its `work` parameter, from `p`) in open server mode on a fresh
// loop on the calling thread: run.begin (scenario "concurrent-server", the
// open server params) ... run.end like run_scenario, every handle closed.
RunResult run_open_server(const Scenario& s, const Params& p, Trace& trace, const OpenServerOptions& o,
                          RunOptions opts = {});

}  // namespace loopscope
