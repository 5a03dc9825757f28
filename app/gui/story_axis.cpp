#include "story_axis.hpp"

#include <algorithm>

namespace loopscope::gui {

void StoryAxis::update(const std::vector<Event>& ev, const Playback& pb, uint64_t generation) {
  size_t n = std::min(ev.size(), pb.size());
  size_t from = 0;
  if (generation == gen_) from = std::min(pb.changed_since(pb_version_), n_);
  gen_ = generation, pb_version_ = pb.version();
  from = std::min(from, n);
  work_ = n - from;
  if (from == n && n == n_) return;
  story_.resize(n), blocked_.resize(n), depth_.resize(n);
  for (size_t i = from; i < n; ++i) {
    int32_t d = i ? depth_[i - 1] : 0;
    // Gaps the loop thread spends inside a blocking call (block.begin .. block.end, any loop).
    blocked_[i] = i ? blocked_[i - 1] + (d > 0 ? double(ev[i].t_ns - ev[i - 1].t_ns) : 0.0) : 0.0;
    if (ev[i].kind == Ev::block_begin) ++d;
    else if (ev[i].kind == Ev::block_end) d = std::max(0, d - 1);
    depth_[i] = d;
    story_[i] = pb.story_start(i) * 1e9;
  }
  n_ = n;
  if (n == 0) {
    k_ = 1;
    return;
  }
  double real = double(ev[n - 1].t_ns - ev[0].t_ns), story = story_[n - 1], blocked_ns = blocked_[n - 1];
  // Blocked gaps drawn k times their real length: the axis's total T = (story - blocked) + k * blocked,
  // and a share of T equal to their share of real time: k * blocked / T = blocked / real.
  double frac = real > 0 ? std::min(blocked_ns / real, 0.9) : 0;
  double k = frac > 0 ? (story - blocked_ns) / (1 - frac) / real : 1;
  k_ = std::max(1.0, k);
}

size_t StoryAxis::index_at(double u) const {
  // start() is strictly increasing (every slot has a length): binary search.
  size_t lo = 0, hi = n_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (start(mid) <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo == 0 ? 0 : lo - 1;
}

}  // namespace loopscope::gui
