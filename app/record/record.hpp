// `loopscope record`: a run, or two runs side by side, turned into a clip.
//
// The runs happen first, for real and to completion (headless); then the view
// is rendered off-screen frame by frame, each frame advancing playback story
// time by exactly speed/fps. Nothing in a frame depends on wall time, so the
// same trace and options give the same frames, byte for byte.
//
// A clip is: the title card (kTitleSeconds, fading into the view over its
// last kFadeSeconds), then the playback from --from to --to, then the last
// frame held for kHoldSeconds so the end can be read. Frame count:
//   round(fps * kTitleSeconds) + round(fps * story span / speed) + round(fps * kHoldSeconds)
#pragma once

#include <string>
#include <vector>

#include "encoder.hpp"
#include "gui/app.hpp"

namespace loopscope::rec {

constexpr double kTitleSeconds = 2.5;
constexpr double kFadeSeconds = 0.5;
constexpr double kHoldSeconds = 1.0;
constexpr double kMinSpeed = 0.05, kMaxSpeed = 20;  // --speed

struct RunSource {
  std::string scenario;  // a scenario id, run for real...
  std::string trace;     // ...or a saved JSON Lines trace, replayed
  std::vector<std::string> sets;
};

struct ClipOptions {
  std::string out;
  Format format = Format::png;
  std::vector<RunSource> runs;  // one; two for a compare clip (side by side)
  int fps = 30, w = 1280, h = 720;
  double from_s = -1, to_s = -1;  // run time (trace t_ns since the run began); < 0: start / end
  double speed = 1.0;
  bool title = true, captions = false, progress = true;
  bool progress_lines = false;  // a progress line at each percent (for the GUI), even on a terminal
  gui::Appearance look;
};

// How many frames each part of the clip gets.
struct ClipPlan {
  double story_from = 0, story_to = 0;
  int title_frames = 0, play_frames = 0, hold_frames = 0;
  int frames() const { return title_frames + play_frames + hold_frames; }
};

struct ClipReport {
  std::string error;  // "" when the clip was written
  bool interrupted = false;
  bool usage = false;  // refused for its options (too long a clip): exit status 2
  ClipPlan plan;
  double run_wall_s = 0;     // running (or loading) the runs
  double render_wall_s = 0;  // rendering and encoding every frame
};

ClipReport record_clip(const ClipOptions& o);

// Ctrl-C: the clip stops after the current frame and its partial output is removed.
void request_stop();

int cmd_record(const std::vector<std::string>& args);

}  // namespace loopscope::rec
