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

// One candidate for the next handle: a handle already in the ready queue, an
// armed timer whose callback the poll could queue, or pending I/O / pool work.
// A cancellation question's choices are outcomes of the cancelled task's step.
struct Choice {
  enum class Kind : uint8_t { ready, timer, io, pool, outcome };
  Kind kind = Kind::ready;
  int32_t task = -1;    // the task it steps or belongs to (its colour), or -1
  std::string label;    // what the button says: a task's name, "B's timer (sleep)", a callback
  int32_t handle = -1;  // Kind::ready: the queued handle
  int32_t timer = -1;   // Kind::timer: the timer
  int32_t op = -1;      // Kind::io: the operation; Kind::pool: the job
};

// What a cancelled task does when CancelledError is raised at its await, read
// from the step.end and task.done that follow (Choice::op of an outcome choice).
enum class CancelOutcome : int32_t {
  ends_cancelled,  // the CancelledError leaves the coroutine (re-raised or not caught)
  awaits_again,    // it catches it and awaits something (cleanup) before ending
  returns,         // it catches it and returns normally: the task ends with a result
  raises_other,    // it catches it and raises another exception
};

// What an await of gather() gives its task after a child failed (Choice::op of
// a gather question's choice), read from the `thrown` of the task's next step.
enum class GatherOutcome : int32_t {
  raises,         // return_exceptions=False: the child's exception is raised at the await
  returns_list,   // return_exceptions=True: a list of results, the exception among them
  cancels_first,  // never gather's (TaskGroup's): it cancels the others, then raises
};

struct Question {
  // first_handle: which handle does the coming iteration run first?
  // last_handle: which handle does the coming iteration run last?
  // cancel_outcome: a cancelled task runs; what does the CancelledError do?
  // gather_error: a child of the gather a task awaits failed; what does the await give?
  // order: in what order does the coming iteration run its handles (2 to 4)?
  enum class Kind : uint8_t { first_handle, last_handle, cancel_outcome, gather_error, order };
  Kind kind = Kind::first_handle;
  size_t ask_at = 0;     // the playhead stops here (the last event before the iteration)
  size_t answer_at = 0;  // the ready.run that answers it (cancel_outcome: the step.end; gather_error: the step.begin)
  uint32_t it = 0;       // the iteration about to start
  std::vector<Choice> choices;
  int answer = -1;  // index into choices (order: the handle run first)
  // order: by choice, the position (0 = first) its handle ran at. The
  // choices are listed by name, so their order does not give this away.
  std::vector<int> order;
  // cancel_outcome: the handle (its ready.run) that called cancel() last, or SIZE_MAX.
  size_t cancelled_in = SIZE_MAX;
};

// Every decision of the run with at least two choices, in order. A decision
// that CPython does not determine is not asked: handles that TaskGroup's
// _on_task_done queued by cancelling the group's tasks (it cancels in the
// order of a set).
std::vector<Question> questions(const Model& m);
// The same decisions as the ready.run indexes that answer them.
std::vector<size_t> decisions(const Model& m);
// The question answered by the ready.run at `answer_at`. The answer is the
// handle that ran; it is among the choices by construction.
Question question_for(const Model& m, size_t answer_at);
// Every cancellation question: at the step.begin where CancelledError is
// raised in a cancelled task (the answer is the step.end that follows).
std::vector<Question> cancel_questions(const Model& m);
// The question "which handle runs last?" for each iteration of loop 0 that
// runs at least two handles and starts with one to five queued (so every
// one of them is a choice), answered by the iteration's last ready.run.
std::vector<Question> last_handle_questions(const Model& m);
// "In what order does this iteration run its handles?" for each iteration of
// loop 0 that runs 2 to 4 handles, every one of them foreseeable at the
// question (queued, or a timer / I/O the poll wakes) and in an order CPython
// fixes (not two timers due at once, two I/O callbacks of one poll, a pool or
// thread's callback, TaskGroup's set-ordered cancellations): the choices are
// exactly the handles that ran, answered by the iteration's last ready.run.
std::vector<Question> order_questions(const Model& m);
// Every gather question: at the task.done of a failed child whose parent
// awaits a gather (the child's done-callback is gather's), answered by the
// parent's next step.begin (its `thrown`). Not asked when the parent resumes
// with a different exception (cancelled meanwhile, an earlier failure), nor
// in a trace without any `thrown` (a producer older than the field).
std::vector<Question> gather_questions(const Model& m);
// predict mode's quiz, in the order asked (by ask_at): each iteration's
// order question where it runs 3 or 4 handles, else its first-handle
// question, or its last-handle question when the first answer is simply the
// front of the ready queue; the cancellation and gather questions. One
// forward pass over the run for all the handle questions.
std::vector<Question> quiz(const Model& m);
// The question line predict mode shows.
std::string prompt(const Model& m, const Question& q);
// Whether CPython determines the answer (see questions()).
bool determined(const Model& m, const Question& q);
// The reveal: whether `chosen` was right, what ran and why.
std::string explain(const Model& m, const Question& q, int chosen);
// The reveal of an order question: `picked` are choices in the order the
// student put them (empty: shown without a guess).
std::string explain_order(const Model& m, const Question& q, const std::vector<int>& picked);
// Whether `picked` is the order the handles ran in.
bool right_order(const Question& q, const std::vector<int>& picked);

}  // namespace loopscope::model
