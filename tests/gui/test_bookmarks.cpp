// Bookmarks: a teacher marks moments (M) and jumps between them (B, Shift+B).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "gui/export.hpp"
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

TEST_CASE("bookmarks are saved with the trace as bookmark events and come back when it is opened") {
  Rig r("gather", true, {"a=0.01", "b=0.02", "c=0.03"});
  size_t first = r.find(Ev::timer_fire), later = r.find(Ev::task_done);
  r.app->seek(first);
  r.app->toggle_bookmark();
  r.app->seek(later);
  r.app->toggle_bookmark();
  std::string path = std::filesystem::temp_directory_path() / ("loopscope-marks-" + std::to_string(::getpid()) + ".jsonl");
  REQUIRE(save_trace(r.app->session(), path, r.app->bookmarks()) == "");
  App again;
  REQUIRE(again.load(path) == "");
  CHECK(again.bookmarks() == std::vector<size_t>{first, later});
  const auto& ev = again.session().model().events();
  REQUIRE(ev.size() == r.m().size() + 2);  // appended after the run's own events
  CHECK(ev.back().kind == Ev::bookmark);
  // Saving the opened trace again keeps two marks, not four.
  REQUIRE(save_trace(again.session(), path, again.bookmarks()) == "");
  App third;
  REQUIRE(third.load(path) == "");
  CHECK(third.session().model().size() == r.m().size() + 2);
  std::filesystem::remove(path);
}
