// Lateness is shown, not only said: while time.sleep blocks the loop, the
// ticker's timer passes its due time and its chip says "late by ..." in the
// warning colour; the wake-up that finally runs says it too.
#include <doctest/doctest.h>

#include <string>

#include "gui/draw_audit.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
bool any_chip(const Geometry& g, const std::string& part) {
  for (const std::string& c : g.stage_chips)
    if (c.find(part) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("a blocking call makes the armed timer late, and the stage says by how much") {
  Rig r("blocking-call", true, {"mode=time.sleep", "seconds=0.25", "beats=3", "period=0.05"});
  size_t b = r.find(Ev::block_begin), e = r.find(Ev::block_end);
  int64_t t0 = r.m().events()[b].t_ns, t1 = r.m().events()[e].t_ns;
  // Before the timer is due: a countdown.
  r.app->seek_time(t0 + 1000000);
  settle(*r.h, *r.app);
  CHECK(any_chip(r.app->geometry(), "in "));
  CHECK_FALSE(any_chip(r.app->geometry(), "late by"));
  // Near the end of the block the ticker's timer is long overdue.
  r.app->seek_time(t1 - (t1 - t0) / 10);
  r.shoot_here();
  const Geometry& g = r.app->geometry();
  CHECK(r.m().state_at(r.app->playback().index()).blocked);
  CHECK(any_chip(g, "late by"));  // the ticker's timer: "sleep (ticker)  late by ..."
  CHECK_FALSE(any_chip(g, "in 0 ns"));
  CHECK(r.app->geometry().stage_hidden == 0);  // the chip is on screen, not counted away
  // The frame really shows it: the glyphs drawn on the stage read "late by".
  CHECK(test::drawn_text(g.stage.x0, g.stage.y0, g.stage.x1, g.stage.y1).find("late by") != std::string::npos);
  // Real pixels: the late chip is filled with the warning colour (the banner's red) inside the stage, below the banner.
  const Theme& th = theme(true);
  CHECK(r.f.count(g.stage.x0, g.stage.y0 + (g.stage.y1 - g.stage.y0) * 0.45f, g.stage.x1, g.stage.y1, th.blocked, 20) > 200);
  // The ticker's wake-up, when it finally runs, says it was late too.
  size_t wake = r.find(Ev::step_begin, r.task_id("ticker"), e);
  r.app->seek(wake);
  settle(*r.h, *r.app);
  CHECK(any_chip(r.app->geometry(), "late by"));
}

// In a compare clip's half (640x720, presenter text) the timer's chip has no
// room for "sleep (ticker)  late by 190 ms": it says a shorter form that
// keeps who and how late ("ticker late by 190 ms", "ticker +190 ms"), never one cut by an ellipsis.
TEST_CASE("in a clip half a late timer's chip says who is late and by how much in a shorter form, never cut short") {
  Rig r(Rig::ClipHalf{}, "blocking-call", {"mode=time.sleep", "seconds=0.25", "beats=3", "period=0.05"});
  size_t e = r.find_last(Ev::block_end);
  r.app->seek_time(r.m().events()[e].t_ns - 20000000);  // 20 ms before the block ends: the 50 ms timer is long overdue
  settle(*r.h, *r.app);
  const Geometry& g = r.app->geometry();
  CHECK(r.m().state_at(r.app->playback().index()).blocked);
  bool ticker_late = false;
  for (const std::string& c : g.stage_chips) {
    CAPTURE(c);
    CHECK(c.find("\xe2\x80\xa6") == std::string::npos);
    ticker_late |= c.rfind("ticker", 0) == 0 && (c.find(" late by ") != std::string::npos || c.find(" +") != std::string::npos);
  }
  CHECK(ticker_late);
}
