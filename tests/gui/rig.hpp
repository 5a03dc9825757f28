// A headless window with one finished run in it, for tests that seek and read
// real pixels. The run is real (scenario on a libuv loop), so cases find
// events by kind and task, never by index.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "gui/pixels.hpp"
#include "gui/screenshot.hpp"

namespace loopscope::gui::test {

struct Rig {
  std::unique_ptr<Headless> h;
  std::unique_ptr<App> app;
  Frame f;

  explicit Rig(const std::string& id, bool dark = true, std::vector<std::string> sets = {}) {
    std::string err;
    h = Headless::create(1280, 720, err);
    REQUIRE_MESSAGE(h, err);
    Appearance look;
    look.dark = dark;
    app = std::make_unique<App>(look);
    REQUIRE(app->init_context());
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    REQUIRE(run_to_end(*h, *app, *s, s->resolve(sets)) == "");
    f.w = 1280, f.h = 720;
  }
  const model::Model& m() const { return app->session().model(); }
  void shoot(size_t index) { shot_at(*h, *app, index, f.rgba); }
  // Reads back the frame where the playhead already is (after seek_time, say).
  void shoot_here() {
    settle(*h, *app);
    h->frame(*app, 0.1f, &f.rgba);
  }
  // The first event of `kind` (for `task`, when given) at or after `from`.
  size_t find(Ev kind, int32_t task = -2, size_t from = 0) const {
    const auto& ev = m().events();
    for (size_t i = from; i < ev.size(); ++i)
      if (ev[i].kind == kind && (task == -2 || ev[i].task == task)) return i;
    FAIL("no such event");
    return 0;
  }
  int32_t task_id(const std::string& name) const {
    for (const auto& t : m().tasks())
      if (t.name == name) return t.id;
    FAIL("no task " << name);
    return -1;
  }
  int color(int32_t task) const { return m().task(task)->color; }
};


}  // namespace loopscope::gui::test
