// The clip's clock. A clip advances story time (see gui/playback.hpp) by
// speed/fps per frame. The clock runs over every run's events merged by trace
// time (one run, or two side by side), so in a compare clip both playheads
// stand at the same moment of the run on one real-time axis, while every event
// of either run still gets its moment. Each run's own playhead is derived
// from the merged clock: on its own event's hold and attention it stands on
// that event; through real gaps (its own or the other run's events) it moves
// on in real time, so a run that is blocked, or simply has nothing to do,
// still has a playhead that moves with the other one.
//
// One run is its own merged clock: the clock then reads that run's playback
// (set to the clip's pause) instead of building a second one, which for a
// 10^6-event trace saves about 60 MB.
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
  // One entry per run: its model and its own playback (already synced to the
  // model; they must outlive the clock). `pause` holds on each notable event
  // (--pause-at-notable). A single run's playback must already pause so long.
  void build(const std::vector<std::pair<const model::Model*, const gui::Playback*>>& runs, double pause = 0);

  // Story time where the clip's playheads reach `run_s` seconds of run time
  // (trace t_ns since the run began): every event at or before it has been shown.
  double story_at(double run_s) const;
  double end() const { return end_; }  // where playback of the last event starts
  // Run `side`'s own story time at clip story time `s`.
  double side_story(size_t side, double s) const;
  // Run time (ns since the runs began) at clip story time `s`.
  int64_t run_ns(double s) const { return single_ ? single_->trace_at(s) - begin_ns_ : clock_.trace_at(s); }

 private:
  const gui::Playback* single_ = nullptr;    // one run: its own playback is the clock
  int64_t begin_ns_ = 0;                     // one run: where its run time starts
  gui::Playback clock_;                      // story slots over both runs' events merged by relative t_ns
  std::vector<std::vector<size_t>> at_;      // per run: merged position of each of its events
  std::vector<std::vector<int64_t>> t_;      // per run: relative trace time of each of its events
  std::vector<const gui::Playback*> own_;    // per run: its own clock
  double end_ = 0;
};

}  // namespace loopscope::rec
