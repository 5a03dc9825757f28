// Predict mode, for self-study: at each scheduling decision the view stops and
// asks which handle the loop runs next, then reveals the answer and explains it.
//
// A decision is the first handle an iteration of loop 0 runs. The question is
// asked just before that iteration begins (before its poll), so the answer is
// not on screen yet: the student has to read the ready queue (leftovers run
// first, in FIFO order), then the armed timers and pending I/O (the soonest
// one wakes the loop). Derived from the trace alone, like the rest of the model.
#pragma once

#include <string>
#include <vector>

#include "model.hpp"

namespace loopscope::model {

struct Choice {
  int32_t task = -1;  // a task on loop 0, or -1 for a callback that belongs to no task
  std::string label;  // the task's name, or the callback's label
};

struct Question {
  size_t ask_at = 0;     // the playhead stops here (the last event before the iteration)
  size_t answer_at = 0;  // the ready.run that answers it
  uint32_t it = 0;       // the iteration about to start
  std::vector<Choice> choices;
  int answer = -1;  // index into choices
};

// Every decision of the run with at least two choices, in order.
std::vector<Question> questions(const Model& m);
// The same decisions as the ready.run indexes that answer them.
std::vector<size_t> decisions(const Model& m);
// The question answered by the ready.run at `answer_at`.
Question question_for(const Model& m, size_t answer_at);
// The reveal: whether `chosen` was right, what ran and why.
std::string explain(const Model& m, const Question& q, int chosen);

}  // namespace loopscope::model
