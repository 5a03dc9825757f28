// `loopscope view F.jsonl`: a saved trace replays in the same view as the run
// that wrote it, pixel for pixel.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "core/trace_json.hpp"
#include "gui/pixels.hpp"
#include "gui/screenshot.hpp"

using namespace loopscope;
using namespace loopscope::gui;

TEST_CASE("a saved gather-errors trace shows the same screen as the live run at the same event") {
  const Scenario* s = find_scenario("gather-errors");
  REQUIRE(s);
  std::string path = "/tmp/loopscope-view-test-" + std::to_string(getpid()) + ".jsonl";
  test::Frame a{{}, 1280, 720}, b{{}, 1280, 720};
  std::string listing;
  size_t mid = 0, size = 0;
  float stage_top = 0;
  {
    std::string err;
    auto h = Headless::create(1280, 720, err);
    REQUIRE_MESSAGE(h, err);
    App live;
    REQUIRE(live.init_context());
    REQUIRE(run_to_end(*h, live, *s, s->resolve({})) == "");
    const model::Model& m = live.session().model();
    REQUIRE(save_jsonl(path, m.events()) == "");
    size = m.size();
    mid = size / 2;  // in the middle, where tasks wait and the console has lines
    listing = live.session().listing();
    shot_at(*h, live, mid, a.rgba);
    stage_top = live.geometry().stage.y0;
  }
  std::string err;
  auto h = Headless::create(1280, 720, err);
  REQUIRE_MESSAGE(h, err);
  App saved;
  REQUIRE(saved.init_context());
  REQUIRE(saved.load(path) == "");
  std::remove(path.c_str());
  REQUIRE(saved.session().model().size() == size);
  CHECK(saved.session().listing() == listing);
  h->frame(saved, 0.1f);
  shot_at(*h, saved, mid, b.rgba);
  REQUIRE(a.rgba.size() == b.rgba.size());
  // Every panel below the toolbar is identical.
  int differ = 0;
  for (int y = int(stage_top); y < 720; ++y)
    for (int x = 0; x < 1280; ++x) differ += std::memcmp(a.at(x, y), b.at(x, y), 3) != 0;
  CHECK(differ == 0);
}

TEST_CASE("a broken trace file is refused with a one-line error naming it") {
  std::string path = "/tmp/loopscope-view-bad-" + std::to_string(getpid()) + ".jsonl";
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  std::fputs("{\"seq\": 0, \"t_ns\": \n", f);
  std::fclose(f);
  App app;
  std::string err = app.load(path);
  std::remove(path.c_str());
  CHECK(err.find(path) != std::string::npos);
  CHECK(err.find('\n') == std::string::npos);
  CHECK(app.session().model().size() == 0);
}
