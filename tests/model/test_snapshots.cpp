// Snapshots of the loop state are spaced by the state's size, so that all of
// them together stay bounded by the trace, and a seek to any event (forwards
// or backwards) still gives exactly the state that replaying from the start
// gives. The traces here are synthetic on purpose: a ready queue of thousands
// of handles is what a hostile or unlucky file holds, not what a scenario does.
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <vector>

#include "model/elide.hpp"
#include "model/model.hpp"

using namespace loopscope;
using namespace loopscope::model;

namespace {

// A queue that grows to `peak` handles and drains again, between stretches of
// a small state: snapshots close together, then far apart, then close again.
struct Swell {
  std::vector<Event> events;
  std::vector<std::deque<int32_t>> truth;  // the ready queue after each event, by handle

  explicit Swell(int32_t peak) {
    std::deque<int32_t> q;
    int32_t next = 0;
    auto add = [&](Ev kind, int32_t handle) {
      Event e;
      e.t_ns = int64_t(events.size()) * 100;
      e.seq = events.size();
      e.it = 1;
      e.kind = kind;
      e.id = handle;
      e.s1 = "callback";
      e.code = uint8_t(Cause::call_soon);
      events.push_back(e);
      if (kind == Ev::ready_push) q.push_back(handle);
      else q.pop_front();
      truth.push_back(q);
    };
    auto churn = [&](int n) {
      for (int k = 0; k < n; ++k) {
        add(Ev::ready_push, next++);
        add(Ev::ready_run, q.front());
      }
    };
    churn(600);
    for (int32_t k = 0; k < peak; ++k) add(Ev::ready_push, next++);
    while (!q.empty()) add(Ev::ready_run, q.front());
    churn(600);
  }
};

void check_queue(const LoopState& s, const std::deque<int32_t>& want) {
  INFO("event " << s.event_index);
  REQUIRE(s.ready.size() == want.size());
  if (want.empty()) return;
  CHECK(s.ready.front().handle == want.front());
  CHECK(s.ready.back().handle == want.back());
  CHECK(s.ready[want.size() / 2].handle == want[want.size() / 2]);
}

}  // namespace

TEST_CASE("snapshots of a large state are spaced out: together they hold at most one element per two events") {
  Swell sw(5000);
  Model m;
  m.update(sw.events, 0);
  const size_t n = sw.events.size();
  // Every snapshot of the 5000-handle queue would be 5000 elements; at the old
  // fixed spacing (256 events) that was over 100,000 elements here.
  CHECK(m.snapshot_elements() <= n / 2 + Model::kSnapshotEvery);
  CHECK(m.snapshot_count() >= n / (4 * Model::kSnapshotEvery));  // the small stretches keep the usual spacing
}

TEST_CASE("stepping backwards through a swelling queue shows exactly what stepping forwards showed") {
  Swell sw(3000);
  Model m;
  m.update(sw.events, 0);
  const size_t n = sw.events.size();
  for (size_t i = 0; i < n; ++i) check_queue(m.state_at(i), sw.truth[i]);
  for (size_t i = n; i-- > 0;) check_queue(m.state_at(i), sw.truth[i]);
  // And random seeks, as a click on the timeline does.
  std::mt19937 rng(12);
  for (int k = 0; k < 500; ++k) {
    size_t i = rng() % n;
    check_queue(m.state_at(i), sw.truth[i]);
  }
}

TEST_CASE("a model fed a swelling queue in small batches keeps the same snapshots' answers as one fed at once") {
  Swell sw(2000);
  Model whole;
  whole.update(sw.events, 0);
  std::vector<Event> live;
  Model batches;
  for (size_t i = 0; i < sw.events.size(); i += 97) {
    size_t from = live.size();
    for (size_t j = i; j < std::min(i + 97, sw.events.size()); ++j) live.push_back(sw.events[j]);
    batches.update(live, from);
  }
  // Late arrivals roll back to the snapshot before them and replay.
  batches.update(live, live.size() / 2);
  for (size_t i = 0; i < sw.events.size(); i += 7) check_queue(batches.state_at(i), sw.truth[i]);
  CHECK(batches.snapshot_count() == whole.snapshot_count());
}

TEST_CASE("timers armed out of due order are kept sorted by due time") {
  std::vector<Event> ev;
  for (int32_t k = 0; k < 6; ++k) {
    Event e;
    e.t_ns = k;
    e.seq = uint64_t(k);
    e.kind = Ev::timer_arm;
    e.id = k;
    e.num = k % 2 ? 1000 - k : 500 + k;  // 500, 999, 502, 997, 504, 995
    ev.push_back(e);
  }
  Model m;
  m.update(ev, 0);
  LoopState s = m.state_at(ev.size() - 1);
  REQUIRE(s.timers.size() == 6);
  for (size_t k = 1; k < s.timers.size(); ++k) CHECK(s.timers[k - 1].due_ns <= s.timers[k].due_ns);
  CHECK(s.timers.front().timer == 0);
  CHECK(s.timers.back().timer == 1);
}

TEST_CASE("a task's 12,000-character name is elided for drawing and kept whole for its tooltip") {
  std::string name(12000, 'N');
  Event e;
  e.kind = Ev::task_new;
  e.task = 0;
  e.s1 = name.c_str();
  std::vector<Event> ev{e};
  Model m;
  m.update(ev, 0);
  REQUIRE(m.tasks().size() == 1);
  const TaskInfo& t = m.tasks()[0];
  CHECK(t.name == std::string(limits::kShownNameChars - 1, 'N') + "\xE2\x80\xA6");
  CHECK(m.lanes()[size_t(t.lane)].label == t.name);
  CHECK(std::string(m.full_name(t)) == name);
}
