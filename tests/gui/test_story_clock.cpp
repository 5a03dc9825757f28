// Playback runs on story time: every event gets a visible slot, and real
// waits count, capped, so a long sleep still feels like a wait.
#include <doctest/doctest.h>

#include "gui/playback.hpp"
#include "scenarios/scenario.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
std::vector<Event> run(const std::string& id, std::vector<std::string> sets) {
  const Scenario* s = find_scenario(id);
  REQUIRE(s);
  Trace trace;
  RunResult r = run_scenario(*s, s->resolve(sets), trace);
  REQUIRE(r.ok);
  return merged_events(trace);
}
}  // namespace

TEST_CASE("each event gets its slot plus the real gap to the next, capped at 1.5 s") {
  // A sleeps 1.6 s: longer than the cap.
  std::vector<Event> ev = run("gather", {"a=1.6", "b=0.01", "c=0.02"});
  Playback p;
  p.sync(ev, 0);
  REQUIRE(p.size() == ev.size());
  bool saw_capped = false;
  for (size_t i = 0; i + 1 < ev.size(); ++i) {
    double slot = p.story_start(i + 1) - p.story_start(i);
    double gap = double(ev[i + 1].t_ns - ev[i].t_ns) / 1e9;
    CHECK(slot >= slot_base(ev[i].kind) - 1e-9);
    CHECK(slot <= slot_base(ev[i].kind) + kMaxGapSlot + 1e-9);
    if (gap > kMaxGapSlot) {
      saw_capped = true;
      CHECK(slot == doctest::Approx(slot_base(ev[i].kind) + kMaxGapSlot));
    } else {
      CHECK(slot == doctest::Approx(slot_base(ev[i].kind) + gap));
    }
  }
  CHECK(saw_capped);
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
