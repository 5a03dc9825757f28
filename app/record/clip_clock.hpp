// The clip's clock. A clip advances story time (see gui/playback.hpp) by
// speed/fps per frame. With one run, story time is that run's own. With two
// runs side by side, the clock runs over both runs' events merged by trace
// time, so both playheads stand at the same moment of the run (one time axis)
// while every event of either run still gets its slot; each run's own story
// time is interpolated between the merged starts of its events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/trace.hpp"
#include "gui/playback.hpp"

namespace loopscope::model {
class Model;
}

namespace loopscope::rec {

class ClipClock {
 public:
  // One entry per run: its model and its playback (already synced to the model).
  void build(const std::vector<std::pair<const model::Model*, const gui::Playback*>>& runs);

  // Story time where the clip stands at `run_s` seconds of run time (trace
  // t_ns since the run began): the start of the first event at or after it.
  // With `inclusive_end`, events at exactly `run_s` are kept before it.
  double story_at(double run_s, bool inclusive_end = false) const;
  double end() const { return end_; }  // where playback of the last event starts
  // Run `side`'s own story time at clip story time `s`.
  double side_story(size_t side, double s) const;

 private:
  std::vector<Event> merged_;               // both runs' events, t_ns relative to each run's start
  gui::Playback clock_;                     // story slots over merged_
  std::vector<std::vector<double>> at_;     // per run: merged story start of each of its events
  std::vector<std::vector<double>> own_;    // per run: its own story start of each event
  double end_ = 0;
};

}  // namespace loopscope::rec
