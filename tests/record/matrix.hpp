// The record matrix: every scenario records, with and without presenter text,
// alone and compared, a few frames at three playhead times (start, a third,
// two thirds) of each run. The runs are saved once (scaled down) and replayed.
// Each clip is made in process by rec::record_clip, whose inspect hook sees
// every drawn frame of each side; the frame is checked from ImGui's draw data
// (what was really drawn, header and caption band included): in presenter
// mode no text under the floor of the FRAME's height (1/36), no glyph cut by
// its panel, and no text cut short with an ellipsis where the view promises
// it whole (stage chips, Console rows, code rows, the caption). One test file
// per frame size (test_record_matrix_720p.cpp, _1080p.cpp), so ctest runs
// them side by side. 720p, the tightest layout, records both; 1080p (a
// lecture hall's projector) only presenter mode, which keeps the suite's time
// down on 2 cores.
#pragma once

#include "record/clip.hpp"
#include "record/frames.hpp"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <map>

#include "gui/text_audit.hpp"
#include "gui/theme.hpp"
#include "record/clip_clock.hpp"
#include "record/overlay.hpp"

namespace loopscope::rec::test {

// The clip clock's span over the runs (as record computes it).
inline double span_of(const std::vector<std::string>& traces) {
  std::vector<std::unique_ptr<gui::Session>> sessions;
  std::vector<gui::Playback> clocks(traces.size());
  std::vector<std::pair<const model::Model*, const gui::Playback*>> runs;
  for (size_t k = 0; k < traces.size(); ++k) {
    sessions.push_back(std::make_unique<gui::Session>());
    REQUIRE(sessions.back()->load(traces[k]) == "");
    clocks[k].sync(sessions.back()->model().events(), 0);
    runs.emplace_back(&sessions.back()->model(), &clocks[k]);
  }
  rec::ClipClock clock;
  clock.build(runs);
  return clock.end();
}

struct ClipFindings : gui::test::TextFindings {
  int frames = 0;
};

// One drawn frame of one side of a clip, checked from ImGui's draw data.
inline void audit_clip_frame(const gui::App& app, const rec::Overlay& ov, float frame_h, const std::string& where,
                             ClipFindings& f) {
  // The floor is the frame's: a captioned clip's view sits above its band, and still must read at the back row.
  const float floor_px = app.appearance().presenter ? frame_h / 36.0f : 0;
  gui::test::audit_text(app, floor_px, where, f, {.stage = true, .console = true, .code = true});
  if (ov.captions && !ov.caption_whole()) f.elided.push_back(where + ": the caption ends in '\xe2\x80\xa6': " + ov.caption_drawn());
  ++f.frames;
}

using gui::test::report;

// The compare partner a teacher would pick; else the next scenario in the list (another set of lanes beside it).
inline std::string partner_of(const std::vector<std::string>& ids, size_t k) {
  static const std::map<std::string, std::string> pairs = {
      {"sequential-server", "concurrent-server"}, {"concurrent-server", "sequential-server"},
      {"gather", "taskgroup-cancel"},             {"taskgroup-cancel", "gather"},
      {"gather-errors", "taskgroup-cancel"},      {"blocking-call", "blocking-call:asyncio.sleep"}};
  auto it = pairs.find(ids[k]);
  return it != pairs.end() ? it->second : ids[(k + 1) % ids.size()];
}

// `presenters`: the presenter settings recorded at this size.
inline void record_matrix(int w, int h, std::initializer_list<bool> presenters = {false, true}) {
  no_display();
  std::vector<std::string> ids;
  for (const std::string& l : loopscope::test::lines(run(loopscope::test::loopscope_cmd("list")).out))
    ids.push_back(l.substr(0, l.find('\t')));
  REQUIRE(ids.size() >= 10);
  std::map<std::string, std::string> traces;
  for (const std::string& id : ids) traces[id] = save_trace(id, "--scale 0.1");
  // blocking-call's lesson is its own pair: time.sleep against asyncio.sleep.
  traces["blocking-call:asyncio.sleep"] = save_trace("blocking-call", "--scale 0.1 --set mode=asyncio.sleep");

  const gui::Theme& dark = gui::theme(true);
  ClipFindings f;
  int clips = 0;
  for (size_t k = 0; k < ids.size(); ++k) {
    const std::string other = partner_of(ids, k);
    for (bool compare : {false, true}) {
      std::vector<std::string> runs = {traces[ids[k]]};
      if (compare) runs.push_back(traces[other]);
      // One frame per second at a speed that puts about three frames across the run, and a held end (the summary).
      double span = span_of(runs);
      for (bool presenter : presenters) {
        rec::ClipOptions o;
        o.out = temp_path("matrix");  // a directory of PNG frames
        o.format = rec::Format::png;
        for (const std::string& t : runs) {
          cli::RunInput in;
          in.trace = t;
          o.runs.push_back(in);
        }
        o.fps = 1, o.w = w, o.h = h, o.title = false, o.hold_s = 1, o.captions = true, o.progress = false;
        o.speed = std::clamp(span / 2.9, 0.05, 20.0);
        o.look.presenter = presenter;
        std::string where = ids[k] + (compare ? " vs " + other : "") + (presenter ? " presenter" : "") + " " +
                            std::to_string(w) + "x" + std::to_string(h);
        o.inspect = [&](int frame, size_t side, const gui::App& app, const rec::Overlay& ov) {
          audit_clip_frame(app, ov, float(h), where + " frame " + std::to_string(frame) + (side ? " right" : " left"), f);
        };
        CAPTURE(where);
        rec::ClipReport r = rec::record_clip(o);
        CHECK_MESSAGE(r.error == "", r.error);
        auto files = frame_files(o.out);
        CHECK(files.size() >= 3);
        CHECK_FALSE(exists(o.out + ".part"));
        if (!files.empty()) {
          // The last frame is a real picture of the view: the theme's background and text.
          auto png = read_png(o.out + "/" + files.back());
          CHECK(png.w == w);
          CHECK(png.count(0, 0, float(png.w), float(png.h), dark.text, 40) > 500);
        }
        remove_frames_dir(o.out);
        ++clips;
      }
    }
  }
  MESSAGE(clips << " clips, " << f.frames << " drawn frames checked");
  CHECK(clips == int(ids.size() * 2 * presenters.size()));
  CHECK(f.frames >= clips * 3);
  report("small text", f.small);
  report("cut text", f.cut);
  report("elided", f.elided);
  CHECK(f.small.empty());
  CHECK(f.cut.empty());
  CHECK(f.elided.empty());
  for (const auto& [id, t] : traces) std::remove(t.c_str());
}

}  // namespace loopscope::rec::test
