// Panels can be hidden (keys 1-6): the others in the column take the room,
// and a column with nothing left gives its width to the other.
#include <doctest/doctest.h>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("hiding the stage gives the timeline the whole left column; hiding the right column widens the left") {
  Rig r("gather");
  r.shoot(r.m().size() - 1);
  Geometry full = r.app->geometry();
  Appearance a = r.app->appearance();
  a.show[0] = false;  // Stage
  a.show[3] = false;  // Why
  r.app->set_appearance(a);
  r.shoot(r.m().size() - 1);
  const Geometry& g = r.app->geometry();
  CHECK(g.timeline.y0 < full.stage.y0 + 5);           // the timeline starts where the stage did
  CHECK(g.timeline.y1 - g.timeline.y0 > 1.6f * (full.timeline.y1 - full.timeline.y0));
  // Code, Tasks and Console share Why's room.
  auto h = [](const Box& b) { return b.y1 > b.y0 ? b.y1 - b.y0 : 0.0f; };
  CHECK(h(g.code) + h(g.tasks) + h(g.console) > h(full.code) + h(full.tasks) + h(full.console) + 50);
  // The timeline's lanes are real pixels in the stage's old place.
  const Theme& th = theme(true);
  int32_t a_id = -1;
  for (const auto& t : r.m().tasks()) if (t.name == "A") a_id = t.id;
  REQUIRE(a_id >= 0);
  CHECK(r.f.count(g.plot.x0, g.plot.y0, g.plot.x1, g.plot.y1, th.task(r.color(a_id)), 12) > 100);
  a.show[2] = a.show[4] = a.show[5] = false;  // nothing left on the right (Code, Console, Tasks)
  r.app->set_appearance(a);
  r.shoot(r.m().size() - 1);
  CHECK(r.app->geometry().timeline.x1 > 1200);
}
