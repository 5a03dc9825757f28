// Test support for clips: saving a run's trace, recording, and reading the
// result back through ffprobe and ffmpeg (real consumers of the files).
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "gui/pixels.hpp"
#include "gui/session.hpp"
#include "record/encoder.hpp"
#include "record/record.hpp"
#include "support/process.hpp"

namespace loopscope::rec::test {

using loopscope::test::Process;
using loopscope::test::run;
using loopscope::test::temp_path;

// Clips must render with no display at all.
inline void no_display() {
  ::unsetenv("DISPLAY");
  ::unsetenv("WAYLAND_DISPLAY");
}

// For the skip decorators of the video tests (evaluated when tests register):
//   TEST_CASE("..." * doctest::skip(no_ffmpeg()) * doctest::description(kNeedsFfmpeg))
inline bool no_ffmpeg() {
  static const bool missing = std::system("ffmpeg -version >/dev/null 2>&1") != 0 ||
                              std::system("ffprobe -version >/dev/null 2>&1") != 0;
  return missing;
}
constexpr const char* kNeedsFfmpeg = "skipped without ffmpeg/ffprobe on PATH (install ffmpeg)";

inline bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// Runs the scenario for real and saves its trace: clips of a file are reproducible.
inline std::string save_trace(const std::string& id, const std::string& sets = "") {
  std::string path = temp_path(id + ".jsonl");
  Process p = run(loopscope::test::loopscope_cmd("run " + id + " --quiet " + sets + " --events " + path));
  REQUIRE_MESSAGE(p.code == 0, p.err);
  return path;
}

inline Process record(const std::string& args) { return run(loopscope::test::loopscope_cmd("record " + args + " --quiet")); }

// What the summary line says: "N frames (T title + P playback + H hold)".
struct Counts {
  int frames = -1, title = -1, play = -1, hold = -1;
};
inline Counts counts(const std::string& err) {
  Counts c;
  size_t at = err.find(" frames (");
  REQUIRE_MESSAGE(at != std::string::npos, err);
  size_t start = err.rfind(' ', at - 1) + 1;
  REQUIRE(std::sscanf(err.c_str() + start, "%d frames (%d title + %d playback + %d hold)", &c.frames, &c.title,
                      &c.play, &c.hold) == 4);
  return c;
}

// The story span of a whole saved run, from the view's own playback clock.
inline double story_span(const std::string& trace) {
  gui::Session s;
  REQUIRE(s.load(trace) == "");
  gui::Playback pb;
  pb.sync(s.model().events(), 0);
  return pb.story_start(pb.size() - 1);
}

inline int expected_frames(int fps, double span, double speed, bool title = true) {
  return (title ? int(std::lround(fps * kTitleSeconds)) : 0) + int(std::lround(fps * span / speed)) +
         int(std::lround(fps * kHoldSeconds));
}

struct Probe {
  std::string codec;
  int w = 0, h = 0, frames = 0;
};
// ffprobe, decoding every frame to count them.
inline Probe probe(const std::string& path) {
  Process p = run("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                  "stream=codec_name,width,height,nb_read_frames -of default=noprint_wrappers=1 " + path);
  REQUIRE_MESSAGE(p.code == 0, p.err);
  Probe r;
  for (const std::string& l : loopscope::test::lines(p.out)) {
    auto eq = l.find('=');
    if (eq == std::string::npos) continue;
    std::string k = l.substr(0, eq), v = l.substr(eq + 1);
    if (k == "codec_name") r.codec = v;
    if (k == "width") r.w = std::atoi(v.c_str());
    if (k == "height") r.h = std::atoi(v.c_str());
    if (k == "nb_read_frames") r.frames = std::atoi(v.c_str());
  }
  return r;
}

// Frame `n` of a clip, decoded by ffmpeg into RGBA.
inline gui::test::Frame frame_of(const std::string& clip, int n, int w, int h) {
  std::string raw = temp_path("frame.raw");
  Process p = run("ffmpeg -v error -y -i " + clip + " -vf \"select=eq(n\\," + std::to_string(n) +
                  ")\" -vsync 0 -frames:v 1 -f rawvideo -pix_fmt rgba " + raw);
  REQUIRE_MESSAGE(p.code == 0, p.err);
  gui::test::Frame f;
  std::string bytes = loopscope::test::slurp(raw);
  std::remove(raw.c_str());
  REQUIRE(bytes.size() == size_t(w) * size_t(h) * 4);
  f.rgba.assign(bytes.begin(), bytes.end());
  f.w = w, f.h = h;
  return f;
}

}  // namespace loopscope::rec::test
