// The timeline's by-iteration axis (gui/story_axis.hpp) is extended over the
// events a live run adds, not rebuilt: what it computes that way is exactly
// what a full rescan of the same events computes.
#include <doctest/doctest.h>

#include "gui/playback.hpp"
#include "gui/story_axis.hpp"
#include "scenarios/scenario.hpp"
#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
// The run's events (times and kinds only: their strings belong to a trace that is gone).
std::vector<Event> run(const std::string& id, const std::vector<std::string>& sets) {
  return test::run_scenario_id(id, sets).events;
}

void check_same(const StoryAxis& a, const StoryAxis& full) {
  REQUIRE(a.size() == full.size());
  CHECK(a.k() == full.k());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a.start(i) == full.start(i));
    CHECK(a.blocked_after(i) == full.blocked_after(i));
  }
}

StoryAxis rescan(const std::vector<Event>& ev, double pause = 0) {
  Playback p;
  p.set_pause(pause);
  p.sync(ev, 0);
  StoryAxis a;
  a.update(ev, p, 1);
  return a;
}
}  // namespace

TEST_CASE("a live run's axis, extended a few events at a time, matches a full rescan") {
  // blocking-call: the loop blocks in time.sleep, so blocked gaps stretch the axis (k > 1).
  std::vector<Event> all = run("blocking-call", {});
  REQUIRE(all.size() > 40);
  Playback p;
  StoryAxis a;
  std::vector<Event> ev;
  size_t total_work = 0;
  for (size_t i = 0; i < all.size(); i += 7) {
    size_t from = ev.size();
    ev.insert(ev.end(), all.begin() + ptrdiff_t(i), all.begin() + ptrdiff_t(std::min(all.size(), i + 7)));
    p.sync(ev, from);
    a.update(ev, p, 1);
    total_work += a.last_work();
    check_same(a, rescan(ev));
  }
  CHECK(a.k() > 1.0);
  // Each update recomputed the new events and the one before them, not the run.
  CHECK(total_work <= all.size() + all.size() / 7 + 1);
  // A frame with nothing new costs nothing.
  a.update(ev, p, 1);
  CHECK(a.last_work() == 0);
}

TEST_CASE("an event that lands in the middle (a late worker event) recomputes the axis from there") {
  std::vector<Event> all = run("blocking-call", {});
  std::vector<Event> ev(all.begin(), all.end() - 10);
  Playback p;
  p.sync(ev, 0);
  StoryAxis a;
  a.update(ev, p, 1);
  // The tail arrives with one of its events placed 20 events back, as TraceReader::poll reports it.
  size_t at = ev.size() - 20;
  ev.insert(ev.begin() + ptrdiff_t(at), all[all.size() - 10]);
  ev[at].t_ns = ev[at - 1].t_ns;  // keeps the times in order
  p.sync(ev, at);
  a.update(ev, p, 1);
  CHECK(a.last_work() <= 22);
  check_same(a, rescan(ev));
}

TEST_CASE("a new run or a new story clock rebuilds the axis") {
  std::vector<Event> ev = run("blocking-call", {});
  Playback p;
  p.sync(ev, 0);
  StoryAxis a;
  a.update(ev, p, 1);
  p.set_pause(1.0);  // holds on notable events: every slot after the first notable one moves
  a.update(ev, p, 1);
  CHECK(a.last_work() == ev.size());
  check_same(a, rescan(ev, 1.0));
  // Another run (the session's generation) with the same number of events.
  std::vector<Event> other = run("gather", {});
  other.resize(std::min(other.size(), ev.size()));
  p.sync(other, 0);
  a.update(other, p, 2);
  check_same(a, rescan(other, 1.0));
}
