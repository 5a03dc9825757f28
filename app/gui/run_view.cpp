#include "run_view.hpp"

#include <algorithm>

namespace loopscope::gui {

void track_prints(const model::Model& m, std::vector<size_t>& prints, size_t changed_from) {
  const auto& ev = m.events();
  while (!prints.empty() && prints.back() >= changed_from) prints.pop_back();
  for (size_t i = prints.empty() ? changed_from : std::max(changed_from, prints.back() + 1); i < ev.size(); ++i)
    if (ev[i].kind == Ev::print) prints.push_back(i);
}

RunView::RunView() {
  playback_.set_notable([this](size_t i) { return model().is_notable(i); });
}

void RunView::start(const Scenario& s, const Params& p) {
  playback_.clear();
  session_.start(s, p);
  take_in(0);
}

void RunView::start_open(const Params& p, int port, double duration) {
  playback_.clear();
  session_.start_open(p, port, duration);
  take_in(0);
}

void RunView::start_program(const std::string& file, const std::vector<std::string>& args) {
  playback_.clear();
  session_.start_program(file, args);
  take_in(0);
}

std::string RunView::load(const std::string& path) {
  playback_.clear();
  std::string err = session_.load(path);
  if (!err.empty()) return err;
  take_in(0);
  // The teacher's marks saved with the trace (`bookmark` events: `at` is the marked event's seq).
  const auto& ev = model().events();
  for (size_t k = ev.size(); k-- > 0 && ev[k].kind == Ev::bookmark;)
    if (ev[k].num >= 0 && size_t(ev[k].num) < ev.size()) bookmarks_.push_back(size_t(ev[k].num));
  std::sort(bookmarks_.begin(), bookmarks_.end());
  bookmarks_.erase(std::unique(bookmarks_.begin(), bookmarks_.end()), bookmarks_.end());
  return "";
}

bool RunView::poll() {
  bool arrived = session_.poll();
  if (session_.generation() == seen_generation_ && !arrived && model().size() == seen_size_) return false;
  take_in(std::min(session_.changed_from(), seen_size_));
  return true;
}

void RunView::wait() {
  session_.wait();
  take_in(0);
}

void RunView::take_in(size_t from) {
  if (session_.generation() != seen_generation_) {
    prints_.clear(), bookmarks_.clear();  // another run: everything derived goes
    from = 0;
    seen_generation_ = session_.generation();
  }
  playback_.sync(model().events(), from);
  track_prints(model(), prints_, from);
  seen_size_ = model().size();
  ++version_;
}

const model::LoopState& RunView::state() const {
  size_t at = model().size() ? std::min(index(), model().size() - 1) : 0;
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
