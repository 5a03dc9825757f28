#include "predict.hpp"

#include <algorithm>

#include "core/trace_schema.hpp"

namespace loopscope::model {

namespace {
std::string task_name(const Model& m, int32_t task) {
  const TaskInfo* t = task >= 0 ? m.task(task, 0) : nullptr;
  return t ? t->name : std::string();
}

// The ready.push that queued `handle`, searching back from `before`.
size_t push_of(const Model& m, int32_t handle, size_t before) {
  const auto& ev = m.events();
  for (size_t j = before; j-- > 0;)
    if (ev[j].kind == Ev::ready_push && ev[j].loop == 0 && ev[j].id == handle) return j;
  return SIZE_MAX;
}

// What a button says for a handle: the task's name for its own step, else what the callback is.
std::string handle_name(const Model& m, HandleFn fn, int32_t task, const char* label) {
  if (runs_task(fn, task)) return task_name(m, task);
  const std::string l = label ? label : "a callback";
  return task >= 0 ? task_name(m, task) + ": " + l : l;
}
std::string owner(const Model& m, int32_t task) { return task >= 0 ? task_name(m, task) : std::string("a callback"); }
std::string timer_name(const Model& m, int32_t task, const char* label) {
  return (task >= 0 ? task_name(m, task) + "'s timer" : std::string("a timer")) + (label ? std::string(" (") + label + ")" : "");
}
}  // namespace

std::vector<Question> questions(const Model& m) {
  std::vector<Question> out;
  const auto& ev = m.events();
  uint32_t last_it = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    const Event& e = ev[i];
    if (e.kind != Ev::ready_run || e.loop != 0 || e.it == last_it) continue;
    last_it = e.it;
    Question q = question_for(m, i);
    if (q.choices.size() >= 2 && determined(m, q)) out.push_back(std::move(q));
  }
  return out;
}

std::vector<size_t> decisions(const Model& m) {
  std::vector<size_t> out;
  for (const Question& q : questions(m)) out.push_back(q.answer_at);
  return out;
}

Question question_for(const Model& m, size_t answer_at) {
  const auto& ev = m.events();
  Question q;
  q.answer_at = answer_at;
  const Event& r = ev[answer_at];
  q.it = r.it;
  // Back to the last event of loop 0 before this iteration...
  size_t j = answer_at;
  while (j > 0 && !(ev[j - 1].loop == 0 && ev[j - 1].it < r.it)) --j;
  q.ask_at = j > 0 ? j - 1 : 0;
  // Better: at the iteration's loop.iter, when the last iteration's handle has finished.
  for (size_t k = j; k < answer_at; ++k)
    if (ev[k].loop == 0 && ev[k].kind == Ev::loop_iter) {
      q.ask_at = k;
      break;
    }

  const LoopState s = m.state_at(q.ask_at, 0);
  auto add = [&](Choice c) {
    for (const Choice& x : q.choices)
      if (x.label == c.label) return;
    q.choices.push_back(std::move(c));
  };
  // The ready queue first (FIFO), then what the poll could wake: the soonest
  // timers, pending I/O and pool jobs. Every choice is a handle that could run.
  for (const ReadyChip& c : s.ready) {
    if (q.choices.size() >= 5) break;
    add({Choice::Kind::ready, c.task, handle_name(m, c.fn, c.task, c.label), c.handle});
  }
  int timers = 0;
  for (const TimerChip& t : s.timers) {
    if (timers++ >= (s.ready.empty() ? 4 : 2)) break;
    Choice c{Choice::Kind::timer, t.task, timer_name(m, t.task, t.label)};
    c.timer = t.timer;
    add(c);
  }
  if (s.ready.empty()) {
    for (const IoChip& io : s.io) {
      Choice c{Choice::Kind::io, io.task, "I/O for " + owner(m, io.task) + " (" + name(io.kind) + ")"};
      c.op = io.op;
      add(c);
    }
    for (const WorkerChip& w : s.workers) {
      Choice c{Choice::Kind::pool, w.task, owner(m, w.task) + "'s pool job"};
      c.op = w.job;
      add(c);
    }
  }

  // The answer: the handle that ran, or what queued it during the poll.
  const Event* pushed = nullptr;
  for (size_t k = answer_at; k-- > q.ask_at;)
    if (ev[k].loop == 0 && ev[k].kind == Ev::ready_push && ev[k].id == r.id) {
      pushed = &ev[k];
      break;
    }
  const Event* fired = nullptr;
  if (pushed)
    for (const Event* k = pushed; k-- > ev.data() + q.ask_at;)
      if (k->loop == 0 && k->kind == Ev::timer_fire) {
        fired = k;
        break;
      }
  for (size_t k = 0; k < q.choices.size() && q.answer < 0; ++k) {
    const Choice& c = q.choices[k];
    if (c.kind == Choice::Kind::ready && c.handle == r.id) q.answer = int(k);
    if (c.kind == Choice::Kind::timer && pushed && Cause(pushed->code) == Cause::timer && fired &&
        as<ev::Timer>(*fired).timer == c.timer)
      q.answer = int(k);
    if (c.kind == Choice::Kind::io && pushed && Cause(pushed->code) == Cause::io && c.task == r.task) q.answer = int(k);
    if (c.kind == Choice::Kind::pool && pushed && Cause(pushed->code) == Cause::pool && c.task == r.task) q.answer = int(k);
  }
  if (q.answer < 0) {  // a handle nobody could see coming (e.g. queued by a client loop's thread)
    Choice c{Choice::Kind::ready, r.task, handle_name(m, as<ev::ReadyRun>(r).fn, r.task, r.s1), r.id};
    q.choices.push_back(c);
    q.answer = int(q.choices.size()) - 1;
  }
  return q;
}

// [SECTION] Cancellation questions

namespace {
const char* outcome_label(CancelOutcome o) {
  switch (o) {
    case CancelOutcome::ends_cancelled: return "the CancelledError ends it";
    case CancelOutcome::awaits_again: return "it catches it and awaits again";
    case CancelOutcome::returns: return "it catches it and returns";
    case CancelOutcome::raises_other: return "it raises another exception";
  }
  return "";
}
}  // namespace

std::vector<Question> cancel_questions(const Model& m) {
  std::vector<Question> out;
  const auto& ev = m.events();
  for (size_t i = 0; i + 1 < m.size(); ++i) {
    const Event& b = ev[i];
    if (b.kind != Ev::step_begin || b.loop != 0) continue;
    // Cancelled and not yet delivered just before this step: CancelledError is raised at its await.
    if (i == 0) continue;
    const LoopState before = m.state_at(i - 1, 0);
    const int32_t k = m.task_index(b.task, 0);
    if (k < 0 || size_t(k) >= before.tasks.size() || !before.tasks[size_t(k)].cancelling) continue;
    // A task cancelled before its first step never runs its body: nothing to predict.
    bool stepped = false;
    for (size_t j = i; j-- > 0 && !stepped;) stepped = ev[j].loop == 0 && ev[j].kind == Ev::step_begin && ev[j].task == b.task;
    if (!stepped) continue;
    size_t end = i + 1;
    while (end < ev.size() && !(ev[end].loop == 0 && ev[end].kind == Ev::step_end && ev[end].task == b.task)) ++end;
    if (end >= ev.size()) continue;
    CancelOutcome o = CancelOutcome::awaits_again;
    if (as<ev::StepEnd>(ev[end]).wait == Wait::none) {
      size_t d = end + 1;
      while (d < ev.size() && !(ev[d].loop == 0 && ev[d].kind == Ev::task_done && ev[d].task == b.task)) ++d;
      if (d >= ev.size()) continue;
      const Outcome how = Outcome(ev[d].code);
      o = how == Outcome::cancelled ? CancelOutcome::ends_cancelled
          : how == Outcome::result  ? CancelOutcome::returns
                                    : CancelOutcome::raises_other;
    }
    Question q;
    q.kind = Question::Kind::cancel_outcome;
    q.ask_at = i;
    q.answer_at = end;
    q.it = b.it;
    for (CancelOutcome c : {CancelOutcome::ends_cancelled, CancelOutcome::awaits_again, CancelOutcome::returns,
                            CancelOutcome::raises_other}) {
      Choice ch{Choice::Kind::outcome, b.task, outcome_label(c)};
      ch.op = int32_t(c);
      if (c == o) q.answer = int(q.choices.size());
      q.choices.push_back(std::move(ch));
    }
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<Question> quiz(const Model& m) {
  std::vector<Question> all = questions(m), more = cancel_questions(m);
  all.insert(all.end(), more.begin(), more.end());
  std::stable_sort(all.begin(), all.end(), [](const Question& a, const Question& b) { return a.ask_at < b.ask_at; });
  return all;
}

std::string prompt(const Model& m, const Question& q) {
  if (q.kind == Question::Kind::cancel_outcome)
    return task_name(m, m.events()[q.ask_at].task) + " was cancelled and runs now: CancelledError is raised at its "
           "await. What happens in this step?";
  return "Iteration " + std::to_string(q.it) + " is about to start. Which handle does the loop run first?";
}

bool determined(const Model& m, const Question& q) {
  const auto& ev = m.events();
  const Event& r = ev[q.answer_at];
  // Which handle queued the answer? If TaskGroup._on_task_done queued it while
  // cancelling the group's tasks, their order is a set's: not CPython's promise.
  size_t k = q.answer_at;
  while (k-- > 0)
    if (ev[k].loop == 0 && ev[k].kind == Ev::ready_push && ev[k].id == r.id) break;
  if (k == SIZE_MAX) return true;
  for (size_t h = k; h-- > 0;) {
    const Event& x = ev[h];
    if (x.loop != 0) continue;
    if (x.kind == Ev::loop_iter) return true;
    if (x.kind == Ev::ready_run) {
      if (as<ev::ReadyRun>(x).fn != HandleFn::taskgroup_on_task_done) return true;
      // Cancelled siblings woken by it: more than one means set order.
      int woken = 0;
      for (size_t y = h + 1; y < ev.size() && !(ev[y].loop == 0 && (ev[y].kind == Ev::ready_run || ev[y].kind == Ev::loop_iter)); ++y)
        woken += ev[y].loop == 0 && ev[y].kind == Ev::task_cancel;
      return woken < 2;
    }
  }
  return true;
}

std::string explain(const Model& m, const Question& q, int chosen) {
  const auto& ev = m.events();
  if (q.kind == Question::Kind::cancel_outcome) {
    const std::string t = task_name(m, ev[q.ask_at].task);
    const std::string right = q.choices[size_t(q.answer)].label;
    std::string out = chosen == q.answer ? "Right: " + right + ". "
                      : chosen >= 0      ? "Not this time: " + right + ", not " + q.choices[size_t(chosen)].label + ". "
                                         : "Answer: " + right + ". ";
    switch (CancelOutcome(q.choices[size_t(q.answer)].op)) {
      case CancelOutcome::ends_cancelled:
        return out + "No except clause kept the CancelledError (or one re-raised it after cleaning up): it left " + t +
               "'s coroutine, so " + t + " ends cancelled and whoever awaits it gets CancelledError.";
      case CancelOutcome::awaits_again:
        return out + t + " caught the CancelledError (an except or finally block) and awaited something else before "
               "ending: cancel() only raises once at an await, so its cleanup can await. " + narrate(m, q.answer_at);
      case CancelOutcome::returns: {
        // Cancelled by asyncio.timeout's deadline: its __aexit__ turned the CancelledError into TimeoutError.
        bool by_timeout = false;
        for (size_t j = q.ask_at, h = SIZE_MAX; j-- > 0 && h == SIZE_MAX;)
          if (ev[j].loop == 0 && ev[j].kind == Ev::task_cancel && ev[j].task == ev[q.ask_at].task) {
            for (h = j; h-- > 0;)
              if (ev[h].loop == 0 && (ev[h].kind == Ev::ready_run || ev[h].kind == Ev::loop_iter)) break;
            by_timeout = h != SIZE_MAX && ev[h].kind == Ev::ready_run && as<ev::ReadyRun>(ev[h]).fn == HandleFn::timeout_on_timeout;
            if (h == SIZE_MAX) h = 0;
          }
        if (by_timeout)
          return out + "The cancellation came from an asyncio.timeout() deadline: at the end of the async with block "
                 "Timeout.__aexit__ turned the CancelledError into TimeoutError, " + t + " caught that and went on "
                 "to return normally, so the task ends with a result.";
        return out + t + " caught the CancelledError and returned normally, so the task ends with a result, not "
               "cancelled (swallowing a cancellation hides it from whoever cancelled the task).";
      }
      case CancelOutcome::raises_other:
        return out + t + " caught the CancelledError and raised another exception, which ends the task with that "
               "exception instead.";
    }
    return out;
  }
  const Event& r = ev[q.answer_at];
  std::string who = q.choices[size_t(q.answer)].label;
  std::string label = r.s1 ? r.s1 : "a handle";
  std::string out;
  if (chosen == q.answer) out = "Right: " + who + ". ";
  else if (chosen >= 0) out = "Not this time: " + who + " runs first, not " + q.choices[size_t(chosen)].label + ". ";
  else out = who + " runs first. ";

  size_t push = push_of(m, r.id, q.answer_at);
  if (push == SIZE_MAX) return out + "The loop ran '" + label + "', the first handle of iteration " + std::to_string(q.it) + ".";
  const Event& p = ev[push];
  std::string name = task_name(m, r.task);
  if (push <= q.ask_at)
    return out + "'" + label + "' was already in the ready queue, queued in iteration " + std::to_string(p.it) +
           ". The loop still polls (without waiting: work is ready) and checks its timers, but anything they "
           "wake joins the back of the queue. Ready handles run first in, first out.";
  switch (Cause(p.code)) {
    case Cause::timer:
      return out + "Nothing was ready, so the poll's timeout was the soonest timer's delay" +
             (name.empty() ? "" : " (" + name + "'s)") + ": when it was due, the loop queued the timer's callback ('" +
             label + "'), which runs first.";
    case Cause::io:
      return out + "Nothing was ready, so the loop waited in its poll until the operating system reported I/O" +
             (name.empty() ? "" : " for " + name) + ". Its callback ('" + label + "') was queued and runs first.";
    case Cause::pool:
      return out + "Nothing was ready, so the loop waited in its poll until a thread-pool worker finished a job" +
             (name.empty() ? "" : " of " + name) + ". The completion ('" + label + "') was queued and runs first.";
    default:
      return out + narrate(m, push);
  }
}

}  // namespace loopscope::model
