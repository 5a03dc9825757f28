// The stage's tween and its notes: when the last chip leaves an area (it
// glides on to Running, or fades out), the area's "empty" note never shows
// under it. The note waits until no chip is drawn over its place, then fades
// in with the rest of the tween.
#include <doctest/doctest.h>

#include <string>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
bool overlaps(const Box& a, const Box& b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }
}  // namespace

TEST_CASE("a chip leaving the ready queue is never drawn over the queue's 'empty' note, at any moment of the tween") {
  Rig r("blocking-call", true, {"mode=asyncio.sleep", "seconds=0.25", "beats=3", "period=0.05"});
  const model::Model& m = r.m();
  // Every event after which the ready queue is empty while it was not before.
  int checked = 0, covered = 0;
  for (size_t i = 1; i < m.size() && checked < 4; ++i) {
    if (m.state_at(i - 1).ready.empty() || !m.state_at(i).ready.empty()) continue;
    CAPTURE(i);
    r.app->seek(i - 1);
    settle(*r.h, *r.app);
    r.app->seek(i);
    bool hidden_early = false;
    // Frames 30 ms apart through the 0.3 s tween: inside the fade, and after it.
    for (int k = 0; k < 14; ++k) {
      r.h->frame(*r.app, 0.03f);
      const Geometry& g = r.app->geometry();
      const Box* note = nullptr;
      for (const auto& [text, box] : g.stage_notes)
        if (text == "empty" && box.x0 < g.stage.x0 + (g.stage.x1 - g.stage.x0) * 0.5f) note = &box;
      if (!note) {
        hidden_early |= k < 5;
        continue;
      }
      for (const Box& c : g.stage_chip_boxes) CHECK_FALSE(overlaps(*note, c));
    }
    // Settled: the note is there, and the chip that left had stood on its place (the case was real).
    settle(*r.h, *r.app);
    const Geometry& g = r.app->geometry();
    const Box* note = nullptr;
    for (const auto& [text, box] : g.stage_notes)
      if (text == "empty") note = &box;
    REQUIRE(note);
    covered += hidden_early;
    ++checked;
  }
  CHECK(checked >= 2);
  CHECK(covered >= 1);  // at least one leaving chip did stand where "empty" goes: the note waited for it
}
