// The timeline's two x-axes: real time, and "by iteration" (story time), chosen
// automatically when real time would bunch the events into a few pixels.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "gui/draw_audit.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
// The x (pixels) of each loop-0 iteration start in the current frame's plot.
std::vector<float> iteration_xs(const Rig& r) {
  const auto& tv = r.app->timeline();
  const Geometry& g = r.app->geometry();
  std::vector<float> xs;
  for (const Event& e : r.m().events())
    if (e.kind == Ev::loop_iter && e.loop == 0)
      xs.push_back(g.plot.x0 + float((r.app->axis_of(e.t_ns) - double(tv.t0)) / double(tv.t1 - tv.t0)) *
                                   (g.plot.x1 - g.plot.x0));
  return xs;
}
}  // namespace


TEST_CASE("taskgroup-cancel opens on the by-iteration axis, where every iteration gets visible width") {
  Rig r("taskgroup-cancel");
  r.shoot(r.m().size() - 1);
  CHECK(r.app->timeline().axis_auto);
  CHECK(r.app->timeline().story);
  std::vector<float> xs = iteration_xs(r);
  REQUIRE(xs.size() >= 5);
  for (size_t k = 1; k < xs.size(); ++k) CHECK(xs[k] - xs[k - 1] >= 8.0f);
  // The failing task's steps (microseconds of real time) each get a slot of their own: its hue is a visible bar, not a hairline.
  const Theme& th = theme(true);
  const Geometry& g = r.app->geometry();
  int32_t bad = r.task_id("BAD");
  size_t lane = 0;
  for (size_t i = 0; i < r.m().lanes().size(); ++i)
    if (r.m().lanes()[i].kind == model::LaneKind::task && r.m().lanes()[i].id == bad) lane = i;
  CHECK(r.f.count(g.plot.x0, g.lane_mid[lane] - 8, g.plot.x1, g.lane_mid[lane] + 8, th.task(r.color(bad)), 12) > 120);
}

// Blocked time is the lesson: the by-iteration axis squeezes waits, never a
// block. A block takes at least the share of the plot it takes of the run's
// real time, and is wider than any iteration that does not block.
TEST_CASE("on the by-iteration axis a 250 ms block is as long as on the real-time axis, not one event's width") {
  Rig r("blocking-call", true, {"mode=time.sleep", "seconds=0.25"});
  r.shoot(r.m().size() - 1);
  if (!r.app->timeline().story) r.app->toggle_axis();
  r.shoot(r.m().size() - 1);
  REQUIRE(r.app->timeline().story);
  if (const char* d = std::getenv("LOOPSCOPE_SHOTS")) write_png(std::string(d) + "/block_by_iteration.png", r.f.w, r.f.h, r.f.rgba);
  const auto& ev = r.m().events();
  int64_t b0 = -1, b1 = -1;
  for (const Event& e : ev) {
    if (e.kind == Ev::block_begin && b0 < 0) b0 = e.t_ns;
    if (e.kind == Ev::block_end && b0 >= 0 && b1 < 0) b1 = e.t_ns;
  }
  REQUIRE(b0 >= 0);
  REQUIRE(b1 > b0);
  CHECK(b1 - b0 >= 240000000);  // time.sleep(0.25) really blocked
  const auto& tv = r.app->timeline();
  const Geometry& g = r.app->geometry();
  float plot_w = g.plot.x1 - g.plot.x0;
  auto x_of = [&](int64_t t) { return float((r.app->axis_of(t) - double(tv.t0)) / double(tv.t1 - tv.t0)) * plot_w; };
  float block_w = x_of(b1) - x_of(b0);
  double real_share = double(b1 - b0) / double(r.m().end_ns() - r.m().begin_ns());
  CHECK(block_w >= 0.9f * float(real_share) * plot_w);  // the fit leaves a small margin at each end
  CHECK(r.app->axis_block_scale() > 1.0);
  // Wider than any iteration without the block.
  std::vector<int64_t> its;
  for (const Event& e : ev)
    if (e.kind == Ev::loop_iter && e.loop == 0) its.push_back(e.t_ns);
  for (size_t k = 0; k + 1 < its.size(); ++k) {
    if (its[k] <= b0 && b0 < its[k + 1]) continue;
    CHECK(x_of(its[k + 1]) - x_of(its[k]) < block_w);
  }
}

TEST_CASE("A switches the timeline to real time and back; the axis maps trace time both ways") {
  Rig r("taskgroup-cancel");
  r.shoot(r.m().size() - 1);
  REQUIRE(r.app->timeline().story);
  const auto& ev = r.m().events();
  for (size_t i : {size_t(0), ev.size() / 3, ev.size() - 1}) {
    double u = r.app->axis_of(ev[i].t_ns);
    CHECK(u == doctest::Approx(r.app->playback().story_start(i) * 1e9).epsilon(1e-9));
    // Back to trace time (within a nanosecond or two of rounding).
    CHECK(std::llabs(r.app->trace_of(u) - ev[i].t_ns) <= 2);
  }
  r.app->toggle_axis();
  r.shoot(r.m().size() - 1);
  CHECK_FALSE(r.app->timeline().axis_auto);
  CHECK_FALSE(r.app->timeline().story);
  CHECK(r.app->axis_of(ev[5].t_ns) == double(ev[5].t_ns));
  // On real time, the iterations before the 10 ms sleep fall within a few pixels.
  std::vector<float> xs = iteration_xs(r);
  CHECK(xs[2] - xs[0] < 8.0f);
  r.app->toggle_axis();
  r.shoot(r.m().size() - 1);
  CHECK(r.app->timeline().story);
}

// The playhead's head sits in the axis row: a tick label there ran into it
// ("0.0▼s" in a clip's compare half). Seek across the run: in both compared
// runs' timelines no text is drawn under the head.
TEST_CASE("no tick label is drawn under the playhead's head, in either compared run's timeline") {
  Rig r("sequential-server", true, {"clients=2", "work=0.1"});
  r.compare_with("concurrent-server", {"clients=2", "work=0.1"});
  const float px = r.app->appearance().font_px();
  const int64_t b = r.m().begin_ns(), span = r.m().end_ns() - b;
  int heads_seen = 0;
  for (int k = 0; k <= 40; ++k) {
    r.app->seek_time(b + span * k / 40);
    settle(*r.h, *r.app);
    REQUIRE_FALSE(r.app->timeline().story);  // the real-time axis: ticks in seconds
    const Geometry& g = r.app->geometry();
    for (auto [x, plot] : {std::pair{g.playhead_x, g.plot}, std::pair{g.playhead2_x, g.plot2}}) {
      if (x < plot.x0) continue;
      ++heads_seen;
      CAPTURE(k);
      CHECK(test::drawn_text(x - px * 0.5f, plot.y0 - px * 1.5f, x + px * 0.5f, plot.y0 - 1) == "");
    }
  }
  CHECK(heads_seen > 40);
}

// Zoomed to a few milliseconds, the compared run's ticks were placed a second
// time through its clock shift (run 1's start minus run 2's), so its labels
// stood that far from their time. Read back: every label drawn in either
// timeline's axis row names the run time at its tick, which is under it.
TEST_CASE("zoomed to milliseconds, every tick label in both compared runs' axes names the run time under it") {
  Rig r("sequential-server", true, {"clients=2", "work=0.1"});
  const model::Model& m2 = r.compare_with("concurrent-server", {"clients=2", "work=0.1"});
  const int64_t b = r.m().begin_ns();
  REQUIRE(b != m2.begin_ns());  // the runs' clocks differ: run 2 is drawn shifted onto run 1's
  r.app->seek_time(b + 150000000);
  TimelineView& tv = r.app->timeline();
  tv.fit = false;
  tv.t0 = b + 100000000, tv.t1 = tv.t0 + 4000000;  // 100..104 ms: the playhead is out of view
  settle(*r.h, *r.app);
  const Geometry& g = r.app->geometry();
  const float px = r.app->appearance().font_px();
  for (const Box& plot : {g.plot, g.plot2}) {
    // The axis row's glyphs, left to right, in labels: apart by more than 0.6 of their size.
    std::vector<test::DrawnGlyph> row;
    for (const test::DrawnGlyph& d : test::drawn_glyphs())
      if (d.y0 >= plot.y0 - px * 1.6f && d.y1 <= plot.y0 && d.x0 >= plot.x0 - px * 3 && d.x1 <= plot.x1) row.push_back(d);
    std::sort(row.begin(), row.end(), [](auto& a, auto& c) { return a.x0 < c.x0; });
    std::vector<std::pair<std::string, std::pair<float, float>>> labels;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i == 0 || row[i].x0 - row[i - 1].x1 > row[i].px * 0.6f) labels.push_back({"", {row[i].x0, 0}});
      if (row[i].codepoint < 0x80) labels.back().first += char(row[i].codepoint);
      else if (row[i].codepoint == 0xB5) labels.back().first += "u";
      labels.back().second.second = row[i].x1;
    }
    CHECK(labels.size() >= 2);
    for (auto& [text, span] : labels) {
      CAPTURE(text);
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      std::string unit(end);
      double scale = unit == "s" ? 1e9 : unit == "ms" ? 1e6 : unit == "us" ? 1e3 : 1.0;
      float x = plot.x0 + float((double(b) + v * scale - double(tv.t0)) / double(tv.t1 - tv.t0)) * (plot.x1 - plot.x0);
      CHECK(x >= span.first - 4);
      CHECK(x <= span.second + 4);
    }
  }
}
