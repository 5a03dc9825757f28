#include "run_view.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/trace_schema.hpp"

namespace loopscope::gui {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t n = s.find('\n', p);
    if (n == std::string::npos) n = s.size();
    if (n == s.size() && p == s.size()) break;
    out.push_back(s.substr(p, n - p));
    p = n + 1;
  }
  return out;
}

std::string run_label(const Session& s) {
  if (!s.scenario()) return "(saved trace)";
  std::string out = s.scenario()->id;
  for (const auto& [k, v] : s.params().values) out += "  " + k + "=" + v;
  return out;
}

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
  playback_.reserve(Session::kLiveProgramEvents);
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
    uses_ = {}, program_ = {}, memo_ = {};
    listing_lines_ = split_lines(session_.listing());  // a run's listing is set when it starts or loads
    from = 0;
    seen_generation_ = session_.generation();
  }
  playback_.sync(model().events(), from);
  track_prints(model(), prints_, from);
  // The incremental scans go back to `from`: what the stage uses only grows
  // (events changed in the middle are new ones), a program's scan starts over.
  uses_.n = std::min(uses_.n, from);
  if (program_.n > from) program_ = {};
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

const StageUses& RunView::stage_uses() const {
  const auto& ev = model().events();
  if (uses_.n > ev.size()) uses_ = {};
  for (; uses_.n < ev.size(); ++uses_.n) {
    Ev k = ev[uses_.n].kind;
    uses_.u.io |= k == Ev::io_wait || k == Ev::io_done;
    uses_.u.pool |= k == Ev::pool_submit;
    uses_.u.queue |= k == Ev::queue_put;
  }
  return uses_.u;
}

const ProgramFiles& RunView::program_files() const {
  auto& sc = program_;
  const model::Model& m = model();
  if (m.size() < sc.n) sc = {};
  if (m.size() == 0) return sc.f;  // no events yet
  if (!session_.is_program() && !m.recorded_under_cpython()) {
    sc.n = m.size();
    return sc.f;
  }
  const auto& ev = m.events();
  for (size_t i = sc.n; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (e.loop != 0) continue;
    // Indexed by task id (ids are below limits::max_id, docs/trace-format.md): O(1) a step.
    auto last = [&](int32_t task) -> std::pair<const char*, int>& {
      size_t k = size_t(std::max(task, -1) + 1);
      if (k >= sc.last_at.size()) sc.last_at.resize(k + 1, {nullptr, 0});
      return sc.last_at[k];
    };
    switch (e.kind) {
      case Ev::source:
        if (e.s2 && e.s1) sc.f.sources.push_back({e.s2, e.s1, split_lines(e.s1)});
        if (sc.f.tabs.empty() && e.s2) sc.f.tabs.push_back(e.s2);  // the main file, before any task steps
        break;
      case Ev::step_begin:
      case Ev::step_end:
      case Ev::print:
        if (e.s2 && e.line > 0) {
          last(e.task) = {e.s2, e.line};
          // The latest step's file (the same pointer) is a tab already: skip the search.
          if (e.s2 != sc.last_tab && std::find(sc.f.tabs.begin(), sc.f.tabs.end(), e.s2) == sc.f.tabs.end())
            sc.f.tabs.push_back(e.s2);
          sc.last_tab = e.s2;
        }
        break;
      case Ev::task_done:
        if (Outcome(e.code) == Outcome::error) {
          auto [file, line] = last(e.task);
          const model::TaskInfo* t = m.task(e.task);
          std::string what = (t ? t->name + ": " : std::string()) + (e.s1 ? e.s1 : "an exception");
          if (file && line > 0) sc.f.failures.push_back({file, line, what, i});
        }
        break;
      case Ev::run_end:
        // A syntax error never ran a task: the recorder says "... (file.py, line 4)".
        if (const char* err = as<ev::RunEnd>(e).error; err && std::strncmp(err, "SyntaxError", 11) == 0) {
          const char* open = std::strrchr(err, '(');
          const char* comma = open ? std::strstr(open, ", line ") : nullptr;
          if (open && comma) sc.f.failures.push_back({std::string(open + 1, comma), std::atoi(comma + 7), err, i});
        }
        break;
      default: break;
    }
  }
  sc.n = ev.size();
  return sc.f;
}

const std::vector<std::string>& RunView::listing_lines(const std::string& file) const {
  const auto& sources = program_files().sources;
  if (sources.empty()) return listing_lines_;
  for (const auto& src : sources)
    if (src.file == file) return src.lines;
  return sources.front().lines;
}

const std::vector<model::Question>& RunView::questions() const {
  if (questions_.version != version_) questions_.q = model::quiz(model()), questions_.version = version_;
  return questions_.q;
}

}  // namespace loopscope::gui
