// Blocking calls inside a coroutine: they really hold the loop thread, so
// nothing else runs (no other task, no timer, no I/O completion) until they
// return. The step that contains one runs past loop.slow_step_ns and its
// step.end is flagged slow, as asyncio's debug mode logs "Executing <Task>
// took 0.2 seconds".
#pragma once

namespace loopscope {

// `time.sleep(seconds)`: nanosleep on the loop thread. Scaled by time_scale.
void block_sleep(double seconds, int line = 0);

// CPU-bound work (`sum(i*i for i in range(n))`): a busy loop for `seconds`
// of wall time. Scaled by time_scale.
void block_cpu(double seconds, int line = 0);

}  // namespace loopscope
