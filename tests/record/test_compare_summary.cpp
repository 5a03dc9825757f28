// The compare summary over a compare clip's held end (app/record/overlay.cpp):
// in each half it takes the Code panel's place whole, so it covers no other
// panel and leaves no heading cut beside it ("Co" of "Code" peeking out was
// what a lecturer saw). Recorded in process through rec::record_clip, whose
// inspect hook sees each side's App and overlay; the last frame is read back
// from its PNG.
#include "record/clip.hpp"
#include "record/frames.hpp"

#include <string>
#include <vector>

#include "gui/theme.hpp"
#include "record/overlay.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {

bool empty(const gui::Box& b) { return b.x1 <= b.x0 || b.y1 <= b.y0; }
bool contains(const gui::Box& outer, const gui::Box& inner) {
  return inner.x0 >= outer.x0 - 0.5f && inner.y0 >= outer.y0 - 0.5f && inner.x1 <= outer.x1 + 0.5f && inner.y1 <= outer.y1 + 0.5f;
}
bool meets(const gui::Box& a, const gui::Box& b) { return a.x1 > b.x0 + 0.5f && a.x0 < b.x1 - 0.5f && a.y1 > b.y0 + 0.5f && a.y0 < b.y1 - 0.5f; }

}  // namespace

TEST_CASE("the summary over a compare clip's held end takes each half's Code panel whole and covers no other panel") {
  no_display();
  std::string seq = save_trace("sequential-server", "--scale 0.1");
  std::string conc = save_trace("concurrent-server", "--scale 0.1");
  struct Case {
    const char* name;
    bool presenter, captions, dark;
  };
  for (const Case& c : {Case{"presenter, captions", true, true, true}, Case{"presenter, light", true, false, false},
                        Case{"desk size, captions", false, true, true}}) {
    CAPTURE(c.name);
    rec::ClipOptions o;
    o.out = temp_path("compare-summary");  // a directory of PNG frames
    o.format = rec::Format::png;
    for (const std::string& t : {seq, conc}) {
      cli::RunInput in;
      in.trace = t;
      o.runs.push_back(in);
    }
    o.fps = 2, o.title = false, o.hold_s = 1, o.captions = c.captions, o.progress = false;
    o.look.presenter = c.presenter, o.look.dark = c.dark;
    int held = 0;
    gui::Box left_code;
    o.inspect = [&](int frame, size_t side, const gui::App& app, const rec::Overlay& ov) {
      if (ov.summary_alpha < 1) return;
      CAPTURE(frame);
      CAPTURE(side);
      ++held;
      const gui::Geometry& g = app.geometry();
      const gui::Box& card = ov.summary_drawn();
      REQUIRE_FALSE(empty(card));
      REQUIRE_FALSE(empty(g.code));
      CHECK(contains(card, g.code));
      for (const gui::Box* panel : {&g.stage, &g.timeline, &g.why, &g.console, &g.tasks})
        if (!empty(*panel)) CHECK_FALSE(meets(card, *panel));
      if (side == 0) left_code = g.code;
    };
    rec::ClipReport r = rec::record_clip(o);
    REQUIRE_MESSAGE(r.error == "", r.error);
    CHECK(held >= 2);  // both halves of the held end
    // The last frame as a viewer sees it: run 1 (blocked) has its summary in
    // the error colour, and no heading's ink shows anywhere in the Code panel's place.
    auto files = frame_files(o.out);
    REQUIRE_FALSE(files.empty());
    auto png = read_png(o.out + "/" + files.back());
    const gui::Theme& th = gui::theme(c.dark);
    CHECK(png.count(left_code.x0, left_code.y0, left_code.x1, left_code.y1, th.error, 10) > 200);
    CHECK(png.count(left_code.x0 + 3, left_code.y0 + 3, left_code.x1 - 3, left_code.y1 - 3, th.text_dim, 10) == 0);
    remove_frames_dir(o.out);
  }
  std::remove(seq.c_str());
  std::remove(conc.c_str());
}
