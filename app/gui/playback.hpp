// Playback: where the playhead is, as "story time".
//
// The timeline's x-axis is real trace time (truthful), but real time is a bad
// clock to watch: microsecond steps vanish in a blink. So playback runs on
// story time. Each event's slot is
//   [hold][attention][real gap to the next event]
// - the real gap is kept whole: at 1x nothing plays faster than it happened,
//   so a 2 s block lasts 2 s and a clip of a 0.65 s program is a few seconds;
// - attention is a moment to see the event: kNotableSlot for the events a
//   student should see, kBookkeepingSlot for the rest, paid out of a bucket
//   of kAttention seconds that real time refills (kRefillPerSecond). A burst
//   of hundreds of events in a millisecond (a set-up phase, a server's
//   requests arriving) drains it, and its later events flash by at kMinSlot;
//   after a real pause the next events get full attention again;
// - the hold (pause_at_notable, 0 by default) stands still on each notable
//   event (a block, a slow step, a cancellation, an error: Model::is_notable).
// Every slot depends only on the events up to the next one, so events that
// arrive later (a live run) extend the clock without moving what came before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/trace.hpp"

namespace loopscope::gui {

// Story-time pacing at 1x, in seconds.
constexpr double kNotableSlot = 0.35;
constexpr double kBookkeepingSlot = 0.08;
constexpr double kMinSlot = 0.004;
constexpr double kAttention = 1.5;
constexpr double kRefillPerSecond = 4.0;
double slot_base(Ev kind);

class Playback {
 public:
  // Extends the slot table to `events` (recomputing from `changed_from`).
  void sync(const std::vector<Event>& events, size_t changed_from);
  // The same over n events that live elsewhere: `at(i)` gives event i's time
  // and kind, all a slot needs (the clip clock merges runs without copying events).
  struct Moment {
    int64_t t_ns;
    Ev kind;
  };
  void sync(size_t n, size_t changed_from, const std::function<Moment(size_t)>& at);
  void clear();
  // Room for n events at once (a live program's, up to the recorder's limit):
  // its tables then grow without a copy of all of them in one frame.
  void reserve(size_t n);
  // Which events are notable (event index -> yes), asked once per event in sync.
  void set_notable(std::function<bool(size_t)> notable) { notable_of_ = std::move(notable); }
  // Story seconds to stand still on each notable event (0: none). The playhead
  // stays on the event it is on.
  void set_pause(double seconds);
  double pause() const { return pause_; }

  // Advances story time by dt * speed when playing; stops at the end.
  void tick(double dt);

  size_t size() const { return start_.empty() ? 0 : start_.size() - 1; }
  size_t index() const { return index_; }
  double fraction() const;  // 0..1 through the current event's slot, after its hold
  double story_time() const { return t_; }
  double story_end() const { return start_.empty() ? 0 : start_.back(); }
  double story_start(size_t i) const { return i < start_.size() ? start_[i] : story_end(); }
  // Where event i's real gap begins (after its hold and attention).
  double gap_start(size_t i) const { return i < size() ? start_[i] + hold(i) + att_[i] : story_end(); }
  bool holding() const { return index_ < size() && t_ < start_[index_] + hold(index_); }

  // Trace time (ns) at the playhead: the current event's time, moving on
  // through the real gap to the next one. The timeline's playhead stands here.
  int64_t trace_now() const { return trace_at(t_); }
  int64_t trace_at(double story) const;
  size_t index_at(double story) const;  // the event whose slot holds `story`
  // The inverse: where the playhead reaches trace time t (ns): past the last
  // event at or before t, into its real gap (the next event's start at most).
  double story_of_trace(int64_t t) const;

  void seek(size_t i);        // to the start of event i's slot
  void seek_story(double t);  // anywhere
  bool at_end() const { return size() == 0 || index_ + 1 >= size(); }

  bool playing = false;
  double speed = 1.0;  // 0.1x .. 10x

  // Every change of the slot table bumps version(); changed_since(v) is the
  // first event whose slot may differ from what it was at version v (SIZE_MAX:
  // none), so what is derived from the slots can be extended, not rebuilt.
  uint64_t version() const { return version_; }
  size_t changed_since(uint64_t v) const {
    return v == version_ ? SIZE_MAX : v + 1 == version_ ? last_from_ : 0;
  }

 private:
  void recompute(size_t from);

  // Event i's hold: the pause on a notable event (derived, not stored: a
  // 10^6-event trace keeps two clocks when recorded).
  double hold(size_t i) const { return notable_[i] ? pause_ : 0.0; }

  // Per event: its time, kind (for its base attention), whether notable; then the computed slot.
  std::vector<int64_t> t_ns_;
  std::vector<Ev> kind_;
  std::vector<uint8_t> notable_;
  std::vector<double> level_;  // attention left in the bucket before event i
  std::vector<double> att_;
  std::vector<double> start_;  // start_[i]: story start of event i; start_[n] = end of the last slot
  std::function<bool(size_t)> notable_of_;
  double pause_ = 0;
  uint64_t version_ = 0;
  size_t last_from_ = 0;  // the first slot the latest change recomputed
  double t_ = 0;
  size_t index_ = 0;
};

}  // namespace loopscope::gui
