#include "clip_clock.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "model/model.hpp"

namespace loopscope::rec {

void ClipClock::build(const std::vector<std::pair<const model::Model*, const gui::Playback*>>& runs, double pause) {
  struct Ref {
    int64_t t;
    size_t side, index;
  };
  std::vector<Ref> refs;
  at_.assign(runs.size(), {});
  t_.assign(runs.size(), {});
  own_.clear();
  clock_.clear();
  single_ = nullptr;
  if (runs.size() == 1) {
    const gui::Playback& own = *runs[0].second;
    assert(own.pause() == pause);
    (void)pause;
    single_ = &own, begin_ns_ = runs[0].first->begin_ns();
    end_ = own.size() == 0 ? 0 : own.story_start(own.size() - 1);
    return;
  }
  // Sized up front: growing these by doubling would briefly hold twice a big trace.
  size_t total = 0;
  for (const auto& r : runs) total += r.first->size();
  refs.reserve(total);
  for (size_t s = 0; s < runs.size(); ++s) t_[s].reserve(runs[s].first->size()), at_[s].reserve(runs[s].first->size());
  for (size_t s = 0; s < runs.size(); ++s) {
    const model::Model& m = *runs[s].first;
    own_.push_back(runs[s].second);
    const auto& ev = m.events();
    for (size_t i = 0; i < ev.size(); ++i) {
      refs.push_back({ev[i].t_ns - m.begin_ns(), s, i});
      t_[s].push_back(ev[i].t_ns - m.begin_ns());
    }
  }
  // Ties keep run order, then event order: the merge is the same every time.
  // One run is in order already (then stable_sort's buffer would only cost memory).
  auto by_time = [](const Ref& a, const Ref& b) { return a.t < b.t; };
  if (!std::is_sorted(refs.begin(), refs.end(), by_time)) std::stable_sort(refs.begin(), refs.end(), by_time);
  // The clock reads the merged events in place: no copy of them is kept.
  clock_.set_notable([&](size_t k) { return runs[refs[k].side].first->is_notable(refs[k].index); });
  clock_.set_pause(pause);
  clock_.sync(refs.size(), 0, [&](size_t k) {
    return gui::Playback::Moment{refs[k].t, runs[refs[k].side].first->events()[refs[k].index].kind};
  });
  clock_.set_notable({});
  for (size_t k = 0; k < refs.size(); ++k) at_[refs[k].side].push_back(k);
  end_ = refs.empty() ? 0 : clock_.story_start(refs.size() - 1);
}

double ClipClock::story_at(double run_s) const {
  int64_t t = int64_t(std::llround(run_s * 1e9));
  return std::min(end_, single_ ? single_->story_of_trace(begin_ns_ + t) : clock_.story_of_trace(t));
}

double ClipClock::side_story(size_t side, double s) const {
  if (single_) return s;
  const auto& at = at_[side];
  const gui::Playback& own = *own_[side];
  if (at.empty() || own.size() == 0) return 0;
  size_t k = clock_.index_at(s);
  size_t n = size_t(std::upper_bound(at.begin(), at.end(), k) - at.begin());
  if (n == 0) return 0;  // its first event is still to come
  size_t j = std::min(n - 1, own.size() - 1);
  // On its own event's hold and attention: the same share of its own.
  double a = clock_.story_start(k), g = clock_.gap_start(k);
  if (at[j] == k && s < g && g > a) return own.story_start(j) + (s - a) / (g - a) * (own.gap_start(j) - own.story_start(j));
  // Otherwise it moves on through real time, up to (not into) its next event.
  double story = own.gap_start(j) + double(clock_.trace_at(s) - t_[side][j]) / 1e9;
  if (j + 1 < own.size()) story = std::min(story, std::max(own.gap_start(j), own.story_start(j + 1) - 1e-9));
  return story;
}

}  // namespace loopscope::rec
