// The playhead's time as the toolbar says it: in the unit a clip's header and
// the time axis use, "1.100 s" past a second (it said "1100.0 ms").
#include <doctest/doctest.h>

#include <string>

#include "gui/draw.hpp"
#include "gui/draw_audit.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("the playhead's time reads in ms under a second and in seconds from there") {
  CHECK(format_clock(0) == "0.0 ms");
  CHECK(format_clock(1300000) == "1.3 ms");
  CHECK(format_clock(999940000) == "999.9 ms");
  CHECK(format_clock(999960000) == "1.000 s");  // not "1000.0 ms"
  CHECK(format_clock(2014000000) == "2.014 s");
}

TEST_CASE("past a second into the run, the toolbar says t = 1.100 s, as a clip's header does") {
  Rig r("concurrent-server", true, {"clients=1", "work=1.2"});
  const int64_t b = r.m().begin_ns();
  REQUIRE(r.m().end_ns() - b > 1100000000);
  r.app->seek_time(b + 1100000000);
  settle(*r.h, *r.app);
  const Geometry& g = r.app->geometry();
  std::string top = test::drawn_text(0, 0, float(r.f.w), g.stage.y0 - 1);
  CAPTURE(top);
  CHECK(top.find("t = 1.100 s") != std::string::npos);
  CHECK(top.find(" ms") == std::string::npos);
}
