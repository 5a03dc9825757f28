// Headless pictures of the view: a whole run rendered at one playhead
// position. Clips build on the same pieces: Headless::frame(app, 1/fps, &rgba)
// with app.playback().playing = true advances playback by exactly one frame
// of playback time, so a clip is the same every time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app.hpp"
#include "platform.hpp"

namespace loopscope::gui {

struct ShotOptions {
  double at_s = -1;  // seconds since the run's first event (as the toolbar's "t ="); < 0: the end of the run
  int w = 1280, h = 720;
  Appearance look;
  const Scenario* compare = nullptr;  // compare mode: this second run under the first
  Params compare_params;
};

// The event --at SECONDS names: the last one at most `at_s` after the run's
// first event (trace times start when the Trace is made, not at run.begin), or
// the last event when at_s < 0.
size_t index_at_seconds(const model::Model& m, double at_s);

// Runs `s` to completion, renders the settled view into `rgba` (w*h*4, top row first).
// Returns "" or a one-line error.
std::string render_shot(const Scenario& s, const Params& p, const ShotOptions& o, std::vector<uint8_t>& rgba);
// The same, written to `path` as PNG (atomically).
std::string screenshot(const Scenario& s, const Params& p, const std::string& path, const ShotOptions& o);
// The same for a saved trace (F.jsonl), loaded instead of run.
std::string render_trace_shot(const std::string& trace, const ShotOptions& o, std::vector<uint8_t>& rgba);
std::string screenshot_trace(const std::string& trace, const std::string& path, const ShotOptions& o);

// Runs `s` to completion inside `app` (rendered by `h`) and takes in its trace.
// Returns "" or a one-line error.
std::string run_to_end(Headless& h, App& app, const Scenario& s, const Params& p);
// Seeks to `event_index`, lets the stage settle and reads the frame back.
void shot_at(Headless& h, App& app, size_t event_index, std::vector<uint8_t>& rgba);
// Frames until the stage's tweens have finished and ImGui's layout is stable.
void settle(Headless& h, App& app);

}  // namespace loopscope::gui
