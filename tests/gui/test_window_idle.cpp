// An idle window waits for events instead of drawing 60 frames a second:
// paused, with nothing animating and no input, it draws only a handful of
// frames; input, playback and live runs still redraw at once. Frames are
// counted through the window's test hook.
#include <chrono>

#include "gui/window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using namespace loopscope::gui::test;

TEST_CASE("a paused window draws only a handful of frames in a second, and redraws at once on input") {
  WindowRig r("gather", {"a=0.03", "b=0.01", "c=0.02"});
  r.w->set_idle_wait(true);  // as run_window() has it
  if (r.app.playback().playing) r.app.toggle_play();
  // Let the stage's tween settle (bounded only against a broken build).
  for (int n = 0; r.app.animating() && n < 100000; ++n) r.frame();
  REQUIRE_FALSE(r.app.animating());

  const uint64_t before = r.w->frames();
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1)) r.frame();
  const uint64_t drawn = r.w->frames() - before;
  // Window::kSettleFrames at full rate, then one frame per kIdleWait (0.25 s) at most.
  CHECK(drawn <= uint64_t(Window::kSettleFrames) + 5);
  CHECK(r.w->waited_last());

  // A key press is drawn at once: the next frame does not wait.
  const size_t at = r.index();
  r.w->press(at == 0 ? GLFW_KEY_RIGHT : GLFW_KEY_LEFT);
  r.frame();
  CHECK_FALSE(r.w->waited_last());
  r.frame();
  CHECK(r.index() != at);

  // Playing: every frame is drawn without waiting.
  r.app.toggle_play();
  for (int k = 0; k < 5; ++k) {
    r.frame();
    CHECK_FALSE(r.w->waited_last());
  }
}
