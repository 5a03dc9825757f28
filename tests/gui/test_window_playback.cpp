// The real window (GLFW, run under Xvfb): drives frames, presses playback keys
// through the same GLFW callback path a keyboard uses, and checks the view.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <doctest/doctest.h>

#include "gui/app.hpp"
#include "gui/pixels.hpp"
#include "gui/platform.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
struct Rig {
  std::unique_ptr<Window> w;
  App app;
  Rig() {
    std::string err;
    w = Window::open(1280, 720, err);
    REQUIRE_MESSAGE(w, err);
    REQUIRE(app.init_context());
    const Scenario* s = find_scenario("gather");
    REQUIRE(s);
    app.start(*s, s->resolve({"a=0.03", "b=0.01", "c=0.02"}));
    // Frames run while the trace streams in, until the replay starts. The
    // bound only stops a broken build from spinning; ctest's timeout backs it.
    for (int n = 0; (app.session().live() || app.following_live()) && n < 1000000; ++n) REQUIRE(w->frame(app));
  }
  // One frame sees the press, the next sees the release (ImGui 1.86 keeps key state, not events).
  void key(int k, int mods = 0) {
    w->press(k, mods);
    REQUIRE(w->frame(app));
    REQUIRE(w->frame(app));
  }
  size_t index() const { return app.playback().index(); }
  Ev kind() const { return app.session().model().events()[index()].kind; }
};
}  // namespace

TEST_CASE("a finished run replays from the start, and Space pauses it") {
  Rig r;
  CHECK(r.app.session().model().finished());
  CHECK(r.app.playback().playing);
  r.key(GLFW_KEY_SPACE);
  CHECK_FALSE(r.app.playback().playing);
}

TEST_CASE("Right advances the playhead one event, Left goes back one") {
  Rig r;
  r.key(GLFW_KEY_HOME);
  CHECK(r.index() == 0);
  CHECK_FALSE(r.app.playback().playing);
  r.key(GLFW_KEY_RIGHT);
  CHECK(r.index() == 1);
  r.key(GLFW_KEY_RIGHT);
  CHECK(r.index() == 2);
  r.key(GLFW_KEY_LEFT);
  CHECK(r.index() == 1);
  r.key(GLFW_KEY_LEFT);
  r.key(GLFW_KEY_LEFT);  // clamps at the start
  CHECK(r.index() == 0);
}

TEST_CASE("Shift steps by task step, Ctrl by loop iteration, End and Home jump to the ends") {
  Rig r;
  r.key(GLFW_KEY_HOME);
  r.key(GLFW_KEY_RIGHT, GLFW_MOD_SHIFT);
  CHECK(r.kind() == Ev::step_begin);
  size_t first_step = r.index();
  r.key(GLFW_KEY_RIGHT, GLFW_MOD_SHIFT);
  CHECK(r.kind() == Ev::step_begin);
  CHECK(r.index() > first_step);
  r.key(GLFW_KEY_LEFT, GLFW_MOD_SHIFT);
  CHECK(r.index() == first_step);
  r.key(GLFW_KEY_RIGHT, GLFW_MOD_CONTROL);
  CHECK(r.kind() == Ev::loop_iter);
  uint32_t it = r.app.session().model().events()[r.index()].it;
  r.key(GLFW_KEY_RIGHT, GLFW_MOD_CONTROL);
  CHECK(r.kind() == Ev::loop_iter);
  CHECK(r.app.session().model().events()[r.index()].it == it + 1);
  CHECK(r.app.state().it == it + 1);
  r.key(GLFW_KEY_END);
  CHECK(r.index() == r.app.session().model().size() - 1);
  r.key(GLFW_KEY_HOME);
  CHECK(r.index() == 0);
}

TEST_CASE("stepping back shows the earlier state: the timers come back") {
  Rig r;
  r.key(GLFW_KEY_END);
  CHECK(r.app.state().timers.empty());
  // Back to where all three sleeps are armed: step back until three timers show.
  size_t guard = r.app.session().model().size();
  while (r.app.state().timers.size() < 3 && guard--) r.key(GLFW_KEY_LEFT);
  CHECK(r.app.state().timers.size() == 3);
  // The window's frames advance by GLFW's clock: move it 20 ms on before each
  // frame instead of sleeping (Xvfb has no vsync: frames can take 1 ms), so the
  // 0.3 s glide finishes within a known number of frames.
  for (int k = 0; k < 100 && !r.app.settled(); ++k) {
    glfwSetTime(glfwGetTime() + 0.02);
    REQUIRE(r.w->frame(r.app));
  }
  CHECK(r.app.settled());
}

TEST_CASE("F1 opens the shortcut overlay, Esc closes it; T switches to the light theme on screen") {
  Rig r;
  r.key(GLFW_KEY_F1);
  CHECK(r.app.help_open());
  r.key(GLFW_KEY_ESCAPE);
  CHECK_FALSE(r.app.help_open());
  CHECK(r.app.appearance().dark);
  r.key(GLFW_KEY_T);
  CHECK_FALSE(r.app.appearance().dark);
  std::vector<uint8_t> gl;
  r.w->capture_next(&gl);
  REQUIRE(r.w->frame(r.app));
  test::Frame f{gl, r.w->captured_w(), r.w->captured_h()};
  REQUIRE(f.h > 400);
  // GL rows run bottom-up: row h-1-y is the y-th row from the top.
  CHECK(f.near(3, f.h - 1 - f.h / 2, theme(false).bg, 2));
  CHECK(f.luminance(3, f.h - 1 - f.h / 2) > 0.9f);
}

TEST_CASE("F6 enlarges the text and the fonts are rebuilt between frames") {
  Rig r;
  float before = r.app.appearance().font_px();
  r.key(GLFW_KEY_F6);
  CHECK(r.app.appearance().font_px() > before);
  REQUIRE(r.w->frame(r.app));
  CHECK_FALSE(r.app.fonts_dirty());
  CHECK(ImGui::GetFontSize() == doctest::Approx(r.app.appearance().font_px()));
}

TEST_CASE("Space at the end replays from the start and playback advances frame by frame") {
  Rig r;
  r.key(GLFW_KEY_END);
  r.key(GLFW_KEY_SPACE);
  CHECK(r.app.playback().playing);
  // Each frame advances playback by at least 0.1 ms of story time, so this ends.
  for (int n = 0; r.index() == 0 && n < 100000; ++n) REQUIRE(r.w->frame(r.app));
  CHECK(r.index() > 0);
  CHECK(r.index() < r.app.session().model().size() - 1);
}
