// Predict mode: while a question is open the timeline past the playhead is
// hidden (its bars would give the answer away), and the question comes with
// its context: the narration of where the playhead stands.
#include <doctest/doctest.h>

#include <string>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
int task_pixels(const Rig& r, float x0, float x1) {
  const Geometry& g = r.app->geometry();
  int n = 0;
  for (const model::TaskInfo& t : r.m().tasks()) n += r.f.count(x0, g.plot.y0, x1, g.plot.y1, theme(true).task(t.color), 12);
  return n;
}
}  // namespace

TEST_CASE("while a predict question is open, no task's bar is drawn past the playhead; after the answer it is") {
  Rig r("taskgroup-cancel");
  r.app->toggle_predict();
  r.shoot(r.m().size() / 2);  // playback passed a decision: the question opens there
  REQUIRE(r.app->question());
  const Geometry& g = r.app->geometry();
  REQUIRE(g.playhead_x > g.plot.x0);
  REQUIRE(g.playhead_x < g.plot.x1 - 40);
  CHECK(task_pixels(r, g.playhead_x + 3, g.plot.x1) == 0);
  CHECK(task_pixels(r, g.plot.x0, g.playhead_x - 2) > 100);  // the past is still there
  // The question's context: what just happened, as the Why panel tells it.
  CHECK((g.why_text.find("Which handle") != std::string::npos || g.why_text.find("In what order?") != std::string::npos));
  r.app->answer(-1);  // show me
  r.shoot(r.app->playback().index());
  // Answered: the future is back, dimmed (not the plain background everywhere).
  const Geometry& g2 = r.app->geometry();
  float x0 = g2.playhead_x + 3, x1 = g2.plot.x1;
  int area = int((x1 - x0) * (g2.plot.y1 - g2.plot.y0));
  int plain = r.f.count(x0, g2.plot.y0, x1, g2.plot.y1, theme(true).bg, 6) +
              r.f.count(x0, g2.plot.y0, x1, g2.plot.y1, theme(true).lane_alt, 6);
  CHECK(area - plain > 500);
}
