// The trace's clock: monotonic nanoseconds (CLOCK_MONOTONIC's epoch, like
// uv_hrtime), made cheap. Every traced event reads it, so it is the largest
// part of tracing's cost. Where the CPU has an invariant TSC, the time is the
// TSC scaled by a ratio measured once against CLOCK_MONOTONIC (rdtsc is about
// half the cost of the vDSO clock_gettime here); elsewhere it is clock_gettime.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace loopscope::clock {

struct Calibration {
  bool tsc = false;
  uint64_t tsc0 = 0;
  int64_t ns0 = 0;
  double ns_per_tick = 0;
  uint64_t ns_per_tick_q32 = 0;  // ns_per_tick in 32.32 fixed point: one integer multiply per read
};
const Calibration& calibration();  // measured on first use (about 5 ms)
int64_t monotonic_ns();            // clock_gettime(CLOCK_MONOTONIC)

#if defined(__x86_64__)
__extension__ typedef __int128 int128;  // (__extension__: -Wpedantic)
#endif

inline int64_t now_ns() {
#if defined(__x86_64__)
  static const Calibration& c = calibration();
  if (c.tsc) {
    // Ticks since calibration times ns per tick (32.32 fixed point), in 128 bits.
    int64_t d = int64_t(__rdtsc() - c.tsc0);
    return c.ns0 + int64_t(int128(d) * int64_t(c.ns_per_tick_q32) >> 32);
  }
#endif
  return monotonic_ns();
}

}  // namespace loopscope::clock
