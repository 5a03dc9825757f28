#include "clock.hpp"

#include <time.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace loopscope::clock {

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace {
#if defined(__x86_64__)
bool invariant_tsc() {
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000000, &a, &b, &c, &d) || a < 0x80000007) return false;
  __get_cpuid(0x80000007, &a, &b, &c, &d);
  return (d & (1u << 8)) != 0;
}

// A (tsc, ns) pair read as close together as we can: the tightest of a few tries.
void pair(uint64_t& tsc, int64_t& ns) {
  uint64_t best = ~0ull;
  for (int i = 0; i < 5; ++i) {
    uint64_t t0 = __rdtsc();
    int64_t n = monotonic_ns();
    uint64_t t1 = __rdtsc();
    if (t1 - t0 < best) {
      best = t1 - t0;
      tsc = t0 + (t1 - t0) / 2;
      ns = n;
    }
  }
}
#endif

Calibration measure() {
  Calibration c;
#if defined(__x86_64__)
  if (!invariant_tsc()) return c;
  uint64_t t0 = 0, t1 = 0;
  int64_t n0 = 0, n1 = 0;
  pair(t0, n0);
  while (monotonic_ns() - n0 < 5'000'000) {
  }
  pair(t1, n1);
  if (t1 <= t0 || n1 <= n0) return c;
  c.tsc = true;
  c.tsc0 = t1;
  c.ns0 = n1;
  c.ns_per_tick = double(n1 - n0) / double(t1 - t0);
  c.ns_per_tick_q32 = uint64_t(c.ns_per_tick * 4294967296.0 + 0.5);
#endif
  return c;
}
}  // namespace

const Calibration& calibration() {
  static const Calibration c = measure();
  return c;
}

}  // namespace loopscope::clock
