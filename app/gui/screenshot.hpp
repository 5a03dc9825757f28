// Headless pictures of the view: runs rendered at one playhead position.
// Clips build on the same pieces (open_run, settle) with their own clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app.hpp"
#include "cli/view_args.hpp"
#include "platform.hpp"

namespace loopscope::gui {

struct ShotOptions {
  double at_s = -1;  // seconds since the run's first event (as the toolbar's "t ="); < 0: the end of the run
  int w = 1280, h = 720;
  Appearance look;
  // Predict mode: question `predict` (1 = the quiz's first) open, as the gate
  // asks it; `reveal`: answered right, its explanation shown. 0: no quiz.
  int predict = 0;
  bool reveal = false;
};

// The event --at SECONDS names: the last one at most `at_s` after the run's
// first event (trace times start when the Trace is made, not at run.begin), or
// the last event when at_s < 0.
size_t index_at_seconds(const model::Model& m, double at_s);

// Shows `in` in `app` (rendered by `h`): runs its scenario to completion on a
// real loop, or loads its saved trace. Returns "" or a one-line error.
std::string open_run(Headless& h, App& app, const cli::RunInput& in);
// Runs `s` to completion inside `app` and takes in its trace ("" or an error).
std::string run_to_end(Headless& h, App& app, const Scenario& s, const Params& p);
// The same for compare mode's second run.
std::string open_compare(Headless& h, App& app, const cli::RunInput& in);

// Predict mode with the quiz's `n`th question (1-based) open, as the window's
// gate asks it; `reveal`: answered right. Returns "" or a one-line error.
std::string open_question(Headless& h, App& app, int n, bool reveal);

// Renders runs[0] (with runs[1] in compare mode, when given) at o.at_s into
// `rgba` (w*h*4, top row first). Returns "" or a one-line error.
std::string render_shot(const std::vector<cli::RunInput>& runs, const ShotOptions& o, std::vector<uint8_t>& rgba);
// The same, written to `path` as PNG (atomically).
std::string screenshot(const std::vector<cli::RunInput>& runs, const std::string& path, const ShotOptions& o);

// Seeks to `event_index`, lets the stage settle and reads the frame back.
void shot_at(Headless& h, App& app, size_t event_index, std::vector<uint8_t>& rgba);
// Frames until the stage's tweens have finished and ImGui's layout is stable.
void settle(Headless& h, App& app);

}  // namespace loopscope::gui
