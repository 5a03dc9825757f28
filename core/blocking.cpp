#include "blocking.hpp"

#include <uv.h>

#include <poll.h>

#include <cerrno>
#include <cmath>
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
  loop.tracer().note_block_end(e.t_ns);
}

void check_interrupt() {
  if (running_loop().stop_requested()) throw KeyboardInterrupt();
}

bool sleep_unless_stopped(double seconds, int stop_fd) {
  if (!(seconds > 0)) return true;
  const uint64_t end = uv_hrtime() + uint64_t(seconds * 1e9);
  pollfd p{stop_fd, POLLIN, 0};
  for (;;) {
    const uint64_t now = uv_hrtime();
    if (now >= end) return true;
    const uint64_t left = end - now;
    timespec ts{time_t(left / 1000000000u), long(left % 1000000000u)};
    int rc = ::ppoll(&p, stop_fd >= 0 ? 1 : 0, &ts, nullptr);
    if (rc > 0) return false;  // a signal (EINTR) does not shorten time.sleep: loop on
  }
}

bool wait_fd_unless_stopped(int fd, short events, int stop_fd) {
  pollfd p[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    int rc = ::poll(p, 2, -1);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return true;  // let the call itself report the error
    if (p[1].revents) return false;
    if (p[0].revents) return true;
  }
}

void block_sleep(double seconds, int line) {
  Loop& loop = running_loop();
  double s = loop.scaled(seconds);
  blocking(BlockKind::sleep, line, "time.sleep", [s, &loop] {
    if (!sleep_unless_stopped(s, loop.stop_fd())) loop.raise_interrupted();
  });
}

void block_cpu(double seconds, int line) {
  Loop& loop = running_loop();
  double s = loop.scaled(seconds);
  blocking(BlockKind::cpu, line, "cpu work", [s, &loop] {
    const uint64_t end = uv_hrtime() + uint64_t(s > 0 ? s * 1e9 : 0);
    volatile uint64_t acc = 0;  // real work the compiler cannot drop
    do {
      for (uint64_t i = 0; i < 10000; ++i) acc = acc + i * i;
      if (loop.stop_requested()) throw KeyboardInterrupt();
    } while (uv_hrtime() < end);
  });
}

}  // namespace loopscope
