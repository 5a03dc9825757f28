// A real GLFW window (the tests run under Xvfb) with one finished run in it:
// keys go through the same GLFW callback path a keyboard uses, and frames can
// be read back as pixels.
#pragma once

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gui/app.hpp"
#include "gui/pixels.hpp"
#include "gui/platform.hpp"

namespace loopscope::gui::test {

struct WindowRig {
  std::unique_ptr<Window> w;
  App app;

  explicit WindowRig(const std::string& id, std::vector<std::string> sets = {}) {
    std::string err;
    w = Window::open(1280, 720, err);
    REQUIRE_MESSAGE(w, err);
    REQUIRE(app.init_context());
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    app.start(*s, s->resolve(sets));
    // Frames run while the trace streams in, until the replay starts. The
    // bound only stops a broken build from spinning; ctest's timeout backs it.
    for (int n = 0; (app.session().live() || app.following_live()) && n < 1000000; ++n) REQUIRE(w->frame(app));
  }
  // One frame sees the press, the next the release (ImGui 1.86 keeps key state, not events).
  void key(int k, int mods = 0) {
    w->press(k, mods);
    REQUIRE(w->frame(app));
    REQUIRE(w->frame(app));
  }
  void frame() { REQUIRE(w->frame(app)); }
  size_t index() const { return app.playback().index(); }
  // The next frame's pixels, top row first; also written to $LOOPSCOPE_SHOTS/NAME.png when set.
  Frame capture(const char* name) {
    std::vector<uint8_t> gl;
    w->capture_next(&gl);
    frame();
    Frame f{{}, w->captured_w(), w->captured_h()};
    size_t row = size_t(f.w) * 4;
    for (int y = f.h - 1; y >= 0; --y)
      f.rgba.insert(f.rgba.end(), gl.begin() + long(row * size_t(y)), gl.begin() + long(row * size_t(y + 1)));
    if (const char* d = std::getenv("LOOPSCOPE_SHOTS")) write_png(std::string(d) + "/" + name + ".png", f.w, f.h, f.rgba);
    return f;
  }
};

}  // namespace loopscope::gui::test
