// web-scraper: gather overlaps the server's waits; a plain loop of awaits does not.
#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
// The timer events in order: 'a' for arm, 'f' for fire. The only timers are the
// server handler's `await asyncio.sleep(latency)`, one per page.
std::string timer_pattern(const ScenarioRun& r) {
  std::string out;
  for (const Event& e : r.events) {
    if (e.kind == Ev::timer_arm) out += 'a';
    if (e.kind == Ev::timer_fire) out += 'f';
  }
  return out;
}
}  // namespace

TEST_CASE("with gather every request waits on the server at the same time") {
  // Every request arms its wait before the first one ends: at time_scale 4 the first ends
  // 200 ms after it began, more than a loaded machine needs to accept and read four requests.
  ScenarioRun r = run_scenario_id("web-scraper", {"mode=concurrent", "pages=4", "latency=0.05"}, 4.0);
  CHECK(timer_pattern(r) == "aaaaffff");
  auto p = r.prints();
  REQUIRE(p.size() == 4);
  CHECK(p[0] == "/page1: HTTP/1.1 200 OK, 20 bytes");
  CHECK(p[3] == "/page4: HTTP/1.1 200 OK, 20 bytes");
}

TEST_CASE("one after another, each request is sent only after the previous answer arrived") {
  ScenarioRun r = run_scenario_id("web-scraper", {"mode=sequential", "pages=4", "latency=0.05"});
  CHECK(timer_pattern(r) == "afafafaf");
  // ...and each connection is opened only after the previous page's wait ended ('c' = connect).
  std::string order;
  for (const Event& e : r.events) {
    if (e.kind == Ev::io_wait && e.code == uint8_t(IoKind::connect)) order += 'c';
    if (e.kind == Ev::timer_arm) order += 'a';
    if (e.kind == Ev::timer_fire) order += 'f';
  }
  CHECK(order == "cafcafcafcaf");
  CHECK(r.prints().size() == 4);
}

TEST_CASE("the server really answers over loopback TCP: accepts, reads and writes are traced") {
  ScenarioRun r = run_scenario_id("web-scraper", {"mode=concurrent", "pages=3", "latency=0.02"});
  int accepted = 0, connects = 0;
  for (const Event& e : r.events) {
    accepted += e.kind == Ev::io_done && e.code == uint8_t(IoKind::accept) && std::string(e.s1) == "ok";
    connects += e.kind == Ev::io_wait && e.code == uint8_t(IoKind::connect);
  }
  CHECK(accepted == 3);
  CHECK(connects == 3);
}
