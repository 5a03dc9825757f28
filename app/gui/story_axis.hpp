// The timeline's by-iteration axis: the playback's story clock (every event a
// slot, long waits squeezed), except that time the loop spends blocked is the
// lesson and is never squeezed: blocked stretches take at least the share of
// the axis they take of the run's real time, so a 250 ms block in a 0.7 s run
// spans a third of the plot instead of one event's slot. Everything else
// keeps its story width.
//
// Kept per event as two running sums, the story start and the blocked real
// time before the event, so that event i's axis position is
//   start(i) = story(i) + (k - 1) * blocked(i)
// with k, the blocked stretch, a property of the whole run. A live run that
// grows by a few events a frame extends the sums over the new events only
// (and recomputes from where the playback says its slots changed: a late
// worker event lands in the middle), instead of rescanning the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/trace.hpp"
#include "playback.hpp"

namespace loopscope::gui {

class StoryAxis {
 public:
  // Brings the axis to the first min(events, playback) events of run `generation`.
  void update(const std::vector<Event>& ev, const Playback& pb, uint64_t generation);
  // Forgets everything: the next update rescans the run.
  void reset() { *this = StoryAxis(); }

  size_t size() const { return n_; }
  // Blocked gaps are drawn k times their real length (>= 1).
  double k() const { return k_; }
  // Event i's axis position (ns of axis).
  double start(size_t i) const { return story_[i] + (k_ - 1) * blocked_[i]; }
  // Whether the gap after event i is time the loop thread spends inside a blocking call.
  bool blocked_after(size_t i) const { return i + 1 < n_ && depth_[i] > 0; }
  // The last index i with start(i) <= u (0 when none).
  size_t index_at(double u) const;
  // How many events the last update (re)computed: what it cost.
  size_t last_work() const { return work_; }

 private:
  uint64_t gen_ = UINT64_MAX, pb_version_ = 0;
  size_t n_ = 0, work_ = 0;
  double k_ = 1;
  std::vector<double> story_;    // the playback's story start of event i, in ns
  std::vector<double> blocked_;  // real ns spent blocked before event i
  std::vector<int32_t> depth_;   // block.begin / block.end nesting after event i
};

}  // namespace loopscope::gui
