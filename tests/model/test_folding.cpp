// The timeline query folds segments narrower than a few pixels into counted
// items, so a lane with a million segments costs what the screen can show.
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
// A synthetic lane (the query is pure geometry): n segments of `width` ns,
// separated by `gap` ns, alternating running and waiting.
Lane synthetic_lane(size_t n, int64_t width, int64_t gap) {
  Lane l;
  l.segments.reserve(n);
  int64_t t = 0;
  for (size_t i = 0; i < n; ++i) {
    Segment s;
    s.t0 = t;
    s.t1 = t + width;
    s.state = i % 2 ? TaskState::waiting : TaskState::running;
    s.first_event = uint32_t(i);
    l.segments.push_back(s);
    t = s.t1 + gap;
  }
  return l;
}
uint64_t total_folded(const std::vector<DrawItem>& items) {
  uint64_t n = 0;
  for (const DrawItem& d : items) n += d.folded;
  return n;
}
}  // namespace

TEST_CASE("a million tiny segments over 1000 pixels fold into a few hundred items that count them all") {
  Model m;
  Lane lane = synthetic_lane(1'000'000, 100, 50);  // 150 ms of 100 ns segments
  const int64_t t0 = 0, t1 = lane.segments.back().t1;
  const int64_t px = (t1 - t0) / 1000;
  std::vector<DrawItem> items;
  m.visible(lane, t0, t1, 2 * px, items);  // fold below 2 px
  CHECK(items.size() >= 100);
  CHECK(items.size() <= 1000);
  CHECK(total_folded(items) == 1'000'000);
  for (size_t i = 1; i < items.size(); ++i) CHECK(items[i - 1].t1 <= items[i].t0);
}

TEST_CASE("zoomed in far enough, nothing folds and only the visible segments come back") {
  Model m;
  Lane lane = synthetic_lane(1'000'000, 100, 50);
  std::vector<DrawItem> items;
  const int64_t t0 = 150 * 500'000, t1 = t0 + 150 * 100;  // 100 segments' worth, mid-lane
  m.visible(lane, t0, t1, 10, items);
  REQUIRE(items.size() >= 100);
  CHECK(items.size() <= 102);
  for (const DrawItem& d : items) CHECK(d.folded == 1);
  CHECK(items.front().first_event == 500'000);
}

TEST_CASE("wide segments are never folded, and a gap wider than the fold width ends a fold") {
  Model m;
  Lane lane;
  auto add = [&](int64_t a, int64_t b, bool blocked = false) {
    Segment s;
    s.t0 = a;
    s.t1 = b;
    s.blocked = blocked;
    lane.segments.push_back(s);
  };
  add(0, 1); add(2, 3); add(4, 5, true);  // three narrow ones close together
  add(100, 101);                          // narrow, but far after a gap
  add(200, 400);                          // wide
  std::vector<DrawItem> items;
  m.visible(lane, 0, 1000, 10, items);
  REQUIRE(items.size() == 3);
  CHECK(items[0].folded == 3);
  CHECK(items[0].t1 == 5);
  CHECK(items[0].blocked);  // a folded run shows that something in it blocked the loop
  CHECK(items[1].folded == 1);
  CHECK(items[2].folded == 1);
  CHECK(items[2].t1 - items[2].t0 == 200);
}

TEST_CASE("a real lane queried over the whole run returns its segments in order") {
  auto sm = run_scenario_model("gather-errors");
  const Model& m = sm->model;
  const Lane& a = sm->lane_of("A");
  std::vector<DrawItem> items;
  m.visible(a, m.begin_ns(), m.end_ns(), 1, items);
  CHECK(total_folded(items) == a.segments.size());
  CHECK(items.back().state == TaskState::done);
}
