#include "blocking.hpp"

#include <uv.h>

#include <cerrno>
#include <ctime>

#include "coro.hpp"

namespace loopscope {

void block_begin(BlockKind kind, int line, const char* label, BlockSpan& span) {
  Loop& loop = running_loop();
  Task* t = current_task();
  at_line(line);
  Event b = loop.event(Ev::block_begin);
  b.task = t ? t->id() : -1;
  b.code = uint8_t(kind);
  b.line = line;
  b.s1 = label;
  loop.emit(b);
  span = {b.t_ns, b.task, kind, line, label};
}

void block_end(const BlockSpan& span) {
  Loop& loop = running_loop();
  Event e = loop.event(Ev::block_end);
  e.task = span.task;
  e.code = uint8_t(span.kind);
  e.line = span.line;
  e.s1 = span.label;
  e.num = e.t_ns - span.t0;
  loop.emit(e);
}

void block_sleep(double seconds, int line) {
  double s = running_loop().scaled(seconds);
  blocking(BlockKind::sleep, line, "time.sleep", [s] {
    if (s <= 0) return;
    timespec req{time_t(s), long((s - double(time_t(s))) * 1e9)};
    timespec rem{};
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) req = rem;  // a signal does not shorten time.sleep
  });
}

void block_cpu(double seconds, int line) {
  double s = running_loop().scaled(seconds);
  blocking(BlockKind::cpu, line, "cpu work", [s] {
    const uint64_t end = uv_hrtime() + uint64_t(s > 0 ? s * 1e9 : 0);
    volatile uint64_t acc = 0;  // real work the compiler cannot drop
    do {
      for (uint64_t i = 0; i < 10000; ++i) acc = acc + i * i;
    } while (uv_hrtime() < end);
  });
}

}  // namespace loopscope
