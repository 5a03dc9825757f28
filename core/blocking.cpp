#include "blocking.hpp"

#include <uv.h>

#include <cerrno>
#include <ctime>

#include "coro.hpp"

namespace loopscope {

namespace {

// Emits block.begin, runs `hold`, emits block.end with its duration.
template <class Hold>
void blocking(BlockKind kind, int line, Hold hold) {
  Loop& loop = running_loop();
  Task* t = current_task();
  at_line(line);
  Event b = loop.event(Ev::block_begin);
  b.task = t ? t->id() : -1;
  b.code = uint8_t(kind);
  b.line = line;
  loop.emit(b);
  hold();
  Event e = loop.event(Ev::block_end);
  e.task = b.task;
  e.code = b.code;
  e.line = line;
  e.num = e.t_ns - b.t_ns;
  loop.emit(e);
}

}  // namespace

void block_sleep(double seconds, int line) {
  double s = running_loop().scaled(seconds);
  blocking(BlockKind::sleep, line, [s] {
    if (s <= 0) return;
    timespec req{time_t(s), long((s - double(time_t(s))) * 1e9)};
    timespec rem{};
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) req = rem;  // a signal does not shorten time.sleep
  });
}

void block_cpu(double seconds, int line) {
  double s = running_loop().scaled(seconds);
  blocking(BlockKind::cpu, line, [s] {
    const uint64_t end = uv_hrtime() + uint64_t(s > 0 ? s * 1e9 : 0);
    volatile uint64_t acc = 0;  // real work the compiler cannot drop
    do {
      for (uint64_t i = 0; i < 10000; ++i) acc = acc + i * i;
    } while (uv_hrtime() < end);
  });
}

}  // namespace loopscope
