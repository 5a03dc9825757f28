// Blocking calls inside a coroutine: they really hold the loop thread, so
// nothing else runs (no other task, no timer, no I/O completion) until they
// return. The step that contains one runs past loop.slow_step_ns and its
// step.end is flagged slow, as asyncio's debug mode logs "Executing <Task>
// took 0.2 seconds".
#pragma once

#include <cstdint>

#include "trace.hpp"

namespace loopscope {

// [SECTION] Holding the loop thread, traced

struct BlockSpan {
  int64_t t0 = 0;
  int32_t task = -1;
  BlockKind kind = BlockKind::syscall;
  int line = 0;
  const char* label = nullptr;
};
// block.begin / block.end around anything that holds the loop thread. `label`
// must outlive the trace (a literal, or interned).
void block_begin(BlockKind kind, int line, const char* label, BlockSpan& span);
void block_end(const BlockSpan& span);

// Runs hold() between block.begin and block.end.
template <class Hold>
auto blocking(BlockKind kind, int line, const char* label, Hold hold) {
  BlockSpan span;
  block_begin(kind, line, label, span);
  struct End {
    BlockSpan& s;
    ~End() { block_end(s); }
  } end{span};
  return hold();
}

// [SECTION] Interruption by a stop request
// A stopped run (Loop::request_stop: Ctrl-C, SIGTERM, the window's Stop)
// interrupts blocking calls as Ctrl-C interrupts them in Python: they raise
// KeyboardInterrupt. They still really block until then.

// Throws KeyboardInterrupt when the running loop was asked to stop (long
// synchronous stretches call it between pieces of work).
void check_interrupt();
// Sleeps `seconds` in the calling thread (ppoll on stop_fd, so a real
// voluntary sleep); returns false early when stop_fd became readable.
bool sleep_unless_stopped(double seconds, int stop_fd);
// Waits until `fd` is ready for `events` (POLLIN/POLLOUT) or stop_fd is
// readable; false on the stop.
bool wait_fd_unless_stopped(int fd, short events, int stop_fd);

// [SECTION] The blocking calls of a listing

// `time.sleep(seconds)`: a real sleep on the loop thread (ppoll: interruptible by a stop). Scaled by time_scale.
void block_sleep(double seconds, int line = 0);

// CPU-bound work (`sum(i*i for i in range(n))`): a busy loop for `seconds`
// of wall time. Scaled by time_scale.
void block_cpu(double seconds, int line = 0);

}  // namespace loopscope
