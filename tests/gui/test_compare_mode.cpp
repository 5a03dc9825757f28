// Compare mode: two real runs on one time axis, each with its lanes, and a
// summary of what each cost.
#include <doctest/doctest.h>

#include "gui/compare.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("comparing the sequential and the concurrent server shows both runs' lanes, and only the first blocks") {
  Rig r("sequential-server", true, {"clients=2", "work=0.05"});
  const Scenario* s2 = find_scenario("concurrent-server");
  REQUIRE(s2);
  r.app->start_compare(*s2, s2->resolve({"clients=2", "work=0.05"}));
  r.app->compare_session().wait();
  r.shoot(r.m().size() - 1);
  const Geometry& g = r.app->geometry();
  const model::Model& m2 = r.app->compare_session().model();
  REQUIRE(m2.size() > 0);
  CHECK(g.lane_mid.size() == r.m().lanes().size());
  CHECK(g.lane_mid2.size() == m2.lanes().size());
  CHECK(g.plot2.y0 > g.plot.y1);  // run 2 under run 1
  CHECK(g.summary.y0 > g.plot2.y1);
  // Both plots share one x range: the same trace-relative time lands on the same column.
  CHECK(g.plot.x1 == doctest::Approx(g.plot2.x1).epsilon(0.05));
  // The summary: the sequential server blocked its loop, the concurrent one never did.
  RunSummary a = summarize(r.m()), b = summarize(m2);
  CHECK(a.blocked_ns > 0);
  CHECK(b.blocked_ns == 0);
  CHECK(a.replies.size() == 2);
  CHECK(b.replies.size() == 2);
  // Real pixels: the blocked hatch is in run 1's loop lane and nowhere in run 2's plot.
  const Theme& th = theme(true);
  CHECK(r.f.count(g.plot.x0, g.lane_mid[0] - 4, g.plot.x1, g.lane_mid[0] + 4, th.blocked, 30) > 50);
  CHECK(r.f.count(g.plot2.x0, g.plot2.y0, g.plot2.x1, g.plot2.y1, th.blocked, 30) == 0);
  r.app->stop_compare();
  r.shoot(r.m().size() - 1);
  CHECK(r.app->geometry().plot.y1 > g.summary.y0 - 1);  // one timeline again, down to the bottom
}
