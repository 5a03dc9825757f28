// Moving the playhead: by event, task step, iteration or notable event, and
// by time. Each is a binary search over an index kept during replay.
#include <algorithm>

#include "model/model.hpp"

namespace loopscope::model {

namespace {
// First entry after i, or i itself when there is none.
size_t after(const std::vector<uint32_t>& idx, size_t i) {
  auto it = std::upper_bound(idx.begin(), idx.end(), i, [](size_t a, uint32_t b) { return a < b; });
  return it == idx.end() ? i : *it;
}
// Last entry before i, or i itself when there is none.
size_t before(const std::vector<uint32_t>& idx, size_t i) {
  auto it = std::lower_bound(idx.begin(), idx.end(), i, [](uint32_t a, size_t b) { return a < b; });
  return it == idx.begin() ? i : *(it - 1);
}
}  // namespace

size_t Model::index_at_time(int64_t t_ns) const {
  if (applied_ == 0) return 0;
  const std::vector<Event>& ev = events();
  auto it = std::upper_bound(ev.begin(), ev.begin() + ptrdiff_t(applied_), t_ns,
                             [](int64_t t, const Event& e) { return t < e.t_ns; });
  return it == ev.begin() ? 0 : size_t(it - ev.begin()) - 1;
}

size_t Model::next_event(size_t i) const { return applied_ == 0 ? 0 : std::min(i + 1, applied_ - 1); }
size_t Model::prev_event(size_t i) const { return applied_ == 0 ? 0 : std::min(i, applied_) - (i > 0 ? 1 : 0); }
size_t Model::next_step(size_t i) const { return after(steps_, i); }
size_t Model::prev_step(size_t i) const { return before(steps_, i); }
size_t Model::next_iteration(size_t i) const { return after(iterations_, i); }
size_t Model::prev_iteration(size_t i) const { return before(iterations_, i); }
size_t Model::next_notable(size_t i) const { return after(notable_, i); }
size_t Model::prev_notable(size_t i) const { return before(notable_, i); }
bool Model::is_notable(size_t i) const { return std::binary_search(notable_.begin(), notable_.end(), uint32_t(i)); }

}  // namespace loopscope::model
