// Headless screenshots (EGL on Mesa's surfaceless platform, no display): the
// real pixels show what the view means to show. Each case runs the scenario
// for real, then seeks; nothing here depends on how fast the machine is.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Frame;
using test::Rig;

TEST_CASE("a headless screenshot of gather has a timeline lane per task, drawn in the task's hue") {
  Rig r("gather");
  r.shoot(r.m().size() - 1);
  const Geometry& g = r.app->geometry();
  const Theme& th = theme(true);
  const auto& lanes = r.m().lanes();
  REQUIRE(g.lane_mid.size() == lanes.size());
  int task_lanes = 0;
  for (size_t i = 0; i < lanes.size(); ++i) {
    if (lanes[i].kind != model::LaneKind::task) continue;
    ++task_lanes;
    int color = r.color(lanes[i].id);
    float y = g.lane_mid[i];
    CAPTURE(lanes[i].label);
    // The waiting bar (sleep dots, gather outline) runs along the lane's centre in its hue.
    CHECK(r.f.count(g.plot.x0, y - 4, g.plot.x1, y + 5, th.task(color)) > 20);
    // And no other task's hue sits on that row.
    for (const auto& t : r.m().tasks())
      if (t.color != color) CHECK(r.f.count(g.plot.x0, y - 2, g.plot.x1, y + 3, th.task(t.color), 12) == 0);
  }
  CHECK(task_lanes == 4);  // main, A, B, C
  // Between panels the window shows the theme's background.
  CHECK(r.f.near(3, 360, th.bg, 2));
  CHECK(r.f.near(1276, 700, th.bg, 2));
}

TEST_CASE("the light theme has a light background and dark text") {
  Rig r("gather", false);
  r.shoot(r.m().size() - 1);
  CHECK(r.f.near(3, 360, theme(false).bg, 2));
  CHECK(r.f.luminance(3, 360) > 0.9f);
  // The "Timeline" heading is written in dark ink on the light panel.
  const Geometry& g = r.app->geometry();
  CHECK(r.f.count(g.timeline.x0, g.timeline.y0, g.timeline.x0 + 120, g.timeline.y0 + 30, theme(false).text_dim, 40) > 20);
}

TEST_CASE("screenshots at two playhead times differ where the playhead moved") {
  Rig r("gather");
  const Theme& th = theme(true);
  int32_t a = r.task_id("A");
  size_t early = r.find(Ev::timer_arm, a);  // A has just armed its 0.3 s sleep
  r.shoot(early);
  float x_early = r.app->geometry().playhead_x;
  Frame first = r.f;
  r.shoot(r.m().size() - 1);
  float x_end = r.app->geometry().playhead_x;
  const Geometry& g = r.app->geometry();
  REQUIRE(x_early > 0);
  REQUIRE(x_end > 0);
  CHECK(x_end - x_early > 200);  // 0.3 s of a ~0.3 s run apart
  // The playhead is a real line at its place in each picture.
  int col_e = int(x_early + 0.5f), col_n = int(x_end + 0.5f);
  CHECK(first.count(float(col_e - 1), g.plot.y0, float(col_e + 2), g.plot.y1, th.playhead, 30) > int(g.plot.y1 - g.plot.y0) / 2);
  CHECK(r.f.count(float(col_n - 1), g.plot.y0, float(col_n + 2), g.plot.y1, th.playhead, 30) > int(g.plot.y1 - g.plot.y0) / 2);
  // The future is veiled: early on, A's lane right of the playhead is not in A's full hue.
  size_t lane = 0;
  for (size_t i = 0; i < r.m().lanes().size(); ++i)
    if (r.m().lanes()[i].kind == model::LaneKind::task && r.m().lanes()[i].id == a) lane = i;
  float y = g.lane_mid[lane];
  ImU32 hue = th.task(r.color(a));
  CHECK(first.count(x_early + 10, y - 4, g.plot.x1, y + 5, hue, 12) == 0);
  CHECK(r.f.count(x_early + 10, y - 4, g.plot.x1, y + 5, hue, 12) > 20);
}

TEST_CASE("after the three sleeps are armed, the stage holds three timers and the code shows each task at its await") {
  Rig r("gather");
  int32_t c = r.task_id("C");
  size_t i = r.find(Ev::step_end, c);  // C has armed its timer and yielded: all three wait
  r.shoot(i);
  const Geometry& g = r.app->geometry();
  const auto& st = r.app->state();
  CHECK(st.timers.size() == 3);
  int timer_chips = 0;
  for (const auto& text : g.stage_chips) timer_chips += text.find(" in ") != std::string::npos;
  CHECK(timer_chips == 3);
  // The code view has a cursor for A, B and C on line 6 (await asyncio.sleep), in their hues.
  for (const char* n : {"A", "B", "C"}) {
    int32_t t = r.task_id(n);
    CAPTURE(n);
    CHECK(std::count(g.cursors.begin(), g.cursors.end(), std::make_pair(6, t)) == 1);
    CHECK(r.f.count(g.code.x0, g.code.y0, g.code.x1, g.code.y1, theme(true).task(r.color(t)), 10) > 30);
    CHECK(r.f.count(g.stage.x0, g.stage.y0, g.stage.x1, g.stage.y1, theme(true).task(r.color(t)), 10) > 100);
  }
}

TEST_CASE("taskgroup-cancel's timeline marks the failed task with an error and its siblings as cancelled") {
  Rig r("taskgroup-cancel");
  r.shoot(r.m().size() - 1);
  const Geometry& g = r.app->geometry();
  const Theme& th = theme(true);
  int cancelled = 0, failed = 0;
  for (const auto& t : r.m().tasks()) {
    const auto& snap = r.app->state().tasks;
    auto it = std::find_if(snap.begin(), snap.end(), [&](const model::TaskSnapshot& s) { return s.id == t.id; });
    if (it == snap.end() || it->state != model::TaskState::done) continue;
    cancelled += it->outcome == Outcome::cancelled;
    failed += it->outcome == Outcome::error;
  }
  REQUIRE(cancelled >= 1);
  REQUIRE(failed >= 1);
  CHECK(r.f.count(g.plot.x0, g.plot.y0, g.plot.x1, g.plot.y1, th.cancelled, 30) > 10 * cancelled);
  CHECK(r.f.count(g.plot.x0, g.plot.y0, g.plot.x1, g.plot.y1, th.error, 30) > 10);
}
