// The right column's panels share its height: Code, Why, (Tasks,) Console.
// The Why is never cut; what it needs beyond its share comes from the others,
// and on a projector the listing is what the class reads along with.
#include <doctest/doctest.h>

#include "core/trace_schema.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("in presenter mode at 720p a long Why takes its room from the Console before the Code") {
  Appearance look;
  look.presenter = true;
  Rig r(look, "concurrent-server", {"work=0.3"});
  const auto& events = r.m().events();
  // A poll while the handlers sleep: the Why explains the poll's timeout in seven lines or so.
  size_t poll = 0;
  for (size_t i = 0; i < events.size() && !poll; ++i)
    if (events[i].kind == Ev::loop_poll && events[i].loop == 0 && as<ev::Poll>(events[i]).timeout_ms > 100) poll = i;
  REQUIRE(poll > 0);
  r.shoot(poll);
  const Geometry& g = r.app->geometry();
  const float px = r.app->appearance().font_px();
  int rows = 0;
  for (const auto& row : g.code_rows) rows += row.y0 >= g.code.y0 && row.y1 <= g.code.y1 + 0.5f;
  CAPTURE(rows);
  // The Console gave what it could (it keeps its heading and two rows), the Code kept five rows
  // (before: four, beside a Console taller than it needed that said "nothing printed yet").
  CHECK(g.console.y1 - g.console.y0 == doctest::Approx(px * 5.4f).epsilon(0.03));
  CHECK(rows >= 5);
  CHECK(g.why.y1 - g.why.y0 > px * 7);  // the Why is whole
}
