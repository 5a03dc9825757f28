// Compare mode: a second run on run 1's real-time axis (one axis, two
// playheads), with a strip of what each run cost (compare.hpp's numbers).
// It owns the second run and reads run 1; the App draws the second timeline
// from run() and applies the rest of the view to whichever run has the focus.
#pragma once

#include <cstdint>
#include <string>

#include "run_view.hpp"
#include "theme.hpp"

struct ImVec2;

namespace loopscope::gui {

class CompareView {
 public:
  bool on() const { return on_; }
  RunView& run() { return run2_; }
  const RunView& run() const { return run2_; }
  void start(const Scenario& s, const Params& p);
  std::string load(const std::string& path);  // a saved trace as the second run; "" or an error
  void stop() { on_ = false; }
  // Compare mode shows the stage only when asked (key 1).
  bool stage() const { return stage_; }
  void toggle_stage() { stage_ = !stage_; }
  // Which run Code, Why and Console follow (Tab switches): 0 or 1.
  int focus() const { return on_ ? focus_ : 0; }
  void toggle_focus() { focus_ = on_ ? 1 - focus_ : 0; }

  // Run 2's playhead: the same real time since its first event as run 1's (at `playhead_ns`).
  void follow(const RunView& run1, int64_t playhead_ns);
  // "1: id k=v ...": run `which`'s title, as much as fits `width` (the parameters the runs share go first).
  std::string title(const RunView& run1, int which, const Fonts& fonts, float width) const;
  // The summary strip (a panel of `size`); x0..y1: where it was drawn.
  void draw_summary(const RunView& run1, const Fonts& fonts, const Theme& th, const ImVec2& size, float& x0, float& y0,
                    float& x1, float& y1) const;
  float summary_rows(const RunView& run1, float width, float px) const;  // text rows the strip needs at this width

 private:
  RunView run2_;  // idle while compare mode is off
  bool on_ = false, stage_ = false;
  int focus_ = 0;
};

}  // namespace loopscope::gui
