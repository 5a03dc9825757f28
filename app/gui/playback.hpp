// Playback: where the playhead is, as "story time".
//
// The timeline's x-axis is real trace time (truthful), but real time is a bad
// clock to watch: microsecond steps vanish and a 2 s sleep is an eternity. So
// playback runs on story time: each event gets a slot (longer for the events a
// student should see, short for bookkeeping) plus the real gap to the next
// event, capped, so a long sleep still feels like a wait. The playhead is an
// event index plus a fraction of that event's slot.
#pragma once

#include <cstddef>
#include <vector>

#include "core/trace.hpp"

namespace loopscope::gui {

// Story-time slot lengths at 1x, in seconds.
constexpr double kNotableSlot = 0.35;
constexpr double kBookkeepingSlot = 0.08;
constexpr double kMaxGapSlot = 1.5;
double slot_base(Ev kind);

class Playback {
 public:
  // Extends the slot table to `events` (recomputing from `changed_from`).
  void sync(const std::vector<Event>& events, size_t changed_from);
  void clear();

  // Advances story time by dt * speed when playing; stops at the end.
  void tick(double dt);

  size_t size() const { return start_.empty() ? 0 : start_.size() - 1; }
  size_t index() const { return index_; }
  double fraction() const;  // 0..1 within the current event's slot
  double story_time() const { return t_; }
  double story_end() const { return start_.empty() ? 0 : start_.back(); }
  double story_start(size_t i) const { return i < start_.size() ? start_[i] : story_end(); }

  void seek(size_t i);        // to the start of event i's slot
  void seek_story(double t);  // anywhere
  bool at_end() const { return size() == 0 || index_ + 1 >= size(); }

  bool playing = false;
  double speed = 1.0;  // 0.1x .. 10x

 private:
  std::vector<double> start_;  // start_[i]: story start of event i; start_[n] = end of the last slot
  std::vector<int64_t> t_ns_;  // to recompute gaps when later events arrive
  double t_ = 0;
  size_t index_ = 0;
};

}  // namespace loopscope::gui
