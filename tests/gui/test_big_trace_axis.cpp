// A million-event trace stays on the real-time axis, where the timeline folds
// what is narrower than a pixel: asking for "by iteration" says why not
// instead of drawing every event.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>

#include "core/trace_json.hpp"
#include "gui/app.hpp"
#include "synthetic_trace.hpp"

using namespace loopscope;
using namespace loopscope::gui;

TEST_CASE("a trace beyond the story axis's limit keeps real time, and A says why") {
  bench::SyntheticShape shape;
  shape.events = kStoryAxisMaxEvents + 5000;
  bench::SyntheticTrace t = bench::make_synthetic_trace(shape);
  std::string path = "/tmp/loopscope-big-" + std::to_string(::getpid()) + ".jsonl";
  REQUIRE(save_jsonl(path, t.events) == "");
  App app;
  REQUIRE(app.load(path) == "");
  std::remove(path.c_str());
  REQUIRE(app.session().model().size() > kStoryAxisMaxEvents);
  app.toggle_axis();
  CHECK_FALSE(app.timeline().story);
  CHECK(app.status_is_error());
  CHECK(app.status().find("real time it is") != std::string::npos);
}

TEST_CASE("a small trace switches to the story axis and back") {
  bench::SyntheticShape shape;
  shape.events = 2000;
  bench::SyntheticTrace t = bench::make_synthetic_trace(shape);
  std::string path = "/tmp/loopscope-small-" + std::to_string(::getpid()) + ".jsonl";
  REQUIRE(save_jsonl(path, t.events) == "");
  App app;
  REQUIRE(app.load(path) == "");
  std::remove(path.c_str());
  bool before = app.timeline().story;
  app.toggle_axis();
  CHECK(app.timeline().story != before);
  app.toggle_axis();
  CHECK(app.timeline().story == before);
  CHECK(app.status().empty());
}
