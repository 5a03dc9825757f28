// Compare mode: two real runs on one time axis, each with its lanes, and a
// summary of what each cost.
#include <doctest/doctest.h>

#include "gui/compare.hpp"
#include "gui/draw_audit.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("comparing the sequential and the concurrent server shows both runs' lanes, and only the first blocks") {
  Rig r("sequential-server", true, {"clients=2", "work=0.05"});
  const model::Model& m2 = r.compare_with("concurrent-server", {"clients=2", "work=0.05"});
  r.shoot(r.m().size() - 1);
  const Geometry& g = r.app->geometry();
  REQUIRE(m2.size() > 0);
  CHECK(g.lane_mid.size() == r.m().lanes().size());
  CHECK(g.lane_mid2.size() == m2.lanes().size());
  CHECK(g.plot2.y0 > g.plot.y1);  // run 2 under run 1
  CHECK(g.summary.y0 > g.plot2.y1);
  // The toolbar's compare button says what a click does now: it ends compare.
  auto compare_button = [&] {
    for (const auto& [name, box] : r.app->geometry().toolbar)
      if (name == "Compare") return test::drawn_text(box.x0, box.y0, box.x1, box.y1);
    return std::string("(no Compare button)");
  };
  CHECK(compare_button() == "End compare");
  // Both plots share one x range: the same trace-relative time lands on the same column.
  CHECK(g.plot.x1 == doctest::Approx(g.plot2.x1).epsilon(0.05));
  // The summary: the sequential server blocked its loop, the concurrent one never did.
  RunSummary a = summarize(r.m()), b = summarize(m2);
  CHECK(a.blocked_ns > 0);
  CHECK(b.blocked_ns == 0);
  CHECK(a.clients.size() == 2);  // each client task of the client loop, timed from its own events
  CHECK(b.clients.size() == 2);
  // Real pixels: the blocked hatch is in run 1's loop lane and nowhere in run 2's plot.
  const Theme& th = theme(true);
  CHECK(r.f.count(g.plot.x0, g.lane_mid[0] - 4, g.plot.x1, g.lane_mid[0] + 4, th.blocked, 30) > 50);
  CHECK(r.f.count(g.plot2.x0, g.plot2.y0, g.plot2.x1, g.plot2.y1, th.blocked, 30) == 0);
  r.app->stop_compare();
  r.shoot(r.m().size() - 1);
  CHECK(r.app->geometry().plot.y1 > g.summary.y0 - 1);  // one timeline again, down to the bottom
  CHECK(compare_button() == "Compare with...");
}

TEST_CASE("compared runs play on one real-time axis, each with its own playhead, and the second is not drawn finished") {
  Rig r("sequential-server", true, {"clients=2", "work=0.05"});
  const model::Model& m2 = r.compare_with("concurrent-server", {"clients=2", "work=0.05"});
  int64_t b = r.m().begin_ns(), span = r.m().end_ns() - b;
  r.app->seek_time(b + span / 10);
  settle(*r.h, *r.app);
  float early = r.app->geometry().playhead2_x;
  CHECK(early == doctest::Approx(r.app->geometry().playhead_x).epsilon(0.01));  // one real-time axis
  size_t early_index = r.app->compare_index();
  r.app->seek_time(b + span / 4);  // the concurrent run takes about half as long: still going
  settle(*r.h, *r.app);
  const Geometry& g = r.app->geometry();
  CHECK(early > g.plot2.x0);
  CHECK(g.playhead2_x > early);                 // run 2's playhead moved with run 1's
  CHECK(g.playhead2_x == doctest::Approx(g.playhead_x).epsilon(0.01));
  CHECK(early_index + 1 < m2.size());           // not finished from the first second
}

TEST_CASE("Tab shows the second run's code, narration and console in compare mode") {
  Rig r("blocking-call", true, {"mode=time.sleep", "seconds=0.05", "beats=2", "period=0.02"});
  r.compare_with("blocking-call", {"mode=asyncio.sleep", "seconds=0.05", "beats=2", "period=0.02"});
  r.shoot(r.m().size() - 1);
  CHECK(r.app->focus() == 0);
  r.app->toggle_focus();
  r.app->seek_time(r.m().begin_ns() + (r.m().end_ns() - r.m().begin_ns()) / 3);
  settle(*r.h, *r.app);
  CHECK(r.app->focus() == 1);
  // Run 2's worker awaits asyncio.sleep: its cursor is on that line of the listing shown.
  std::vector<std::string> lines;
  std::string listing2 = r.app->compare_session().listing();
  for (size_t p = 0, n; p < listing2.size(); p = n + 1) {
    n = listing2.find('\n', p);
    if (n == std::string::npos) n = listing2.size();
    lines.push_back(listing2.substr(p, n - p));
  }
  bool at_sleep = false;
  for (const auto& [line, task] : r.app->geometry().cursors)
    at_sleep |= line > 0 && size_t(line) <= lines.size() && lines[size_t(line) - 1].find("await asyncio.sleep(seconds)") != std::string::npos;
  CHECK(at_sleep);
  CHECK(r.app->geometry().code_rows.size() > 0);
  r.app->stop_compare();
  CHECK(r.app->focus() == 0);
}

TEST_CASE("the compare summary is computed from event fields: the same numbers with every print's text erased") {
  Rig r("sequential-server", true, {"clients=2", "work=0.05"});
  std::vector<Event> quiet = r.m().events();
  for (Event& e : quiet)
    if (e.kind == Ev::print) e.s1 = "";
  model::Model m;
  m.update(quiet, 0);
  RunSummary a = summarize(r.m()), b = summarize(m);
  CHECK(a.clients == b.clients);
  CHECK(a.blocked_ns == b.blocked_ns);
  CHECK(a.clients.size() == 2);
}

TEST_CASE("gather against TaskGroup: the summary counts siblings cancelled from task.done facts") {
  Rig r("taskgroup-cancel");
  RunSummary tg = summarize(r.m());
  CHECK(tg.failed >= 1);
  CHECK(tg.siblings_cancelled >= 1);  // TaskGroup cancels the failed child's siblings
  RunSummary none;
  none.failed = 1;
  std::vector<std::string> lines = summary_lines(none, tg);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2] == "siblings cancelled: 0 against " + std::to_string(tg.siblings_cancelled));
}

TEST_CASE("a run whose loop never blocked is summed up as 'never blocked', not 'blocked 0 ns'") {
  RunSummary seq, conc;
  seq.total_ns = seq.blocked_ns = 6020000000;
  conc.total_ns = 2040000000;
  std::vector<std::string> lines = summary_lines(seq, conc);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "1: total 6.02 s, blocked 6.02 s");
  CHECK(lines[1] == "2: total 2.04 s, never blocked");
}
