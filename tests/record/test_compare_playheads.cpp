// A compare clip plays both runs on one real-time axis, each with its own
// playhead that moves: the run whose loop is blocked (time.sleep) does not
// stand still at 0 while the other one (asyncio.sleep) moves on.
#include "record/clip.hpp"
#include "record/frames.hpp"

#include "gui/theme.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

TEST_CASE("a compare clip's frames show two playheads that move, on one time axis") {
  no_display();
  std::string blocked = save_trace("blocking-call", "--set mode=time.sleep");
  std::string free = save_trace("blocking-call", "--set mode=asyncio.sleep");
  std::string dir = temp_path("playheads");
  Process p = record(blocked + " --compare " + free + " -o " + dir + " --fps 4 --no-title --hold 0 --size 1280x720");
  REQUIRE_MESSAGE(p.code == 0, p.err);
  auto files = frame_files(dir);
  REQUIRE(files.size() >= 8);

  const gui::Theme& th = gui::theme(true);
  // The timelines fill the lower part of each half; the playhead is the
  // tallest line in the playhead's colour there.
  struct Heads {
    int left, right;
  };
  auto heads_at = [&](size_t k) {
    auto f = read_png(dir + "/" + files[k]);
    REQUIRE(f.w == 1280);
    return Heads{playhead_x(f, th.playhead, 0, 636, 300, 720), playhead_x(f, th.playhead, 644, 1280, 300, 720)};
  };
  // While the worker blocks (about a third in) and near the end.
  Heads a = heads_at(files.size() / 3), b = heads_at(files.size() * 5 / 6);
  CAPTURE(a.left);
  CAPTURE(a.right);
  CAPTURE(b.left);
  CAPTURE(b.right);
  REQUIRE(a.left >= 0);
  REQUIRE(a.right >= 0);
  REQUIRE(b.left >= 0);
  REQUIRE(b.right >= 0);
  CHECK(b.left > a.left + 20);
  CHECK(b.right > a.right + 20);
  // One real-time axis: both playheads stand at about the same time.
  CHECK(std::abs(a.left - (a.right - 640)) < 24);
  CHECK(std::abs(b.left - (b.right - 640)) < 24);
  remove_frames_dir(dir);
  std::remove(blocked.c_str());
  std::remove(free.c_str());
}
