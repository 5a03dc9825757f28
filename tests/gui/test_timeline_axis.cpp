// The timeline's two x-axes: real time, and "by iteration" (story time), chosen
// automatically when real time would bunch the events into a few pixels.
#include <doctest/doctest.h>

#include <cstdlib>

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
  const Scenario* s2 = find_scenario("concurrent-server");
  REQUIRE(s2);
  r.app->start_compare(*s2, s2->resolve({"clients=2", "work=0.1"}));
  r.app->compare_session().wait();
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
