// Bookmarks: a teacher marks moments (M) and jumps between them (B, Shift+B).
#include <doctest/doctest.h>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("marked moments are jumped to in order, and marking again removes a mark") {
  Rig r("gather", true, {"a=0.01", "b=0.02", "c=0.03"});
  App& app = *r.app;
  size_t first = r.find(Ev::timer_fire), later = r.find(Ev::task_done);
  REQUIRE(first < later);
  app.seek(later);
  app.toggle_bookmark();
  app.seek(first);
  app.toggle_bookmark();
  CHECK(app.bookmarks() == std::vector<size_t>{first, later});
  app.seek(0);
  app.step_bookmark(+1);
  CHECK(app.playback().index() == first);
  app.step_bookmark(+1);
  CHECK(app.playback().index() == later);
  app.step_bookmark(+1);  // no mark after the last: the playhead stays
  CHECK(app.playback().index() == later);
  app.step_bookmark(-1);
  CHECK(app.playback().index() == first);
  app.toggle_bookmark();
  CHECK(app.bookmarks() == std::vector<size_t>{later});
}
