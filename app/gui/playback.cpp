#include "playback.hpp"

#include "core/reserve.hpp"

#include <algorithm>
#include <cmath>

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
  t_ns_.clear();
  kind_.clear();
  notable_.clear();
  level_.clear();
  att_.clear();
  start_.clear();
  ++version_, last_from_ = 0;
  t_ = 0;
  index_ = 0;
  playing = false;
}

void Playback::reserve(size_t n) {
  t_ns_.reserve(n), kind_.reserve(n), notable_.reserve(n);
  level_.reserve(n), att_.reserve(n), start_.reserve(n + 1);
}

void Playback::sync(const std::vector<Event>& ev, size_t changed_from) {
  sync(ev.size(), changed_from, [&ev](size_t i) { return Moment{ev[i].t_ns, ev[i].kind}; });
}

void Playback::sync(size_t n, size_t changed_from, const std::function<Moment(size_t)>& at) {
  // The slot of event i depends on event i+1's time, so recompute one earlier.
  size_t from = std::min(changed_from, t_ns_.size());
  if (from > 0) --from;
  t_ns_.resize(from);
  kind_.resize(from);
  notable_.resize(from);
  reserve_for(t_ns_, n);
  reserve_for(kind_, n);
  reserve_for(notable_, n);
  for (size_t i = from; i < n; ++i) {
    const Moment m = at(i);
    t_ns_.push_back(m.t_ns);
    kind_.push_back(m.kind);
    notable_.push_back(notable_of_ && notable_of_(i) ? 1 : 0);
  }
  recompute(from);
}

void Playback::set_pause(double seconds) {
  if (seconds == pause_) return;
  // Stay on the same event, at the same point of its slot.
  size_t i = index_;
  double f = fraction();
  pause_ = std::max(0.0, seconds);
  recompute(0);
  if (i < size()) seek_story(start_[i] + hold(i) + f * (start_[i + 1] - start_[i] - hold(i)));
}

void Playback::recompute(size_t from) {
  size_t n = t_ns_.size();
  from = std::min(from, n);
  ++version_, last_from_ = from;
  level_.resize(from), att_.resize(from);
  start_.resize(from + 1);
  reserve_for(level_, n), reserve_for(att_, n), reserve_for(start_, n + 1);
  if (from == 0) start_[0] = 0;
  double level = kAttention;
  if (from > 0)
    level = std::min(kAttention, std::max(0.0, level_[from - 1] - att_[from - 1]) +
                                     kRefillPerSecond * std::max(0.0, double(t_ns_[from] - t_ns_[from - 1]) / 1e9));
  for (size_t i = from; i < n; ++i) {
    level_.push_back(level);
    // Full attention while the bucket is full, less as a burst drains it.
    double att = std::max(kMinSlot, slot_base(kind_[i]) * level / kAttention);
    double gap = i + 1 < n ? double(t_ns_[i + 1] - t_ns_[i]) / 1e9 : 0.0;
    att_.push_back(att);
    start_.push_back(start_[i] + hold(i) + att + std::max(gap, 0.0));
    level = std::min(kAttention, std::max(0.0, level - att) + kRefillPerSecond * std::max(gap, 0.0));
  }
  seek_story(t_);
}

size_t Playback::index_at(double story) const {
  if (size() == 0) return 0;
  auto it = std::upper_bound(start_.begin(), start_.end() - 1, story);
  if (it == start_.begin()) return 0;
  return std::min(size_t(it - start_.begin()) - 1, size() - 1);
}

int64_t Playback::trace_at(double story) const {
  if (size() == 0) return 0;
  size_t i = index_at(story);
  double into_gap = std::max(0.0, story - gap_start(i));
  if (i + 1 >= size()) return t_ns_[i];
  return std::min(t_ns_[i + 1], t_ns_[i] + int64_t(std::llround(into_gap * 1e9)));
}

double Playback::story_of_trace(int64_t t) const {
  if (size() == 0) return 0;
  auto it = std::upper_bound(t_ns_.begin(), t_ns_.end(), t);
  if (it == t_ns_.begin()) return 0;
  size_t i = size_t(it - t_ns_.begin()) - 1;
  if (i + 1 >= size()) return start_[size() - 1];
  return std::min(start_[i + 1], gap_start(i) + double(t - t_ns_[i]) / 1e9);
}

double Playback::fraction() const {
  if (index_ + 1 >= start_.size()) return 0;
  double a = start_[index_] + hold(index_), len = start_[index_ + 1] - a;
  return len > 0 ? std::clamp((t_ - a) / len, 0.0, 1.0) : 0.0;
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
  index_ = index_at(t_);
}

void Playback::tick(double dt) {
  if (!playing || size() == 0) return;
  seek_story(t_ + dt * speed);
  if (t_ >= start_[size() - 1]) playing = false;
}

}  // namespace loopscope::gui
