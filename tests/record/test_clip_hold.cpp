// A clip's held end (app/record/recorder.cpp): the playback stops short of
// the run's last event, which the hold's first frame reaches. That frame, and
// every one after it, shows the settled final state: no chip still gliding
// out of Running while the Stage already says "run finished". Recorded in
// process through rec::record_clip, whose inspect hook sees each side's App.
#include "record/clip.hpp"
#include "record/frames.hpp"

#include <map>
#include <string>
#include <vector>

#include "record/overlay.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {

struct Seen {
  bool settled = false;
  size_t index = 0;
  std::vector<gui::Box> chips;  // every stage chip drawn, gliding ones too
};

}  // namespace

TEST_CASE("a clip's held end shows the settled final state from its first frame, alone and compared") {
  no_display();
  std::string blocked = save_trace("blocking-call", "--set mode=time.sleep --scale 0.3");
  std::string free = save_trace("blocking-call", "--set mode=asyncio.sleep --scale 0.3");
  for (bool compare : {false, true}) {
    CAPTURE(compare);
    rec::ClipOptions o;
    o.out = temp_path("clip-hold");  // a directory of PNG frames
    o.format = rec::Format::png;
    for (const std::string& t : compare ? std::vector<std::string>{blocked, free} : std::vector<std::string>{blocked}) {
      cli::RunInput in;
      in.trace = t;
      o.runs.push_back(in);
    }
    // 10 fps: a glide (0.3 s of playback) spans three frames, so one caught mid-way shows.
    o.fps = 10, o.title = false, o.hold_s = 1, o.captions = true, o.progress = false;
    o.look.presenter = true, o.look.dark = false;
    std::map<std::pair<int, size_t>, Seen> seen;
    o.inspect = [&](int frame, size_t side, const gui::App& app, const rec::Overlay&) {
      seen[{frame, side}] = {app.settled(), app.shown_index(), app.geometry().stage_chip_boxes};
    };
    rec::ClipReport r = rec::record_clip(o);
    REQUIRE_MESSAGE(r.error == "", r.error);
    const int first_held = r.plan.title_frames + r.plan.play_frames;
    REQUIRE(r.plan.hold_frames >= 2);
    for (size_t side = 0; side < o.runs.size(); ++side) {
      CAPTURE(side);
      // The hold's first frame is drawn (the playhead moved onto the last event); later ones may repeat it.
      auto first = seen.find({first_held, side});
      REQUIRE(first != seen.end());
      CHECK(first->second.settled);
      for (const auto& [at, s] : seen) {
        if (at.first < first_held || at.second != side) continue;
        CAPTURE(at.first);
        CHECK(s.settled);
        CHECK(s.index == first->second.index);
        REQUIRE(s.chips.size() == first->second.chips.size());
        for (size_t k = 0; k < s.chips.size(); ++k) {
          CHECK(s.chips[k].x0 == first->second.chips[k].x0);
          CHECK(s.chips[k].y0 == first->second.chips[k].y0);
        }
      }
    }
    remove_frames_dir(o.out);
  }
  std::remove(blocked.c_str());
  std::remove(free.c_str());
}
