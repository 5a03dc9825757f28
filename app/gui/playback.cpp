#include "playback.hpp"

#include <algorithm>

namespace loopscope::gui {

double slot_base(Ev kind) {
  switch (kind) {
    case Ev::step_begin: case Ev::ready_push: case Ev::timer_fire: case Ev::task_done: case Ev::print:
    case Ev::task_cancel: case Ev::block_begin: case Ev::block_end: case Ev::io_done: case Ev::pool_submit:
    case Ev::pool_start: case Ev::pool_end: case Ev::deadlock: case Ev::task_unretrieved: case Ev::queue_put:
    case Ev::queue_get:
      return kNotableSlot;
    default:
      return kBookkeepingSlot;
  }
}

void Playback::clear() {
  start_.clear();
  t_ns_.clear();
  t_ = 0;
  index_ = 0;
  playing = false;
}

void Playback::sync(const std::vector<Event>& ev, size_t changed_from) {
  // The slot of event i depends on event i+1's time, so recompute one earlier.
  size_t from = std::min(changed_from, t_ns_.size());
  if (from > 0) --from;
  t_ns_.resize(from);
  start_.resize(from + 1);
  if (from == 0) start_[0] = 0;
  for (size_t i = from; i < ev.size(); ++i) {
    t_ns_.push_back(ev[i].t_ns);
    double gap = i + 1 < ev.size() ? double(ev[i + 1].t_ns - ev[i].t_ns) / 1e9 : 0.0;
    start_.push_back(start_[i] + slot_base(ev[i].kind) + std::clamp(gap, 0.0, kMaxGapSlot));
  }
  seek_story(t_);
}

double Playback::fraction() const {
  if (index_ + 1 >= start_.size()) return 0;
  double len = start_[index_ + 1] - start_[index_];
  return len > 0 ? std::clamp((t_ - start_[index_]) / len, 0.0, 1.0) : 0.0;
}

void Playback::seek(size_t i) {
  if (size() == 0) return seek_story(0);
  i = std::min(i, size() - 1);
  t_ = start_[i];
  index_ = i;
}

void Playback::seek_story(double t) {
  if (size() == 0) {
    t_ = 0, index_ = 0;
    return;
  }
  t_ = std::clamp(t, 0.0, start_[size() - 1]);  // the last event is where playback ends
  auto it = std::upper_bound(start_.begin(), start_.end() - 1, t_);
  index_ = std::min(size_t(it - start_.begin()) - 1, size() - 1);
}

void Playback::tick(double dt) {
  if (!playing || size() == 0) return;
  seek_story(t_ + dt * speed);
  if (t_ >= start_[size() - 1]) playing = false;
}

}  // namespace loopscope::gui
