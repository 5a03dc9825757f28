#include "clip_clock.hpp"

#include <algorithm>
#include <cmath>

#include "model/model.hpp"

namespace loopscope::rec {

void ClipClock::build(const std::vector<std::pair<const model::Model*, const gui::Playback*>>& runs) {
  struct Ref {
    int64_t t;
    size_t side, index;
  };
  std::vector<Ref> refs;
  at_.assign(runs.size(), {});
  own_.assign(runs.size(), {});
  for (size_t s = 0; s < runs.size(); ++s) {
    const model::Model& m = *runs[s].first;
    const auto& ev = m.events();
    for (size_t i = 0; i < ev.size(); ++i) {
      refs.push_back({ev[i].t_ns - m.begin_ns(), s, i});
      own_[s].push_back(runs[s].second->story_start(i));
    }
  }
  // Ties keep run order, then event order: the merge is the same every time.
  std::stable_sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.t < b.t; });
  merged_.clear();
  for (const Ref& r : refs) {
    Event e = runs[r.side].first->events()[r.index];
    e.t_ns = r.t;
    merged_.push_back(e);
  }
  clock_.clear();
  clock_.sync(merged_, 0);
  for (size_t k = 0; k < refs.size(); ++k) at_[refs[k].side].push_back(clock_.story_start(k));
  end_ = merged_.empty() ? 0 : clock_.story_start(merged_.size() - 1);
}

double ClipClock::story_at(double run_s, bool inclusive_end) const {
  int64_t t = int64_t(std::llround(run_s * 1e9));
  auto it = inclusive_end ? std::upper_bound(merged_.begin(), merged_.end(), t,
                                             [](int64_t v, const Event& e) { return v < e.t_ns; })
                          : std::lower_bound(merged_.begin(), merged_.end(), t,
                                             [](const Event& e, int64_t v) { return e.t_ns < v; });
  if (it == merged_.end()) return end_;
  return std::min(end_, clock_.story_start(size_t(it - merged_.begin())));
}

double ClipClock::side_story(size_t side, double s) const {
  if (at_.size() == 1) return s;  // one run: the clip's clock is its own
  const auto& at = at_[side];
  const auto& own = own_[side];
  if (at.empty()) return 0;
  size_t j = size_t(std::upper_bound(at.begin(), at.end(), s) - at.begin());
  if (j == 0) return own.front();
  --j;
  if (j + 1 >= at.size()) return own.back();
  double f = (s - at[j]) / (at[j + 1] - at[j]);
  return own[j] + std::clamp(f, 0.0, 1.0) * (own[j + 1] - own[j]);
}

}  // namespace loopscope::rec
