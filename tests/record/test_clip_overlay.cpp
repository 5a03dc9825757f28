// The clip's overlay read back from its frames (app/record/overlay.cpp): the
// header band over the view (the run's name, the time and iteration) and,
// with --captions, the caption band at the bottom. In a presenter clip and in
// each half of a compare clip: both bands hold text, no text reaches a half's
// left or right edge (nothing cut there), and the caption band sits under the
// view instead of over it (the timeline's frame ends above the band, and no
// colour of the view shows inside it).
#include "record/clip.hpp"
#include "record/frames.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "gui/theme.hpp"
#include "model/model.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {

float lum(ImU32 c) {
  return (0.2126f * float((c >> IM_COL32_R_SHIFT) & 0xff) + 0.7152f * float((c >> IM_COL32_G_SHIFT) & 0xff) +
          0.0722f * float((c >> IM_COL32_B_SHIFT) & 0xff)) / 255.0f;
}

struct Band {
  int y0 = -1, y1 = -1;
};

// The caption band: from the bottom up, the first row in the band's border colour over its fill, at x.
Band caption_band(const gui::test::Frame& f, const gui::Theme& th, int x) {
  for (int y = f.h - 4; y > f.h / 2; --y)
    if (f.near(x, y, th.panel_border, 6) && f.near(x, y + 3, th.panel, 6) && !f.near(x, y - 1, th.panel_border, 6))
      return {y, f.h};
  return {};
}

// Pixels of text ink (brighter than every background of the dark theme) in [x0,x1) x [y0,y1).
int ink(const gui::test::Frame& f, const gui::Theme& th, int x0, int y0, int x1, int y1) {
  const float bright = std::max({lum(th.bg), lum(th.panel), lum(th.panel_border)}) + 0.15f;
  int n = 0;
  for (int y = std::max(y0, 0); y < std::min(y1, f.h); ++y)
    for (int x = std::max(x0, 0); x < std::min(x1, f.w); ++x) n += f.luminance(x, y) > bright;
  return n;
}

// The lowest row above `y_limit` in [x0,x1) that is mostly panel border: a panel's bottom frame.
// (Over a compare clip's held end, the summary in the Code panel's place is
// framed in the error colour when its run's loop was blocked.)
int lowest_frame_row(const gui::test::Frame& f, const gui::Theme& th, int x0, int x1, int y_limit) {
  for (int y = y_limit - 1; y > f.h / 3; --y) {
    int n = 0;
    for (int x = x0; x < x1; ++x) n += f.near(x, y, th.panel_border, 10) || f.near(x, y, th.error, 10);
    if (n > (x1 - x0) * 6 / 10) return y;
  }
  return -1;
}

// One half (or the whole frame) of a captioned clip frame, checked.
void check_half(const gui::test::Frame& f, const gui::Theme& th, int x0, int x1, const char* which) {
  CAPTURE(which);
  Band band = caption_band(f, th, x0 + 3);
  REQUIRE(band.y0 > 0);
  const int band_h = band.y1 - band.y0;
  CHECK(band_h > f.h / 10);
  CHECK(band_h < f.h * 4 / 10);
  // The header: the run's name and readout in the top band, above the first panel.
  const int header_y1 = int(float(f.h) * 0.09f);
  CHECK(ink(f, th, x0, 0, x1, header_y1) > 300);
  // The caption: text inside the band.
  CHECK(ink(f, th, x0, band.y0 + 3, x1, band.y1) > 300);
  // Nothing cut at a half's edges: no ink in its outer 5 columns, in either band
  // (a compare half's last 2 columns are the rule between the halves).
  for (auto [y0, y1] : {std::pair{0, header_y1}, std::pair{band.y0 + 3, band.y1}}) {
    CAPTURE(y0);
    CHECK(ink(f, th, x0, y0, x0 + 5, y1) == 0);
    CHECK(ink(f, th, x1 - 7, y0, x1 - 2, y1) == 0);
  }
  // The view is laid out above the band: the timeline's bottom frame (the left column) ends above it...
  int frame_row = lowest_frame_row(f, th, x0 + 20, x0 + (x1 - x0) / 2, band.y0 - 1);
  CHECK(frame_row > band.y0 - f.h / 12);
  CHECK(frame_row < band.y0);
  // ...and nothing of the view shows inside the band: no task hue, no blocked red.
  int view = f.count(float(x0), float(band.y0 + 3), float(x1), float(band.y1), th.blocked, 12);
  for (int k = 0; k < model::kTaskHues; ++k) view += f.count(float(x0), float(band.y0 + 3), float(x1), float(band.y1), th.task(k), 12);
  CHECK(view == 0);
}

}  // namespace

TEST_CASE("a captioned presenter clip and each half of a captioned compare clip show their header and caption bands whole, "
          "under the view, never over it") {
  no_display();
  // Scaled down: the clip lasts a few seconds at 2 frames per second.
  std::string blocked = save_trace("blocking-call", "--set mode=time.sleep --scale 0.3");
  std::string free = save_trace("blocking-call", "--set mode=asyncio.sleep --scale 0.3");
  const gui::Theme& th = gui::theme(true);
  struct Case {
    const char* name;
    std::string args;
    bool compare;
  };
  for (const Case& c : {Case{"presenter", blocked, false}, Case{"compare", blocked + " --compare " + free, true}}) {
    CAPTURE(c.name);
    std::string dir = temp_path(std::string("overlay-") + c.name);
    Process p = record(c.args + " -o " + dir + " --fps 2 --no-title --hold 0.5 --presenter --captions --size 1280x720");
    REQUIRE_MESSAGE(p.code == 0, p.err);
    auto files = frame_files(dir);
    REQUIRE(files.size() >= 3);
    // The first frame, one while the loop is blocked (a third in) and the last.
    for (size_t k : {size_t(0), files.size() / 3, files.size() - 1}) {
      CAPTURE(files[k]);
      auto f = read_png(dir + "/" + files[k]);
      REQUIRE(f.w == 1280);
      REQUIRE(f.h == 720);
      if (c.compare) {
        check_half(f, th, 0, 640, "left half");
        check_half(f, th, 640, 1280, "right half");
      } else {
        check_half(f, th, 0, 1280, "whole frame");
      }
    }
    remove_frames_dir(dir);
  }
  std::remove(blocked.c_str());
  std::remove(free.c_str());
}
