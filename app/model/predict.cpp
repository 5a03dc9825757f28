#include "predict.hpp"

#include <algorithm>
#include <string_view>

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

namespace {
Question build_question(const Model& m, size_t answer_at, Question::Kind kind);
}

Question question_for(const Model& m, size_t answer_at) { return build_question(m, answer_at, Question::Kind::first_handle); }

namespace {
// A handle question: which handle does the coming iteration run first (or
// last)? The ready.run at `answer_at` answers it.
Question build_question(const Model& m, size_t answer_at, Question::Kind kind) {
  const auto& ev = m.events();
  const bool last = kind == Question::Kind::last_handle;
  Question q;
  q.kind = kind;
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
  // timers, pending I/O and pool jobs. Every choice is a handle that could run
  // (last: every queued handle, since any of them could be the last).
  for (const ReadyChip& c : s.ready) {
    if (!last && q.choices.size() >= 5) break;
    add({Choice::Kind::ready, c.task, handle_name(m, c.fn, c.task, c.label), c.handle});
  }
  int timers = 0;
  for (const TimerChip& t : s.timers) {
    if (timers++ >= (s.ready.empty() ? 4 : 2)) break;
    Choice c{Choice::Kind::timer, t.task, timer_name(m, t.task, t.label)};
    c.timer = t.timer;
    add(c);
  }
  if (s.ready.empty() || last) {
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
}  // namespace

std::vector<Question> last_handle_questions(const Model& m) {
  std::vector<Question> out;
  const auto& ev = m.events();
  // One forward pass: each iteration's first and last ready.run of loop 0.
  size_t lastrun = SIZE_MAX, runs = 0;
  auto close = [&] {
    if (runs >= 2 && lastrun != SIZE_MAX) {
      Question q = build_question(m, lastrun, Question::Kind::last_handle);
      const LoopState s = m.state_at(q.ask_at, 0);
      // Asked when the queue holds a few handles (each one a choice) and
      // the last one is foreseeable and determined.
      const Choice& a = q.choices[size_t(q.answer)];
      const bool foreseen = a.kind != Choice::Kind::ready ||
                            std::any_of(s.ready.begin(), s.ready.end(), [&](const ReadyChip& c) { return c.handle == a.handle; });
      // Two queued handles that read the same (two _on_task_done callbacks) would be one button: not asked.
      const bool distinct = std::all_of(s.ready.begin(), s.ready.end(), [&](const ReadyChip& c) {
        return std::any_of(q.choices.begin(), q.choices.end(), [&](const Choice& x) { return x.handle == c.handle; });
      });
      if (!s.ready.empty() && s.ready.size() <= 5 && q.choices.size() >= 2 && foreseen && distinct && determined(m, q))
        out.push_back(std::move(q));
    }
    lastrun = SIZE_MAX;
    runs = 0;
  };
  uint32_t it = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (e.loop != 0 || e.kind != Ev::ready_run) continue;
    if (e.it != it) {
      close();
      it = e.it;
    }
    lastrun = i;
    ++runs;
  }
  close();
  return out;
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
  // One forward pass over loop 0, keeping per task what the model's state
  // would say (cancel() pending, stepped before, who cancelled it): no
  // state_at per step, no backward search.
  std::vector<Question> out;
  const auto& ev = m.events();
  const size_t ntasks = m.tasks().size();
  std::vector<uint8_t> cancelling(ntasks), stepped(ntasks);
  std::vector<size_t> cancelled_in(ntasks, SIZE_MAX);  // the handle running at the task's last task.cancel
  size_t handle = SIZE_MAX;  // loop 0's running handle (its ready.run), or its loop.iter between handles
  for (size_t i = 0; i < ev.size(); ++i) {
    const Event& b = ev[i];
    if (b.loop != 0) continue;
    if (b.kind == Ev::ready_run || b.kind == Ev::loop_iter) {
      handle = i;
      continue;
    }
    const int32_t k = b.task >= 0 ? m.task_index(b.task, 0) : -1;
    if (k < 0 || size_t(k) >= ntasks) continue;
    const size_t t = size_t(k);
    if (b.kind == Ev::task_new) cancelling[t] = stepped[t] = 0, cancelled_in[t] = SIZE_MAX;
    if (b.kind == Ev::task_cancel) cancelling[t] = 1, cancelled_in[t] = handle;
    if (b.kind != Ev::step_begin) continue;
    // Cancelled and not yet delivered: CancelledError is raised at its await. A
    // task cancelled before its first step never runs its body: nothing to predict.
    const bool asked = cancelling[t] && stepped[t];
    cancelling[t] = 0;
    stepped[t] = 1;
    if (!asked) continue;
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
    q.cancelled_in = cancelled_in[t];
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

// [SECTION] Gather questions

namespace {
// "ValueError('C')" -> "ValueError": the type part of an exception's repr.
std::string_view type_of_repr(std::string_view r) { return r.substr(0, r.find('(')); }

const char* gather_label(GatherOutcome o) {
  switch (o) {
    case GatherOutcome::raises: return "raises %s";
    case GatherOutcome::returns_list: return "returns a list";
    case GatherOutcome::cancels_first: return "cancels the others, raises";
  }
  return "";
}
// Buttons stay short (presenter mode fits two on a line): the type, not the whole repr.
std::string fill(const char* pattern, std::string_view x) {
  std::string out = pattern;
  if (size_t at = out.find("%s"); at != std::string::npos) out.replace(at, 2, x);
  return out;
}
}  // namespace

std::vector<Question> gather_questions(const Model& m) {
  std::vector<Question> out;
  const auto& ev = m.events();
  const size_t ntasks = m.tasks().size();
  std::vector<uint8_t> on_gather(ntasks), asked(ntasks);
  std::vector<int> pending(ntasks, -1);  // by the parent's task index: its question in `out`, unanswered
  // The running handle: did a child fail in it, and did it queue gather's done-callback?
  // (The engine writes task.done before the push; CPython queues the callbacks
  // first and the recorder writes task.done after the step.)
  size_t failed_at = SIZE_MAX;
  bool gather_cb = false, any_thrown = false;
  auto close_handle = [&] {
    if (failed_at != SIZE_MAX && gather_cb) {
      const Event& d = ev[failed_at];
      const TaskInfo* child = m.task(d.task, 0);
      const int32_t pk = child ? m.task_index(child->parent, 0) : -1;
      if (pk >= 0 && on_gather[size_t(pk)] && !asked[size_t(pk)] && d.s1) {
        asked[size_t(pk)] = 1;
        Question q;
        q.kind = Question::Kind::gather_error;
        q.ask_at = failed_at;
        q.it = d.it;
        for (GatherOutcome o : {GatherOutcome::raises, GatherOutcome::returns_list, GatherOutcome::cancels_first}) {
          Choice c{Choice::Kind::outcome, child->parent, fill(gather_label(o), type_of_repr(d.s1))};
          c.op = int32_t(o);
          q.choices.push_back(std::move(c));
        }
        pending[size_t(pk)] = int(out.size());
        out.push_back(std::move(q));
      }
    }
    failed_at = SIZE_MAX;
    gather_cb = false;
  };
  for (size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (e.loop != 0) continue;
    const int32_t k = e.task >= 0 ? m.task_index(e.task, 0) : -1;
    const bool known = k >= 0 && size_t(k) < ntasks;
    switch (e.kind) {
      case Ev::ready_run: case Ev::loop_iter: close_handle(); break;
      case Ev::ready_push: gather_cb |= as<ev::ReadyPush>(e).fn == HandleFn::gather_done_callback; break;
      case Ev::task_done:
        if (Outcome(e.code) == Outcome::error && failed_at == SIZE_MAX) failed_at = i;
        break;
      case Ev::step_end:
        if (known) {
          const ev::StepEnd v = as<ev::StepEnd>(e);
          on_gather[size_t(k)] = v.on == AwaitOn::gather || (v.on == AwaitOn::unset && v.wait == Wait::gather);
        }
        break;
      case Ev::step_begin:
        if (!known) break;
        any_thrown |= as<ev::StepBegin>(e).thrown != nullptr;
        on_gather[size_t(k)] = 0;
        asked[size_t(k)] = 0;
        if (int qi = pending[size_t(k)]; qi >= 0) {
          pending[size_t(k)] = -1;
          Question& q = out[size_t(qi)];
          const char* thrown = as<ev::StepBegin>(e).thrown;
          const std::string_view want = type_of_repr(ev[q.ask_at].s1);
          if (!thrown) q.answer = int(GatherOutcome::returns_list);
          else if (want == thrown) q.answer = int(GatherOutcome::raises);
          else break;  // resumed with another exception: not this question's story
          q.answer_at = i;
        }
        break;
      default: break;
    }
  }
  // Questions never answered (the run ended first, or another exception came) are dropped.
  std::erase_if(out, [](const Question& q) { return q.answer < 0; });
  // A trace with no `thrown` at all may come from a producer that predates the
  // field: its absence would not mean "resumed normally", so nothing is asked.
  if (!any_thrown) out.clear();
  return out;
}

// [SECTION] The quiz

std::vector<Question> quiz(const Model& m) {
  std::vector<Question> all = questions(m), more = cancel_questions(m), gathers = gather_questions(m);
  // Where the first handle is just the front of the ready queue, ask which runs last instead.
  const std::vector<Question> lasts = last_handle_questions(m);
  size_t k = 0;
  for (Question& q : all) {
    while (k < lasts.size() && lasts[k].it < q.it) ++k;
    if (k == lasts.size() || lasts[k].it != q.it) continue;
    const Choice& a = q.choices[size_t(q.answer)];
    if (q.answer == 0 && a.kind == Choice::Kind::ready) q = lasts[k];
  }
  all.insert(all.end(), more.begin(), more.end());
  all.insert(all.end(), gathers.begin(), gathers.end());
  std::stable_sort(all.begin(), all.end(), [](const Question& a, const Question& b) { return a.ask_at < b.ask_at; });
  return all;
}

std::string prompt(const Model& m, const Question& q) {
  if (q.kind == Question::Kind::cancel_outcome)
    return task_name(m, m.events()[q.ask_at].task) + " was cancelled and runs now: CancelledError is raised at its "
           "await. What happens in this step?";
  if (q.kind == Question::Kind::gather_error) {
    const Event& d = m.events()[q.ask_at];
    const std::string p = task_name(m, q.choices[0].task);
    return task_name(m, d.task) + " failed with " + (d.s1 ? d.s1 : "an exception") + ". What does " + p +
           "'s await of the gather() that includes it do?";
  }
  if (q.kind == Question::Kind::last_handle)
    return "Iteration " + std::to_string(q.it) + " is about to start. Which handle does it run last?";
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
  if (q.kind == Question::Kind::gather_error) {
    const std::string right = q.choices[size_t(q.answer)].label;
    std::string out = chosen == q.answer ? "Right: it " + right + ". "
                      : chosen >= 0      ? "Not this time: it " + right + " (not: " + q.choices[size_t(chosen)].label + "). "
                                         : "Answer: it " + right + ". ";
    const std::string p = task_name(m, q.choices[0].task), c = task_name(m, ev[q.ask_at].task);
    const std::string err = ev[q.ask_at].s1 ? ev[q.ask_at].s1 : "the exception";
    if (GatherOutcome(q.choices[size_t(q.answer)].op) == GatherOutcome::raises)
      out += "return_exceptions is False (the default): gather's _done_callback for " + c + " (queued when " + c +
             " failed) sets the outer future's exception at once, without waiting for the other children, and that "
             "queues " + p + "'s wakeup. When " + p + " runs, Task.__step throws " +
             std::string(type_of_repr(err)) + " into its coroutine at the await. gather cancels nothing: children still "
             "running go on.";
    else
      out += "return_exceptions=True: a failed child counts as done, with its exception as its result. When the last "
             "child is done, _done_callback sets the outer future's result to the list of results, in the order of "
             "gather's arguments, " + err + " among them; " + p + " resumes normally (nothing is thrown) and the await "
             "returns that list.";
    if (chosen >= 0 && GatherOutcome(q.choices[size_t(chosen)].op) == GatherOutcome::cancels_first)
      out += " Cancelling the other tasks when one fails is what a TaskGroup does, not gather.";
    return out;
  }
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
        const size_t h = q.cancelled_in;
        const bool by_timeout = h < ev.size() && ev[h].kind == Ev::ready_run &&
                                as<ev::ReadyRun>(ev[h]).fn == HandleFn::timeout_on_timeout;
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
  if (q.kind == Question::Kind::last_handle) {
    if (chosen == q.answer) out = "Right: " + who + ". ";
    else if (chosen >= 0) out = "Not this time: " + who + " runs last, not " + q.choices[size_t(chosen)].label + ". ";
    else out = who + " runs last. ";
    out += "After the poll the loop counts the handles queued (asyncio's ntodo) and runs exactly that many, first "
           "in, first out: the handles already queued, then the callbacks of ready I/O, then those of due timers. "
           "Anything these handles queue waits for the next iteration. ";
    const size_t push = push_of(m, r.id, q.answer_at);
    if (push != SIZE_MAX && push <= q.ask_at)
      return out + "'" + label + "' was the last handle queued before the iteration began, and the poll added "
             "nothing behind it.";
    return out + "'" + label + "' was queued by the poll, behind the handles already ready.";
  }
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
