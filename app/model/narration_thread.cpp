// Narration for a thread that runs no event loop (run.begin `entry: none`):
// sequential-server's server thread is a plain script that calls
// serve(listener). The engine still drives that code as one task step on
// its loop, but in Python nothing of the kind exists, so these sentences
// speak of the thread and its blocking calls only: no event loop, no task,
// no asyncio.run.
#include <cstdio>
#include <string>

#include "model.hpp"

namespace loopscope::model {

namespace {
std::string seconds(int64_t ns) {
  char buf[32];
  if (ns >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.2f s", double(ns) / 1e9);
  else std::snprintf(buf, sizeof buf, "%.0f ms", double(ns) / 1e6);
  return buf;
}
std::string call_of(const Event& e) { return e.s1 && *e.s1 ? e.s1 : "a blocking call"; }
std::string at_line(const Event& e) { return e.line > 0 ? " (line " + std::to_string(e.line) + ")" : ""; }
}  // namespace

std::string narrate_thread(const Model& m, size_t i) {
  const Event& e = m.events()[i];
  switch (e.kind) {
    case Ev::run_begin:
      return "The program starts as a plain script on the server thread: there is no event loop on this thread. It "
             "opens the listening socket, starts the client thread (which runs its own event loop), then calls "
             "serve(listener).";
    case Ev::run_end:
      return e.code == 0 ? "The script is done: serve() answered every client one after the other, and "
                           "driver.join() returned once the client thread had finished."
                         : "The script ends with an error: " + std::string(e.s1 ? e.s1 : "?") + ".";
    case Ev::block_begin:
      switch (BlockKind(e.code)) {
        case BlockKind::sleep:
          return "The server thread calls time.sleep" + at_line(e) + ": the request's work. It does nothing else "
                 "until it returns, so the other clients wait in the listen queue.";
        case BlockKind::cpu:
          return "The server thread computes" + at_line(e) + " and does nothing else until it finishes.";
        case BlockKind::syscall:
          return "The server thread calls " + call_of(e) + at_line(e) + " and waits in the operating system until "
                 "it returns; meanwhile it serves nobody else.";
      }
      break;
    case Ev::block_end:
      return call_of(e) + " returns after " + seconds(e.num) + "; the server thread goes on to its next line.";
    case Ev::print: return "The server thread prints \"" + std::string(e.s1 ? e.s1 : "") + "\"" + at_line(e) + ".";
    case Ev::step_begin: return "The server thread runs the script's code from the top, one line after the other.";
    case Ev::step_end:
    case Ev::task_done: return "The script's last line has run: the server thread is finished.";
    default: break;
  }
  // The engine's bookkeeping for this thread (it drives the script as one
  // step on its scheduler) is not something Python does: say nothing of it.
  return "The server thread runs the script (no event loop here: every call blocks until it returns).";
}

}  // namespace loopscope::model
