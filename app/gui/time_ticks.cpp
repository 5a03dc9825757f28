#include "time_ticks.hpp"

#include <algorithm>
#include <cstdio>

namespace loopscope::gui {

namespace {

struct Unit {
  int64_t ns;
  const char* name;
};
constexpr Unit kUnits[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "\xc2\xb5s"}, {1, "ns"}};

// 1, 2, 5, 10, 20, 50, ...: the round step after `s` (itself round).
int64_t next_step(int64_t s) {
  int64_t p = 1;
  while (p <= s / 10) p *= 10;
  int64_t m = s / p;
  return m == 1 ? 2 * p : m == 2 ? 5 * p : 10 * p;
}

}  // namespace

std::string tick_label(int64_t since, int64_t step, int64_t reach) {
  step = std::max<int64_t>(step, 1);
  const Unit* u = &kUnits[3];
  for (const Unit& c : kUnits)
    if (reach >= c.ns || step * 10 >= c.ns) {
      u = &c;
      break;
    }
  // q: the value of the last digit shown, the largest power of ten dividing the step (at most the unit).
  int64_t q = u->ns;
  int decimals = 0;
  while (q > 1 && step % q != 0) q /= 10, ++decimals;
  uint64_t a = since < 0 ? uint64_t(0) - uint64_t(since) : uint64_t(since);
  a = (a + uint64_t(q) / 2) / uint64_t(q) * uint64_t(q);  // to the nearest shown digit
  const char* sign = since < 0 && a > 0 ? "-" : "";
  unsigned long long whole = a / uint64_t(u->ns), frac = a % uint64_t(u->ns) / uint64_t(q);
  char buf[48];
  if (decimals == 0) std::snprintf(buf, sizeof buf, "%s%llu %s", sign, whole, u->name);
  else std::snprintf(buf, sizeof buf, "%s%llu.%0*llu %s", sign, whole, decimals, frac, u->name);
  return buf;
}

std::vector<Tick> time_ticks(int64_t origin, int64_t t0, int64_t t1, double px_per_ns, float gap,
                             const std::function<float(const std::string&)>& width) {
  std::vector<Tick> out;
  if (t1 <= t0 || t1 < origin || !(px_per_ns > 0)) return out;
  const int64_t first = std::max(t0, origin), reach = t1 - origin;
  // Up from the smallest step that leaves the gap alone, to the first whose
  // widest label (the largest time: most digits) fits; past the view's span
  // there is room for one label at most, and a larger step changes nothing.
  int64_t step = 1;
  while (double(step) * px_per_ns < gap && step <= t1 - t0) step = next_step(step);
  for (; step <= t1 - t0; step = next_step(step)) {
    std::string widest = tick_label(reach / step * step, step, reach);
    if (double(step) * px_per_ns >= double(width(widest) + gap)) break;
  }
  for (int64_t t = origin + (first - origin + step - 1) / step * step; t <= t1; t += step)
    out.push_back({t, tick_label(t - origin, step, reach)});
  return out;
}

}  // namespace loopscope::gui
