#include "predict_quiz.hpp"

#include <algorithm>

#include "core/limits.hpp"
#include "model/elide.hpp"

namespace loopscope::gui {

Commands PredictQuiz::toggle(const Playhead& p) {
  on_ = !on_;
  ask_ = {};
  last_ = p.index;
  if (on_ && p.size && p.at_end) {
    // Started at the end: the quiz starts from the beginning.
    last_ = 0;
    return {cmd::Seek{0}, cmd::Play{}};
  }
  return {};
}

Commands PredictQuiz::gate(const RunView& run, const Playhead& p) {
  const size_t idx = p.index, from = last_;  // where the playhead is, and was at the last gate
  last_ = idx;
  if (!on_ || ask_.open || run.session().live() || !run.model().finished()) return {};
  if (run_ != run.generation()) answered_.clear(), score_right_ = score_asked_ = 0, run_ = run.generation();
  if (idx <= from) return {};
  for (const model::Question& q : run.questions()) {  // by ask_at (model::quiz)
    if (q.ask_at <= from) continue;
    if (q.ask_at > idx) break;
    if (std::binary_search(answered_.begin(), answered_.end(), q.answer_at)) continue;
    ask_ = {};
    ask_.open = true;
    ask_.q = q;
    ask_.resume = p.playing;
    last_ = std::min(q.ask_at, p.size - 1);  // where the seek puts the playhead
    return {cmd::Seek{q.ask_at}, cmd::ShowPanel{3}};  // the question lives in the Why panel
  }
  return {};
}

Commands PredictQuiz::answer(const model::Model& m, int choice) {
  if (!ask_.open || ask_.revealed) return {};
  const model::Question& q = ask_.q;
  if (choice >= int(q.choices.size())) return {};
  if (q.kind == model::Question::Kind::order) {
    // Clicked first to last; the last one left completes the order. -1 (Space): show me.
    std::vector<int>& p = ask_.picked;
    if (choice >= 0) {
      if (std::find(p.begin(), p.end(), choice) != p.end()) return {};
      p.push_back(choice);
      if (p.size() + 1 == q.choices.size())
        for (int k = 0; k < int(q.choices.size()); ++k)
          if (std::find(p.begin(), p.end(), k) == p.end()) p.push_back(k);
      if (p.size() < q.choices.size()) return {};
      ++score_asked_, score_right_ += model::right_order(q, p);
    } else {
      p.clear();
    }
    ask_.chosen = p.empty() ? -1 : model::right_order(q, p) ? q.answer : p.front();
    ask_.text = model::explain_order(m, q, p);
  } else {
    ask_.chosen = choice;
    ask_.text = model::explain(m, q, choice);
    if (choice >= 0) ++score_asked_, score_right_ += choice == q.answer;
  }
  ask_.revealed = true;
  answered_.insert(std::upper_bound(answered_.begin(), answered_.end(), q.answer_at), q.answer_at);
  // Show the answer happening: the poll, what it woke, the handle running.
  last_ = q.answer_at;
  return {cmd::Seek{q.answer_at}};
}

Commands PredictQuiz::continue_after_answer(const model::Model& m) {
  if (!ask_.open) return {};
  Commands out;
  if (!ask_.revealed) out = answer(m, -1);
  bool resume = ask_.resume;
  ask_ = {};
  if (resume) out.push_back(cmd::Play{});
  return out;
}

namespace {
// The hint under a question: where to look.
const char* predict_hint(model::Question::Kind k) {
  switch (k) {
    case model::Question::Kind::cancel_outcome:
      return "Read the code around its await: an except or finally? Click or press a number (Space: show me).";
    case model::Question::Kind::last_handle:
      return "Read the ready queue to its end, then the timers: what the poll wakes joins behind the queue. Click or "
             "press a number (Space: show me).";
    case model::Question::Kind::order:
      return "Read the ready queue front to back, then what the poll wakes: it joins behind. Click the first, then the "
             "next (Space: show me).";
    case model::Question::Kind::gather_error:
      return "Read the gather() call: does it pass return_exceptions=True? Click or press a number (Space: show me).";
    default: return "Read the ready queue, then the timers. Click or press a number (Space: show me).";
  }
}
}  // namespace

// The Predict panel's body, measured before it is drawn (App::draw_predict):
// the question (or, after the reveal, the explanation), every choice and the hint.
PredictBody PredictQuiz::body(const model::Model& m, size_t index) const {
  const model::Question& q = ask_.q;
  PredictBody b;
  for (size_t k = 0; k < q.choices.size(); ++k) {
    std::string key = std::to_string(k + 1);
    if (q.kind == model::Question::Kind::order) {
      // Where the student put it (before the reveal), where it ran (after).
      auto at = std::find(ask_.picked.begin(), ask_.picked.end(), int(k));
      if (ask_.revealed) key = "ran #" + std::to_string(q.order[k] + 1);
      else if (at != ask_.picked.end()) key = "#" + std::to_string(at - ask_.picked.begin() + 1);
    }
    b.labels.push_back(key + "  " + q.choices[k].label);
  }
  if (!ask_.revealed) {
    b.question = model::prompt(m, q);
    b.hint = predict_hint(q.kind);
    if (m.size()) b.context = "So far: " + model::narrate(m, std::min(index, m.size() - 1));
  } else {
    b.reveal = model::elide(ask_.text, limits::kShownParagraphChars);
    if (score_asked_ > 0) b.score = std::to_string(score_right_) + " of " + std::to_string(score_asked_) + " right";
  }
  return b;
}

}  // namespace loopscope::gui
