// The scenario gallery in the real window (GLFW under Xvfb): G opens it over
// the view, every scenario is a card with its lesson; a card's Run starts it
// with the card's parameters, Compare starts its natural partner beside it.
#include <doctest/doctest.h>

#include "gui/theme.hpp"
#include "window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
int index_of(const std::string& id) {
  const auto& all = scenarios();
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].id == id) return int(i);
  FAIL("no scenario " << id);
  return -1;
}
void frames_until_replay(test::WindowRig& r) {
  for (int n = 0; (r.app.session().live() || r.app.following_live() || r.app.compare_session().live()) && n < 1000000; ++n)
    r.frame();
}
}  // namespace

TEST_CASE("G opens the gallery: a card per scenario over the view, and Esc closes it") {
  test::WindowRig r("gather", {"a=0.03", "b=0.01", "c=0.02"});
  r.key(GLFW_KEY_G);
  REQUIRE(r.app.gallery_open());
  test::Frame f = r.capture("gallery");
  // Cards are panels: the panel colour fills a good part of the screen, in
  // at least as many separate rows as 13 cards need in 3 or 4 columns.
  ImU32 panel = r.app.theme().panel;
  int rows_with_cards = 0;
  bool in_card = false;
  for (int y = 0; y < f.h; ++y) {
    bool row = f.count(0, float(y), float(f.w), float(y + 1), panel, 2) > f.w / 2;
    rows_with_cards += row && !in_card;
    in_card = row;
  }
  CHECK(rows_with_cards >= 4);
  r.key(GLFW_KEY_ESCAPE);
  CHECK_FALSE(r.app.gallery_open());
}

TEST_CASE("a card's Run starts its scenario with the card's parameters, and Compare starts its partner beside it") {
  test::WindowRig r("gather", {"a=0.03", "b=0.01", "c=0.02"});
  r.key(GLFW_KEY_G);
  r.app.run_card(index_of("sequential-server"), /*compare=*/true);
  CHECK_FALSE(r.app.gallery_open());
  frames_until_replay(r);
  REQUIRE(r.app.session().scenario());
  CHECK(r.app.session().scenario()->id == "sequential-server");
  REQUIRE(r.app.compare_active());
  REQUIRE(r.app.compare_session().scenario());
  CHECK(r.app.compare_session().scenario()->id == "concurrent-server");
  // Both runs share the card's client count.
  CHECK(r.app.session().params().text("clients") == r.app.compare_session().params().text("clients"));

  r.app.run_card(index_of("blocking-call"), /*compare=*/true);
  frames_until_replay(r);
  CHECK(r.app.session().params().text("mode") == "time.sleep");
  CHECK(r.app.compare_session().params().text("mode") == "asyncio.sleep");
  r.capture("gallery-compare-blocking");
}

TEST_CASE("in presenter mode on a 720p window the gallery still shows cards side by side, in the light theme too") {
  test::WindowRig r("gather", {"a=0.03", "b=0.01", "c=0.02"});
  r.key(GLFW_KEY_F7);
  r.key(GLFW_KEY_T);
  r.frame();  // fonts rebuilt
  r.key(GLFW_KEY_G);
  REQUIRE(r.app.gallery_open());
  test::Frame f = r.capture("gallery-presenter-light");
  ImU32 panel = r.app.theme().panel;
  // Along a row through the first cards, count the runs of card colour.
  int best = 0;
  for (int y = 100; y < 300; y += 10) {
    int cards = 0;
    bool in = false;
    for (int x = 0; x < f.w; ++x) {
      bool c = f.near(x, y, panel, 2);
      cards += c && !in;
      in = c;
    }
    best = std::max(best, cards);
  }
  CHECK(best >= 2);
}
