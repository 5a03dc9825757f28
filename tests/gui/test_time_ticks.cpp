// The real-time axis's ticks (gui/time_ticks.hpp): a label is the run time at
// its tick, with the decimals the step needs, and a narrow plot still gets
// more than one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "gui/time_ticks.hpp"

using namespace loopscope::gui;

namespace {
// Text 10 px a character: what the tests measure labels with.
float ten_px_a_char(const std::string& s) {
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  return float(chars) * 10;
}

// "2.021 s" -> 2021000000: the number a label says, in ns.
int64_t said_ns(const std::string& label) {
  char* end = nullptr;
  double v = std::strtod(label.c_str(), &end);
  std::string unit(end);
  double scale = unit == " s" ? 1e9 : unit == " ms" ? 1e6 : unit == " \xc2\xb5s" ? 1e3 : unit == " ns" ? 1.0 : -1.0;
  REQUIRE_MESSAGE(scale > 0, "no unit in '" << label << "'");
  return std::llround(v * scale);
}
}  // namespace

TEST_CASE("a tick two seconds into the run, zoomed to milliseconds, says 2.021 s") {
  // It said "2021 ms" at a 1 ms step and "2021000 µs" at a 1 µs one.
  CHECK(tick_label(2021000000, 1000000, 2025000000) == "2.021 s");
  CHECK(tick_label(2020500000, 500000, 2025000000) == "2.0205 s");
  CHECK(tick_label(2021000000, 1000, 2021010000) == "2.021000 s");
  // Exact: one nanosecond short of 2.021 s is not "2.020 s".
  CHECK(tick_label(2020999999, 1000000, 2025000000) == "2.021 s");
}

TEST_CASE("a label has as many decimals as its step needs, in the unit the axis reaches") {
  CHECK(tick_label(0, 2000000000, 4160000000) == "0 s");
  CHECK(tick_label(2000000000, 2000000000, 4160000000) == "2 s");
  CHECK(tick_label(200000000, 100000000, 700000000) == "0.2 s");  // a 100 ms step is read in seconds
  CHECK(tick_label(20000000, 10000000, 500000000) == "20 ms");    // a short run's axis in ms
  CHECK(tick_label(1050000, 50000, 3000000) == "1.05 ms");
  CHECK(tick_label(12000, 2000, 40000) == "12 \xc2\xb5s");
  CHECK(tick_label(40, 10, 900) == "40 ns");
}

TEST_CASE("a compare clip's narrow half, 125 px for 4 s, gets ticks at 0, 2 and 4 s, not one lone label at 0") {
  const int64_t origin = 458494, t0 = origin - 83000000, t1 = origin + 4083000000;
  auto ticks = time_ticks(origin, t0, t1, 125.0 / double(t1 - t0), 20, ten_px_a_char);
  REQUIRE(ticks.size() == 3);
  CHECK(ticks[0].t == origin);
  CHECK(ticks[0].label == "0 s");
  CHECK(ticks[1].label == "2 s");
  CHECK(ticks[2].label == "4 s");
}

TEST_CASE("zoomed to 6 ms two seconds in, every tick in view is labelled with the run time at it") {
  const int64_t origin = 800000, t0 = origin + 2018000000 - 300000, t1 = t0 + 6000000;
  const double px_per_ns = 1100.0 / double(t1 - t0);
  const float gap = 16;
  auto ticks = time_ticks(origin, t0, t1, px_per_ns, gap, ten_px_a_char);
  REQUIRE(ticks.size() >= 5);
  for (size_t i = 0; i < ticks.size(); ++i) {
    CAPTURE(ticks[i].label);
    CHECK(ticks[i].t >= t0);
    CHECK(ticks[i].t <= t1);
    CHECK(said_ns(ticks[i].label) == ticks[i].t - origin);
    CHECK(ticks[i].label.find(" s") != std::string::npos);  // one unit along the axis
    if (i) CHECK(double(ticks[i].t - ticks[i - 1].t) * px_per_ns >= ten_px_a_char(ticks[i].label) + gap);
  }
  // The smallest round step that leaves labels apart: half of it would not.
  int64_t step = ticks[1].t - ticks[0].t;
  CHECK(step == 1000000);
  CHECK(double(step / 2) * px_per_ns < ten_px_a_char("2.0185 s") + gap);
}

TEST_CASE("no tick is before the run's start, and a view wholly before it has none") {
  auto ticks = time_ticks(1000, 0, 1000 + 3000000000LL, 1e-6, 20, ten_px_a_char);
  REQUIRE_FALSE(ticks.empty());
  CHECK(ticks[0].t == 1000);
  CHECK(ticks[0].label == "0.0 s");  // at a 100 ms step
  CHECK(ticks[1].label == "0.1 s");
  CHECK(time_ticks(5000000, 0, 4000000, 1e-3, 20, ten_px_a_char).empty());
}

TEST_CASE("a plot narrower than one label gets one tick at most") {
  auto ticks = time_ticks(0, 0, 4000000000LL, 20.0 / 4e9, 20, ten_px_a_char);
  CHECK(ticks.size() <= 1);
}
