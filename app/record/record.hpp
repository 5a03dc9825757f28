// `loopscope record`: a run, or two runs side by side, turned into a clip.
//
// The runs happen first, for real and to completion (headless); then the view
// is rendered off-screen frame by frame, each frame advancing playback story
// time by exactly speed/fps. Nothing in a frame depends on wall time, so the
// same trace and options give the same frames, byte for byte.
//
// A clip is: the title card (kTitleSeconds, fading into the view over its
// last kFadeSeconds), then the playback from --from to --to, then the last
// frame held for --hold seconds (default kHoldSeconds) so the end can be read;
// a compare clip shows its summary over the held end. Frame count:
//   round(fps * kTitleSeconds) + round(fps * story span / speed) + round(fps * hold)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/view_args.hpp"
#include "encoder.hpp"
#include "gui/app.hpp"

namespace loopscope::rec {

constexpr double kTitleSeconds = gui::kClipTitleSeconds;
constexpr double kFadeSeconds = 0.5;
constexpr double kHoldSeconds = gui::kClipHoldSeconds;  // default --hold
constexpr double kMinSpeed = 0.05, kMaxSpeed = 20;  // --speed

class Overlay;

struct ClipOptions {
  std::string out;
  Format format = Format::png;
  std::vector<cli::RunInput> runs;  // one; two for a compare clip (side by side)
  int fps = 30, w = 1280, h = 720;
  double from_s = -1, to_s = -1;  // run time (trace t_ns since the run began); < 0: start / end
  double speed = 1.0;
  double hold_s = kHoldSeconds;  // the last frame, held
  double pause_s = 0;            // held on each notable event (--pause-at-notable)
  bool title = true, captions = false, progress = true;
  bool progress_lines = false;  // a progress line at each percent (for the GUI), even on a terminal
  gui::Appearance look;
  // Tests: called after each side of each drawn frame with its App and overlay (frame number, side).
  std::function<void(int, size_t, const gui::App&, const Overlay&)> inspect;
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
