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
    Appearance look;
    look.dark = dark;
    open(id, sets, look, 1280, 720);
  }
  // A 1280x720 window with these looks (presenter mode, the light theme).
  Rig(Appearance look, const std::string& id, std::vector<std::string> sets = {}) {
    look.display_h = 720;
    open(id, sets, look, 1280, 720);
  }
  // One half of a compare clip: 640x720, presenter text, the clip header's
  // room instead of the toolbar (as the recorder draws it). `captioned`: the
  // caption band says what the Why panel would, so the panel is hidden.
  struct ClipHalf {
    bool captioned = false;
  };
  Rig(ClipHalf half, const std::string& id, std::vector<std::string> sets = {}) {
    Appearance look;
    look.presenter = true;
    look.display_h = 720;
    look.show[3] = !half.captioned;
    open(id, sets, look, 640, 720);
    h->set_area({{0, look.font_px() * 2.6f, 640, 720}, false});  // under the clip header, no toolbar
  }
  void open(const std::string& id, const std::vector<std::string>& sets, const Appearance& look, int w, int h_px) {
    std::string err;
    h = Headless::create(w, h_px, err);
    REQUIRE_MESSAGE(h, err);
    app = std::make_unique<App>(look);
    REQUIRE(app->init_context());
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    REQUIRE(run_to_end(*h, *app, *s, s->resolve(sets)) == "");
    f.w = w, f.h = h_px;
  }
  const model::Model& m() const { return app->session().model(); }
  // Compare mode: scenario `id` run to its end as run 2; its model.
  const model::Model& compare_with(const std::string& id, const std::vector<std::string>& sets = {}) {
    const Scenario* s = find_scenario(id);
    REQUIRE(s);
    app->start_compare(*s, s->resolve(sets));
    app->compare_session().wait();
    return app->compare_session().model();
  }
  void shoot(size_t index) { shot_at(*h, *app, index, f.rgba); }
  // Reads back the frame where the playhead already is (after seek_time, say).
  void shoot_here() {
    settle(*h, *app);
    h->frame(*app, 0.1f, &f.rgba);
  }
  // The last event of `kind`.
  size_t find_last(Ev kind) const {
    const auto& ev = m().events();
    for (size_t i = ev.size(); i-- > 0;)
      if (ev[i].kind == kind) return i;
    FAIL("no such event");
    return 0;
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
