// The timeline's lane labels and its count of lanes out of view, on a
// projector (presenter text, 1280x720, compare): every label says its lane's
// name whole (a shorter form before an ellipsis), and "+N lanes below" has a
// strip of its own under the lanes, where it covers no label and no lane.
#include <doctest/doctest.h>

#include <string>

#include "gui/draw_audit.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
Rig presenter_compare(const char* first, const char* second, bool dark = true) {
  Appearance look;
  look.presenter = true;
  look.dark = dark;
  Rig r(look, first, {"clients=3", "work=0.05"});
  r.compare_with(second, {"clients=3", "work=0.05"});
  return r;
}
bool overlaps(const test::DrawnGlyph& g, const Box& b) { return g.x1 > b.x0 && g.x0 < b.x1 && g.y1 > b.y0 && g.y0 < b.y1; }
bool inside(const test::DrawnGlyph& g, const Box& b) { return g.x0 >= b.x0 - 0.5f && g.x1 <= b.x1 + 0.5f && g.y0 >= b.y0 - 0.5f && g.y1 <= b.y1 + 0.5f; }
}  // namespace

TEST_CASE("lanes out of view are counted in a strip under the lanes that covers no lane label and no lane") {
  for (bool dark : {true, false}) {
    CAPTURE(dark);
    Rig r = presenter_compare("concurrent-server", "sequential-server", dark);
    r.shoot(r.m().size() / 3);
    const Geometry& g = r.app->geometry();
    auto glyphs = test::drawn_glyphs();
    for (int run = 0; run < 2; ++run) {
      CAPTURE(run);
      int hidden = run ? g.lanes_hidden2 : g.lanes_hidden;
      const Box& count = run ? g.lanes_count2 : g.lanes_count;
      const Box& plot = run ? g.plot2 : g.plot;
      const Box& panel = run ? g.timeline2 : g.timeline;
      REQUIRE(hidden > 0);  // the heaviest compare scrolls its lanes at 720p
      REQUIRE(count.x1 > count.x0);
      CHECK(count.y0 >= plot.y1 - 0.5f);  // under the lanes, not over them
      CHECK(count.y1 <= panel.y1);
      CHECK(count.x0 >= panel.x0);
      // It says how many, and nothing drawn under it shows through: every glyph it touches is its own text.
      std::string said = test::drawn_text(count.x0, count.y0, count.x1, count.y1);
      CHECK(said.find("+" + std::to_string(hidden)) != std::string::npos);
      for (const auto& gl : glyphs)
        if (overlaps(gl, count)) CHECK(inside(gl, count));
      // Each lane's middle is above the strip: no lane is drawn under it.
      for (float mid : run ? g.lane_mid2 : g.lane_mid)
        if (mid > plot.y0 && mid < plot.y1) CHECK(mid < count.y0);
    }
  }
}

TEST_CASE("a compared run's lane labels fit the shared label column at the presenter floor: 'server thread', not 'server threa…'") {
  for (auto [first, second] : {std::pair{"concurrent-server", "sequential-server"}, std::pair{"sequential-server", "concurrent-server"}}) {
    CAPTURE(first);
    Rig r = presenter_compare(first, second);
    r.shoot(r.m().size() / 3);
    const Geometry& g = r.app->geometry();
    const auto& seq_labels = std::string(first) == "sequential-server" ? g.lane_labels : g.lane_labels2;
    REQUIRE(!seq_labels.empty());
    CHECK(seq_labels[0].rfind("server thread", 0) == 0);  // the thread's lane, in its full or its short form
    for (const auto* labels : {&g.lane_labels, &g.lane_labels2})
      for (const std::string& l : *labels) {
        CAPTURE(l);
        CHECK(l.find("\xe2\x80\xa6") == std::string::npos);
      }
    // The labels are drawn at the floor or larger (1/36 of the window's height).
    float floor_px = r.app->appearance().floor_px();
    for (const auto& gl : test::drawn_glyphs())
      if (gl.x1 < g.plot.x0 && gl.y0 >= g.plot.y0 && gl.y1 <= g.plot.y1) CHECK(gl.px >= floor_px - 0.5f);
  }
}
