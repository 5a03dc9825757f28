// Strings as long as the loader accepts (a 12k task name, 20k labels, a 64k
// print) render: every text drawn is elided with "…", so no draw list
// overflows Dear ImGui's 16-bit vertex indices (issue 12, item 2). And a
// ready queue of thousands of handles shows what fits and counts the rest.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "core/trace_json.hpp"
#include "gui/pixels.hpp"
#include "gui/screenshot.hpp"
#include "support/long_strings.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {

size_t code_points(const std::string& s) {
  return size_t(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string saved(const std::vector<Event>& ev, const char* what) {
  std::string path = "/tmp/loopscope-" + std::string(what) + "-" + std::to_string(getpid()) + ".jsonl";
  REQUIRE(save_jsonl(path, ev) == "");
  return path;
}

}  // namespace

TEST_CASE("a trace with a 12k name, 20k labels and a 64k print renders, elided, without overflowing a draw list") {
  Trace strings;
  std::string path = saved(loopscope::test::long_strings_trace(strings), "long-strings");
  std::string err;
  auto h = Headless::create(1280, 720, err);
  REQUIRE_MESSAGE(h, err);
  App app;
  REQUIRE(app.init_context());
  REQUIRE(app.load(path) == "");
  std::remove(path.c_str());
  const model::Model& m = app.session().model();
  REQUIRE(m.size() == 9);
  gui::test::Frame f{{}, 1280, 720};
  shot_at(*h, app, m.size() - 1, f.rgba);  // the print is out, a callback queued, the timer armed

  const Geometry& g = app.geometry();
  // The stage's chips: the queued callback's 20k label and the timer, each elided.
  REQUIRE(!g.stage_chips.empty());
  int elided = 0;
  for (const std::string& c : g.stage_chips) {
    CAPTURE(c.substr(0, 80));
    CHECK(code_points(c) <= limits::kShownTextChars);
    elided += c.find("\xE2\x80\xA6") != std::string::npos;
  }
  CHECK(elided >= 2);
  // The task's lane and the Why panel.
  CHECK(code_points(m.tasks()[0].name) == limits::kShownNameChars);
  CHECK(code_points(g.why_text) <= limits::kShownParagraphChars);
  // The print is drawn in the console: its row holds text pixels (light ink on the dark panel).
  int ink = 0;
  for (int y = int(g.console.y0); y < int(g.console.y1); ++y)
    for (int x = int(g.console.x0); x < int(g.console.x1); ++x) ink += f.luminance(x, y) > 0.6f;
  CHECK(ink > 100);
}

TEST_CASE("a ready queue of 20,000 handles shows the chips that fit and counts the rest") {
  Trace strings;
  const char* label = strings.intern("cb");
  std::vector<Event> ev;
  for (int32_t k = 0; k < 20000; ++k) {
    Event e;
    e.kind = Ev::ready_push;
    e.seq = uint64_t(k);
    e.t_ns = k;
    e.it = 1;
    e.id = k;
    e.s1 = label;
    e.code = uint8_t(Cause::call_soon);
    ev.push_back(e);
  }
  std::string path = saved(ev, "big-queue");
  std::string err;
  auto h = Headless::create(1280, 720, err);
  REQUIRE_MESSAGE(h, err);
  App app;
  REQUIRE(app.init_context());
  REQUIRE(app.load(path) == "");
  std::remove(path.c_str());
  gui::test::Frame f{{}, 1280, 720};
  shot_at(*h, app, ev.size() - 1, f.rgba);
  const Geometry& g = app.geometry();
  CHECK(g.stage_chips.size() > 3);
  CHECK(g.stage_chips.size() < 500);  // what fits the area, not 20,000
}
