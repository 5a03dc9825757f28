// Presenter mode's text is a share of the window's height, so a 720p
// projector shows the same layout as a 1080p one, only with fewer pixels.
#include <doctest/doctest.h>

#include "gui/screenshot.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
float presenter_px(int w, int h) {
  std::string err;
  auto hl = Headless::create(w, h, err);
  REQUIRE_MESSAGE(hl, err);
  Appearance look;
  look.presenter = true;
  App app(look);
  REQUIRE(app.init_context());
  const Scenario* s = find_scenario("gather");
  REQUIRE(s);
  REQUIRE(run_to_end(*hl, app, *s, s->resolve({"a=0.01", "b=0.01", "c=0.01"})) == "");
  settle(*hl, app);
  CHECK_FALSE(app.fonts_dirty());
  CHECK(ImGui::GetFontSize() == doctest::Approx(app.appearance().font_px()));
  return app.appearance().font_px();
}
}  // namespace

TEST_CASE("presenter text is 1/28 of the window's height, at 720p and at 1080p alike") {
  float small = presenter_px(1280, 720), large = presenter_px(1920, 1080);
  CHECK(small == doctest::Approx(720.0f / 28));
  CHECK(large == doctest::Approx(1080.0f / 28));
  CHECK(small > Appearance{}.font_px());  // still larger than the desk size
}
