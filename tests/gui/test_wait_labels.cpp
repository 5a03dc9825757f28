// What a waiting task awaits, said over its lane ("sleep", "queue"): the
// label sits on a patch of its lane's background, drawn over the playhead, so
// where the playhead crosses it the line passes under the word instead of
// through it; and a label stays where it is while the playhead moves (a clip
// shows no label jumping). Checked in real pixels, dark and light, at the desk
// (a presenter's 720p lanes of this run are too low for any label).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gui/rig.hpp"
#include "gui/theme.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("a wait label the playhead crosses reads whole, and no wait label moves as the playhead does") {
  for (bool dark : {true, false}) {
    CAPTURE(dark);
    Rig r("taskgroup-cancel", dark);
    const Theme& th = theme(dark);
    std::vector<std::pair<std::string, Box>> first;
    int crossed = 0, shots = 0;
    // Every event of the run's first part: the playhead steps over the waits' starts, where the labels are.
    for (size_t i = 0; i < r.m().size() && i < 80; ++i) {
      r.shoot(i);
      ++shots;
      const Geometry& g = r.app->geometry();
      REQUIRE_FALSE(g.wait_labels.empty());
      // The labels are the same boxes wherever the playhead is.
      if (first.empty()) first = g.wait_labels;
      REQUIRE(g.wait_labels.size() == first.size());
      for (size_t k = 0; k < first.size(); ++k) {
        CHECK(g.wait_labels[k].first == first[k].first);
        CHECK(g.wait_labels[k].second.x0 == first[k].second.x0);
        CHECK(g.wait_labels[k].second.y0 == first[k].second.y0);
      }
      // Where the playhead crosses a label, none of its line shows inside the label's box.
      const float xp = g.playhead_x;
      for (const auto& [text, b] : g.wait_labels) {
        if (xp < b.x0 + 3 || xp > b.x1 - 3) continue;
        CAPTURE(i);
        CAPTURE(text);
        ++crossed;
        int x = int(std::floor(xp));
        CHECK(r.f.count(float(x - 1), b.y0 + 1, float(x + 2), b.y1 - 1, th.playhead, 40) == 0);
      }
    }
    CHECK(shots > 20);
    CHECK(crossed > 0);  // the run's playhead did cross a label: the check above ran
  }
}
