// The record matrix: every scenario records without a crash, with and
// without presenter text, alone and compared, a few frames at three playhead
// times (start, a third, two thirds) of each run. The runs are saved once
// (scaled down) and replayed, so the matrix stays quick; every clip is the
// real command, and its frames are read back. One test file per frame size
// (test_record_matrix_720p.cpp, _1080p.cpp), so ctest runs them side by side.
// 720p, the tightest layout, records both; 1080p (a lecture hall's projector)
// only presenter mode, which keeps the suite's time down on 2 cores.
#pragma once

#include "record/clip.hpp"
#include "record/frames.hpp"

#include <algorithm>
#include <initializer_list>

#include "gui/theme.hpp"
#include "record/clip_clock.hpp"

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

// `presenters`: the presenter settings recorded at this size.
inline void record_matrix(const char* size, std::initializer_list<bool> presenters = {false, true}) {
  no_display();
  std::vector<std::string> ids;
  for (const std::string& l : loopscope::test::lines(run(loopscope::test::loopscope_cmd("list")).out))
    ids.push_back(l.substr(0, l.find('\t')));
  REQUIRE(ids.size() >= 10);
  std::vector<std::string> traces;
  for (const std::string& id : ids) traces.push_back(save_trace(id, "--scale 0.1"));

  const gui::Theme& dark = gui::theme(true);
  int clips = 0;
  for (size_t k = 0; k < ids.size(); ++k) {
    // Compared with the next scenario in the list: another set of lanes beside it.
    size_t other = (k + 1) % ids.size();
    for (bool compare : {false, true}) {
      double span = compare ? span_of({traces[k], traces[other]}) : span_of({traces[k]});
      // One frame per second at a speed that puts about three frames across the run.
      char speed[32];
      std::snprintf(speed, sizeof speed, "%.4f", std::clamp(span / 2.9, 0.05, 20.0));
      for (bool presenter : presenters) {
        {
          std::string dir = temp_path("matrix");
          std::string args = traces[k] + (compare ? " --compare " + traces[other] : "") + " -o " + dir +
                             " --fps 1 --no-title --hold 0 --captions --speed " + speed + " --size " + size +
                             (presenter ? " --presenter" : "");
          CAPTURE(ids[k]);
          CAPTURE(args);
          Process p = record(args);
          CHECK_MESSAGE(p.code == 0, p.err);
          auto files = frame_files(dir);
          CHECK(files.size() >= 3);
          CHECK_FALSE(exists(dir + ".part"));
          if (!files.empty()) {
            // The last frame is a real picture of the view: the theme's background and text.
            auto f = read_png(dir + "/" + files.back());
            CHECK(f.w == (size[0] == '1' && size[1] == '9' ? 1920 : 1280));
            CHECK(f.count(0, 0, float(f.w), float(f.h), dark.text, 40) > 500);
          }
          remove_frames_dir(dir);
          ++clips;
        }
      }
    }
  }
  CHECK(clips == int(ids.size() * 2 * presenters.size()));
  for (const std::string& t : traces) std::remove(t.c_str());
}

}  // namespace loopscope::rec::test
