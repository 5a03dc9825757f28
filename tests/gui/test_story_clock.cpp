// Playback runs on story time: every event gets a moment to be seen (less in
// a dense burst), every real wait counts in full, and notable events can hold.
#include <doctest/doctest.h>

#include "gui/playback.hpp"
#include "scenarios/scenario.hpp"
#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
// The run's events (times and kinds only: their strings belong to a trace that is gone).
std::vector<Event> run(const std::string& id, const std::vector<std::string>& sets) {
  return test::run_scenario_id(id, sets).events;
}
}  // namespace

TEST_CASE("every real gap is kept whole: at 1x a long wait lasts as long as it did") {
  // A sleeps 1.6 s: it used to be capped at 1.5 s of story time.
  std::vector<Event> ev = run("gather", {"a=1.6", "b=0.01", "c=0.02"});
  Playback p;
  p.sync(ev, 0);
  REQUIRE(p.size() == ev.size());
  bool saw_long = false;
  for (size_t i = 0; i + 1 < ev.size(); ++i) {
    double slot = p.story_start(i + 1) - p.story_start(i);
    double gap = double(ev[i + 1].t_ns - ev[i].t_ns) / 1e9;
    CHECK(slot >= gap + kMinSlot - 1e-9);
    CHECK(slot <= gap + slot_base(ev[i].kind) + 1e-9);
    saw_long = saw_long || gap > 1.5;
  }
  CHECK(saw_long);
  // The whole clock is the real run plus the moments given to events.
  double real = double(ev.back().t_ns - ev.front().t_ns) / 1e9;
  CHECK(p.story_end() >= real);
}

TEST_CASE("a burst of events drains the attention budget, and a real pause refills it") {
  // Two waves of bookkeeping-free notable events: 300 ready.push 1 us apart, a 1 s pause, 300 more.
  std::vector<Event> ev;
  int64_t t = 0;
  for (int wave = 0; wave < 2; ++wave) {
    for (int k = 0; k < 300; ++k) {
      Event e{};
      e.kind = Ev::ready_push;
      e.t_ns = t;
      t += 1000;
      ev.push_back(e);
    }
    t += 1000000000;
  }
  Playback p;
  p.sync(ev, 0);
  auto slot = [&](size_t i) { return p.gap_start(i) - p.story_start(i); };  // the event's moment, without its gap
  CHECK(slot(0) == doctest::Approx(kNotableSlot));
  CHECK(slot(299) == doctest::Approx(kMinSlot));
  // A wave costs at most the budget plus the least moment per event, not 300 x 0.35 s.
  CHECK(p.story_start(300) < kAttention + 300 * kMinSlot + 1.0 + 0.01);
  // After a second of real time the next wave starts with full attention.
  CHECK(slot(300) == doctest::Approx(kNotableSlot));
}

TEST_CASE("with a pause set, playback stands still on each notable event and the playhead moves through gaps") {
  std::vector<Event> ev = run("blocking-call", {"mode=time.sleep", "seconds=0.1", "beats=2", "period=0.05"});
  size_t blk = 0;
  while (blk < ev.size() && ev[blk].kind != Ev::block_begin) ++blk;
  REQUIRE(blk < ev.size());
  Playback plain, held;
  held.set_notable([&](size_t i) { return ev[i].kind == Ev::block_begin; });
  held.set_pause(2.0);
  plain.sync(ev, 0);
  held.sync(ev, 0);
  CHECK(held.story_start(blk + 1) - held.story_start(blk) ==
        doctest::Approx(plain.story_start(blk + 1) - plain.story_start(blk) + 2.0));
  held.seek(blk);
  CHECK(held.holding());
  held.playing = true;
  held.tick(1.9);
  CHECK(held.index() == blk);
  CHECK(held.trace_now() == ev[blk].t_ns);
  // Past the hold and the event's moment, the playhead moves on through the 0.1 s block in real time.
  held.seek_story(held.gap_start(blk) + 0.05);
  CHECK(held.index() == blk);
  CHECK(held.trace_now() == ev[blk].t_ns + 50000000);
}

TEST_CASE("a step begins in a long slot and a loop iteration marker in a short one") {
  CHECK(slot_base(Ev::step_begin) > slot_base(Ev::loop_iter));
  CHECK(slot_base(Ev::timer_fire) > slot_base(Ev::timer_arm));
  CHECK(slot_base(Ev::print) == kNotableSlot);
}

TEST_CASE("playing advances story time by dt times speed and stops at the last event") {
  std::vector<Event> ev = run("gather", {"a=0.03", "b=0.01", "c=0.02"});
  Playback p;
  p.sync(ev, 0);
  p.seek(0);
  p.playing = true;
  p.speed = 2.0;
  p.tick(0.1);
  CHECK(p.story_time() == doctest::Approx(0.2));
  size_t before = p.index();
  p.tick(1.0);
  CHECK(p.index() > before);
  for (int k = 0; k < 10000 && p.playing; ++k) p.tick(0.5);
  CHECK_FALSE(p.playing);
  CHECK(p.index() == p.size() - 1);
  // Seeking lands on the start of the event's slot.
  p.seek(5);
  CHECK(p.index() == 5);
  CHECK(p.fraction() == doctest::Approx(0.0));
}

TEST_CASE("events that arrive later extend the clock without moving what came before") {
  std::vector<Event> ev = run("gather", {"a=0.03", "b=0.01", "c=0.02"});
  Playback p;
  std::vector<Event> half(ev.begin(), ev.begin() + ptrdiff_t(ev.size() / 2));
  p.sync(half, 0);
  double mid_start = p.story_start(half.size() / 2);
  p.sync(ev, half.size());
  CHECK(p.size() == ev.size());
  CHECK(p.story_start(half.size() / 2) == doctest::Approx(mid_start));
}
