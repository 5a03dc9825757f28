// Clips as video files, checked by ffprobe and by the pixels ffmpeg decodes:
// the codec, the size, fps x duration frames, the title card, task lanes in
// their hues, and a compare clip with both runs side by side.
#include "record/clip.hpp"

#include "gui/theme.hpp"
#include "record/clip_clock.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

TEST_CASE("an MP4 clip of gather is H.264 of the asked size with fps x duration frames" * doctest::skip(no_ffmpeg()) * doctest::description(kNeedsFfmpeg)) {
  no_display();
  std::string trace = save_trace("gather");
  std::string out = temp_path("gather.mp4");
  Process p = record(trace + " -o " + out + " --fps 10 --size 1280x720 --speed 8");
  REQUIRE_MESSAGE(p.code == 0, p.err);
  CHECK(p.out.find(out) != std::string::npos);
  int expected = expected_frames(10, story_span(trace), 8);
  Counts c = counts(p.err);
  CHECK(c.frames == expected);
  CHECK(c.title == 25);
  CHECK(c.hold == 30);  // --hold's default: 3 s
  Probe pr = probe(out);
  CHECK(pr.codec == "h264");
  CHECK(pr.w == 1280);
  CHECK(pr.h == 720);
  CHECK(pr.frames == expected);

  const gui::Theme& th = gui::theme(true);
  SUBCASE("the title card: the theme's background, the title in the text colour") {
    auto f = frame_of(out, 5, 1280, 720);
    for (auto [x, y] : {std::pair{8, 8}, {1270, 8}, {8, 710}, {1270, 710}, {640, 100}}) CHECK(f.near(x, y, th.bg, 6));
    // The title is set large in the middle third; nothing of the view shows through.
    CHECK(f.count(200, 240, 1080, 320, th.text, 40) > 800);
    CHECK(f.count(0, 600, 1280, 720, th.bg, 6) > 1280 * 110);
  }
  SUBCASE("after the title, each task's lane shows the task's hue") {
    gui::Session s;
    REQUIRE(s.load(trace) == "");
    auto f = frame_of(out, expected - 1, 1280, 720);
    int tasks = 0;
    for (const auto& t : s.model().tasks()) {
      CAPTURE(t.name);
      // The timeline fills the lower left: lane labels, colour tabs and bars in the hue.
      CHECK(f.count(0, 360, 730, 720, th.task(t.color), 30) > 150);
      ++tasks;
    }
    CHECK(tasks == 4);
  }
  std::remove(out.c_str());
  std::remove(trace.c_str());
}

TEST_CASE("a compare GIF shows sequential-server and concurrent-server side by side on one clock" * doctest::skip(no_ffmpeg()) * doctest::description(kNeedsFfmpeg)) {
  no_display();
  std::string seq = save_trace("sequential-server", "--set work=0.2");
  std::string conc = save_trace("concurrent-server", "--set work=0.2");
  std::string out = temp_path("compare.gif");
  Process p = record(seq + " --compare " + conc + " -o " + out + " --fps 3 --size 1280x720 --speed 12");
  REQUIRE_MESSAGE(p.code == 0, p.err);

  // The clip's clock runs over both runs' events merged by time.
  gui::Session a, b;
  REQUIRE(a.load(seq) == "");
  REQUIRE(b.load(conc) == "");
  gui::Playback pa, pb;
  pa.sync(a.model().events(), 0);
  pb.sync(b.model().events(), 0);
  rec::ClipClock clock;
  clock.build({{&a.model(), &pa}, {&b.model(), &pb}});
  CHECK(clock.end() > std::max(pa.story_start(pa.size() - 1), pb.story_start(pb.size() - 1)));
  int expected = expected_frames(3, clock.end(), 12);
  CHECK(counts(p.err).frames == expected);

  Probe pr = probe(out);
  CHECK(pr.codec == "gif");
  CHECK(pr.w == 1280);
  CHECK(pr.h == 720);
  CHECK(pr.frames == expected);

  const gui::Theme& th = gui::theme(true);
  // The last frame of playback (the held end adds the compare summary over the view).
  Counts c = counts(p.err);
  auto f = frame_of(out, c.title + c.play - 1, 1280, 720);
  // Two halves, a rule between them, each with its own header label (text pixels at the top left).
  CHECK(f.count(638, 80, 640, 700, th.panel_border, 16) > 1000);
  CHECK(f.count(0, 0, 240, 70, th.text, 50) > 150);
  CHECK(f.count(640, 0, 880, 70, th.text, 50) > 150);
  // Only the sequential server blocks its loop: red hatching on the left half only.
  CHECK(f.count(0, 70, 636, 720, th.blocked, 40) > 300);
  CHECK(f.count(642, 70, 1280, 720, th.blocked, 40) == 0);
  std::remove(out.c_str());
  std::remove(seq.c_str());
  std::remove(conc.c_str());
}

TEST_CASE("a WebM clip is VP9 with fps x duration frames" * doctest::skip(no_ffmpeg()) * doctest::description(kNeedsFfmpeg)) {
  no_display();
  std::string trace = save_trace("taskgroup-cancel");
  std::string out = temp_path("tg.webm");
  Process p = record(trace + " -o " + out + " --fps 10 --size 640x360 --speed 10 --captions --theme light");
  REQUIRE_MESSAGE(p.code == 0, p.err);
  Probe pr = probe(out);
  CHECK(pr.codec == "vp9");
  CHECK(pr.w == 640);
  CHECK(pr.h == 360);
  CHECK(pr.frames == expected_frames(10, story_span(trace), 10));
  // Light theme: the title card's background is the light one.
  auto f = frame_of(out, 3, 640, 360);
  CHECK(f.near(4, 4, gui::theme(false).bg, 8));
  std::remove(out.c_str());
  std::remove(trace.c_str());
}
