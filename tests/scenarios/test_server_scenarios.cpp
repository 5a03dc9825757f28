// The server pair: a blocking server serves one client at a time; the
// asyncio server overlaps their waits. Checked on the trace of real runs over
// loopback, by the order of events, not by wall-clock limits.
#include <algorithm>

#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
struct Span {
  int64_t t0, t1;
};
// time.sleep spans on loop 0 (the sequential server's work).
std::vector<Span> block_sleeps(const ScenarioRun& r) {
  std::vector<Span> out;
  for (const Event& e : r.events) {
    if (e.loop != 0 || BlockKind(e.code) != BlockKind::sleep) continue;
    if (e.kind == Ev::block_begin) out.push_back({e.t_ns, -1});
    if (e.kind == Ev::block_end) out.back().t1 = e.t_ns;
  }
  return out;
}
// asyncio.sleep timers on loop 0 (the concurrent server's work): armed .. fired.
std::vector<Span> sleep_timers(const ScenarioRun& r) {
  std::vector<Span> out;
  std::vector<std::pair<int32_t, size_t>> open;
  for (const Event& e : r.events) {
    if (e.loop != 0) continue;
    if (e.kind == Ev::timer_arm) {
      open.emplace_back(e.id, out.size());
      out.push_back({e.t_ns, -1});
    }
    if (e.kind == Ev::timer_fire)
      for (auto& [id, i] : open)
        if (id == e.id && out[i].t1 < 0) out[i].t1 = e.t_ns;
  }
  return out;
}
// When each client's reply arrived on loop 1 (its read's io.done), in client order.
std::vector<int64_t> reply_times(const ScenarioRun& r) {
  std::vector<int64_t> out;
  for (const Event& e : r.events)
    if (e.loop == 1 && e.kind == Ev::io_done && IoKind(e.code) == IoKind::read && e.num > 0) out.push_back(e.t_ns);
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("the sequential server works on one client at a time, so the k-th client waits k times the work") {
  ScenarioRun r = run_scenario_id("sequential-server", {"clients=3", "work=0.2"});
  auto sleeps = block_sleeps(r);
  REQUIRE(sleeps.size() == 3);
  for (size_t i = 1; i < sleeps.size(); ++i) CHECK(sleeps[i].t0 >= sleeps[i - 1].t1);  // never overlapping
  auto replies = reply_times(r);
  REQUIRE(replies.size() == 3);
  for (size_t k = 0; k < 3; ++k) CHECK(replies[k] >= sleeps[k].t1);  // client k waited for k+1 works
  // The loop thread was blocked for all of it: the server's main ran in one step.
  size_t main_steps = 0;
  for (const Event& e : r.events) main_steps += e.loop == 0 && e.kind == Ev::step_begin && e.task == 0;
  CHECK(main_steps == 1);
  auto p = r.prints(1);
  REQUIRE(p.size() == 3);
  CHECK(p[0].rfind("client1: 'reply to client1' after ", 0) == 0);
}

TEST_CASE("the concurrent server's handlers wait at the same time, so every client is answered after about one work") {
  ScenarioRun r = run_scenario_id("concurrent-server", {"clients=3", "work=0.2"});
  auto timers = sleep_timers(r);
  REQUIRE(timers.size() == 3);
  int64_t first_fire = timers[0].t1;
  for (const Span& s : timers) CHECK(s.t0 < first_fire);  // all three works overlap
  auto replies = reply_times(r);
  REQUIRE(replies.size() == 3);
  for (int64_t t : replies) CHECK(t >= first_fire);
  size_t handlers = 0;
  for (const Event& e : r.events) handlers += e.loop == 0 && e.kind == Ev::task_new;
  CHECK(handlers == 4);  // main + one handler task per connection
  CHECK(r.prints(1).size() == 3);
}
