// Code cursors: a chip never covers the code it points at, a task's first
// step has a cursor before it prints or awaits, and the panel keeps the line
// of the event at the playhead in view.
#include <doctest/doctest.h>

#include <string>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("the timeout scenario's cursor chips never cover the end of a line, at every step of main") {
  Rig r("timeout");
  size_t chips = 0;
  for (size_t i = 0; i < r.m().size(); ++i) {
    const Event& e = r.m().events()[i];
    if (e.kind != Ev::step_end && e.kind != Ev::step_begin) continue;
    r.shoot(i);
    const Geometry& g = r.app->geometry();
    for (const auto& chip : g.code_chips) {
      for (const auto& row : g.code_rows) {
        if (row.line != chip.line || row.comment) continue;
        CAPTURE(row.text);
        float text_end = row.x + float(row.text.size()) * g.code_char_w;
        CHECK(chip.x0 >= text_end);  // `timeout=0.2` stays readable
        CHECK(chip.x1 <= g.code.x1);
        // Real pixels: the chip is drawn in its task's colour.
        ImU32 hue = theme(true).task(r.color(chip.task));
        CHECK(r.f.count(chip.x0, row.y0 + 2, chip.x1, row.y1 - 2, hue, 30) > 20);
        ++chips;
      }
    }
  }
  CHECK(chips > 5);
}

TEST_CASE("a task's first step has a cursor before it prints or awaits: at its async def") {
  Rig r("gather-errors");
  int32_t a = r.task_id("A");
  size_t begin = r.find(Ev::step_begin, a);
  r.shoot(begin);
  int line = 0;
  for (auto [l, task] : r.app->geometry().cursors)
    if (task == a) line = l;
  REQUIRE(line > 0);
  const Geometry& g = r.app->geometry();
  bool on_def = false;
  for (const auto& row : g.code_rows)
    if (row.line == line) on_def |= row.text.find("async def child") != std::string::npos;
  CHECK(on_def);
}

TEST_CASE("the code panel keeps the line of the event at the playhead in view") {
  Rig r("producer-consumer");
  // main's last print is on the listing's last lines; the consumer's and producer's cursors are far above.
  size_t i = r.find(Ev::print, r.task_id("main"));
  int line = r.m().events()[i].line;
  REQUIRE(line > 0);
  r.shoot(i);
  bool shown = false;
  for (const auto& row : r.app->geometry().code_rows) shown |= row.line == line;
  CHECK(shown);
}
