#include "run_view.hpp"

#include <algorithm>

namespace loopscope::gui {

void track_prints(const model::Model& m, std::vector<size_t>& prints, size_t changed_from) {
  const auto& ev = m.events();
  while (!prints.empty() && prints.back() >= changed_from) prints.pop_back();
  for (size_t i = prints.empty() ? changed_from : std::max(changed_from, prints.back() + 1); i < ev.size(); ++i)
    if (ev[i].kind == Ev::print) prints.push_back(i);
}

bool RunView::poll() {
  bool arrived = session_.poll();
  size_t n = model().size();
  size_t from = std::min(session_.changed_from(), seen_size_);
  if (session_.generation() != seen_generation_) {
    prints_.clear();  // another run: everything derived goes
    from = 0;
    seen_generation_ = session_.generation();
  } else if (!arrived && n == seen_size_) {
    return false;
  }
  track_prints(model(), prints_, from);
  seen_size_ = n;
  ++version_;
  return true;
}

const model::LoopState& RunView::state() const {
  size_t at = model().size() ? std::min(index_, model().size() - 1) : 0;
  if (model().size() == 0) {
    state_.state = {}, state_.index = SIZE_MAX, state_.version = version_;
  } else if (state_.version != version_ || state_.index != at) {
    state_.state = model().state_at(at);
    state_.version = version_, state_.index = at;
  }
  return state_.state;
}

const RunSummary& RunView::summary() const {
  if (summary_.version != version_) summary_.r = summarize(model()), summary_.version = version_;
  return summary_.r;
}

}  // namespace loopscope::gui
