// Predict mode's quiz (Q toggles): before each scheduling decision playback
// stops and the Why panel asks which handle runs next (model::quiz); an
// answer moves the playhead to what happened and explains it. The quiz reads
// the run and the playhead and returns commands (command.hpp); App applies them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "command.hpp"
#include "model/model.hpp"
#include "model/predict.hpp"
#include "run_view.hpp"

namespace loopscope::gui {

// What the Predict panel shows: the question or the reveal, each choice's button label.
struct PredictBody {
  std::string question, hint, context, reveal, score;
  std::vector<std::string> labels;
};

class PredictQuiz {
 public:
  // The playhead of the run under view: where it is, how many events it has, whether it plays.
  struct Playhead {
    size_t index = 0, size = 0;
    bool playing = false, at_end = false;
  };

  bool on() const { return on_; }
  Commands toggle(const Playhead& p);
  // After playback moved: stops before a decision not yet answered. A new
  // run resets the score; a live run asks nothing.
  Commands gate(const RunView& run, const Playhead& p);
  Commands answer(const model::Model& m, int choice);  // -1: just show me
  Commands continue_after_answer(const model::Model& m);

  // The open question (null when none), whether it was answered, and the reveal text.
  bool open() const { return ask_.open; }
  const model::Question* question() const { return ask_.open ? &ask_.q : nullptr; }
  bool revealed() const { return ask_.revealed; }
  const std::string& reveal_text() const { return ask_.text; }
  int chosen() const { return ask_.chosen; }
  const std::vector<int>& picked() const { return ask_.picked; }  // an order question: clicked so far, first to last
  int score() const { return score_right_; }
  int asked() const { return score_asked_; }
  PredictBody body(const model::Model& m, size_t index) const;

 private:
  bool on_ = false;
  struct {
    bool open = false, revealed = false, resume = false;
    model::Question q;
    int chosen = -1;
    std::vector<int> picked;
    std::string text;
  } ask_;
  uint64_t run_ = UINT64_MAX;  // the run the score is of (RunView::generation)
  size_t last_ = 0;
  std::vector<size_t> answered_;  // answer_at of questions done with (sorted)
  int score_right_ = 0, score_asked_ = 0;
};

}  // namespace loopscope::gui
