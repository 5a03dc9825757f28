// The Code panel on a projector: real glyph pixels (underscores included), a
// floor on the code's size, and long lines that wrap their comments away
// rather than being cut off.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
// Ink pixels (far from the background) in a character cell's lower part, where an underscore lies.
int ink_below(const Rig& r, const Geometry::CodeRow& row, size_t column) {
  const Geometry& g = r.app->geometry();
  float x0 = row.x + float(column) * g.code_char_w, y_text = row.y0 + (row.y1 - row.y0 - g.code_px) * 0.5f;
  int n = 0;
  for (int y = int(y_text + g.code_px * 0.6f); y < int(row.y1); ++y)
    for (int x = int(x0 + 1); x < int(x0 + g.code_char_w - 1); ++x) n += r.f.luminance(x, y) > 0.3f  /* dark theme: background ~0.12 */;
  return n;
}
const Geometry::CodeRow* row_with(const Rig& r, const std::string& needle, size_t& column) {
  for (const auto& row : r.app->geometry().code_rows)
    if ((column = row.text.find(needle)) != std::string::npos) return &row;
  return nullptr;
}
}  // namespace

TEST_CASE("an underscore in the code panel is drawn: ink below current_task's underscore, none under a space") {
  Rig r("taskgroup-cancel");
  // main's last print: the code panel shows its line, asyncio.current_task().cancelling().
  size_t last = r.find(Ev::print, r.task_id("main"), r.find(Ev::task_done, r.task_id("BAD")));
  while (r.m().events()[last].s1 && std::string(r.m().events()[last].s1).find("cancelling") == std::string::npos)
    last = r.find(Ev::print, r.task_id("main"), last + 1);
  r.shoot(last);
  size_t col = 0;
  const Geometry::CodeRow* row = row_with(r, "current_task", col);
  REQUIRE(row);
  CHECK(ink_below(r, *row, col + 7) >= 3);  // '_' of current_task
  const Geometry::CodeRow* spaced = row_with(r, "except* ValueError", col);
  REQUIRE(spaced);
  CHECK(ink_below(r, *spaced, col + 7) == 0);  // the space after except*
}

TEST_CASE("code is drawn at 16 px or more, and a long line's comment moves to its own row instead of being cut") {
  for (const char* id : {"taskgroup-cancel", "sequential-server"}) {
    CAPTURE(id);
    Rig r(id);
    r.shoot(0);
    const Geometry& g = r.app->geometry();
    CHECK(g.code_px >= 16.0f);
    // Every code row (not comments) ends inside the panel, or the panel scrolls sideways.
    for (const auto& row : g.code_rows) {
      if (row.comment) continue;
      float end = row.x + float(row.text.size()) * g.code_char_w;
      CAPTURE(row.text);
      // Past the edge only by what the sideways scroll can bring into view.
      CHECK((end <= g.code.x1 + 0.5f || g.code_overflow + 0.5f >= end - g.code.x1));
    }
  }
  Rig r("producer-consumer");
  r.shoot(0);
  bool wrapped = false;
  for (const auto& row : r.app->geometry().code_rows) wrapped |= row.comment && row.text.rfind("#", 0) == 0;
  CHECK(wrapped);  // line 6's "# waits while the queue is full" no longer fits next to its code and a cursor chip
}

TEST_CASE("screenshot --at counts seconds from the run's first event, like the toolbar's t =") {
  Rig r("taskgroup-cancel");
  const model::Model& m = r.m();
  size_t bad_done = r.find(Ev::task_done, r.task_id("BAD"));
  double at = double(m.events()[bad_done].t_ns - m.begin_ns()) / 1e9;
  size_t i = index_at_seconds(m, at);
  CHECK(i >= bad_done);
  CHECK(m.events()[i].t_ns == m.events()[bad_done].t_ns);
  CHECK(index_at_seconds(m, 0) == 0);
  CHECK(index_at_seconds(m, 1e3) == m.size() - 1);
  CHECK(index_at_seconds(m, -1) == m.size() - 1);
}

TEST_CASE("while the loop is blocked, the code panel scrolls to the blocking line and outlines it in the blocked red") {
  Rig r("sequential-server", true, {"clients=1", "work=0.05"});
  size_t begin = r.find(Ev::block_begin);
  r.shoot(begin);
  REQUIRE(r.app->state().blocked);
  int line = r.app->state().blocked_line;
  REQUIRE(line > 0);
  const Geometry& g = r.app->geometry();
  const Geometry::CodeRow* row = nullptr;
  for (const auto& cr : g.code_rows)
    if (cr.line == line && !cr.comment) row = &cr;
  REQUIRE(row);
  CHECK(r.f.count(g.code.x0, row->y0 - 2, g.code.x1, row->y1 + 2, theme(true).blocked, 30) > 100);
}

// A compare clip's half (640x720, presenter text, the clip header instead of
// the toolbar) is laid out in rows: its code panel takes the half's whole
// width (two columns left it about 16 characters), so a Python line reads
// whole. Nobody can scroll a projector sideways, so the listing shrinks to
// the presenter floor, moves trailing comments to rows of their own and wraps
// what is still too long (a hanging indent, "↪" in the gutter). Every row
// ends inside the panel, and the rows of a line hold all of its code.
TEST_CASE("in a presenter clip half every code row ends inside the panel and a wrapped line keeps all its code") {
  const std::vector<std::string> sets = {"mode=time.sleep", "seconds=0.25", "beats=3", "period=0.05"};
  Rig r(Rig::ClipHalf{.captioned = true}, "blocking-call", sets);
  r.app->seek(r.find(Ev::block_begin));  // the code panel shows line 14, time.sleep(seconds), outlined
  settle(*r.h, *r.app);
  const Geometry& g = r.app->geometry();
  CHECK(g.code_px >= r.app->appearance().floor_px() - 0.5f);
  CHECK(g.code_overflow == 0.0f);
  std::map<int, std::string> code_of;  // a line's code rows, joined
  bool continued = false;
  for (const auto& row : g.code_rows) {
    CAPTURE(row.text);
    CHECK(row.x >= g.code.x0);
    CHECK(row.x + float(row.text.size()) * g.code_char_w <= g.code.x1 + 0.5f);
    if (!row.comment) continued |= code_of.count(row.line) > 0, code_of[row.line] += row.text;
  }
  // Real lines at a glance: 40 characters or more, and the line under the cursor on one row.
  CHECK((g.code.x1 - g.code.x0) / g.code_char_w >= 40);
  CHECK_FALSE(continued);  // blocking-call's code lines fit whole at this width (their comments go to rows of their own)
  // The code of each line drawn is all there, in order (spaces aside: a wrap eats the space it breaks at).
  auto squeeze = [](std::string t) {
    std::erase(t, ' ');
    return t;
  };
  const Scenario* s = find_scenario("blocking-call");
  REQUIRE(s);
  std::string listing = s->source(s->resolve(sets));  // as drawn
  REQUIRE(!listing.empty());
  std::vector<std::string> lines;
  for (size_t p = 0, n; p <= listing.size(); p = n + 1) {
    n = listing.find('\n', p);
    if (n == std::string::npos) n = listing.size();
    lines.push_back(listing.substr(p, n - p));
  }
  bool saw_sleep = false;
  REQUIRE(code_of.size() > 2);
  for (const auto& [line, code] : code_of) {
    REQUIRE(line >= 1);
    REQUIRE(size_t(line) <= lines.size());
    std::string want = lines[size_t(line - 1)];
    if (size_t c = want.find("  #"); c != std::string::npos) want.resize(c);  // its comment has rows of its own
    CAPTURE(want);
    std::string got = squeeze(code), all = squeeze(want);
    // The lines at the panel's top and bottom edges may be partly scrolled away: there, an end or a start.
    if (line == code_of.begin()->first) CHECK(all.ends_with(got));
    else if (line == code_of.rbegin()->first) CHECK(all.starts_with(got));
    else CHECK(got == all);
    saw_sleep |= got == "time.sleep(seconds)";
  }
  CHECK(saw_sleep);  // the blocking line is in view, whole
}

// When nothing at the playhead has a line (the loop's own events, a plain
// callback, the run's end) the listing stays at the line the story last named
// instead of jumping back to its imports: at concurrent-server's end that is
// main's last await.
TEST_CASE("at the end of a run the code panel still shows main's last line, not the top of the listing") {
  Appearance look;
  look.presenter = true;
  Rig r(look, "concurrent-server", {"clients=1", "work=0.05"});
  size_t last_step = r.find_last(Ev::step_end);
  const model::Model& m = r.app->session().model();
  REQUIRE(m.events()[last_step].task >= 0);
  const int line = m.events()[last_step].line;
  REQUIRE(line > 5);  // past the imports, so the check below can fail
  r.shoot(m.size() - 1);
  bool shown = false;
  for (const auto& cr : r.app->geometry().code_rows) shown |= cr.line == line && !cr.comment;
  CHECK(shown);
}
