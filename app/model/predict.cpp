#include "predict.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <unordered_set>

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

// What a callback is where its fn says it in both engines' words: the engine's label
// "sleep timer: set_result" and CPython's "_set_result_unless_cancelled" are one thing.
// nullptr: its label says it.
const char* handle_purpose(HandleFn fn) {
  switch (fn) {
    case HandleFn::sleep_set_result: return "sleep timer";
    case HandleFn::wait_for_release_waiter: return "wait_for deadline";
    case HandleFn::timeout_on_timeout: return "timeout() deadline";
    case HandleFn::gather_done_callback: return "gather callback";
    case HandleFn::taskgroup_on_task_done: return "TaskGroup callback";
    case HandleFn::run_until_complete_cb: return "run_until_complete callback";
    case HandleFn::waiter_set_result: return "waiter callback";
    default: return nullptr;
  }
}

// What a button says for a handle: the task's name for its own step, else what the callback is.
std::string handle_name(const Model& m, HandleFn fn, int32_t task, const char* label) {
  if (runs_task(fn, task)) return task_name(m, task);
  if (const char* what = handle_purpose(fn)) return task >= 0 ? task_name(m, task) + "'s " + what : std::string(what);
  const std::string l = label ? label : "a callback";
  return task >= 0 ? task_name(m, task) + ": " + l : l;
}
std::string owner(const Model& m, int32_t task) { return task >= 0 ? task_name(m, task) : std::string("a callback"); }
// "B's timer (sleep)", "main's timer (wait_for deadline)", "a timer (on_tick)".
std::string timer_name(const Model& m, const TimerChip& t) {
  const std::string purpose = timer_purpose(t);
  return (t.task >= 0 ? task_name(m, t.task) + "'s timer" : std::string("a timer")) +
         (purpose.empty() ? "" : " (" + purpose + ")");
}
}  // namespace

namespace {
// A question stopping at `ask_at`, answered at `answer_at` (SIZE_MAX: found later), about iteration `it`.
Question new_question(Question::Kind kind, size_t ask_at, size_t answer_at, uint32_t it) {
  Question q;
  q.kind = kind, q.ask_at = ask_at, q.answer_at = answer_at, q.it = it;
  return q;
}
// An outcome question's choices: one per outcome, all in `task`'s colour; the answer's index where it is `right`.
template <class Outcome, class Label>
void add_outcomes(Question& q, int32_t task, std::initializer_list<Outcome> outcomes, Label label, const Outcome* right = nullptr) {
  for (Outcome o : outcomes) {
    if (right && o == *right) q.answer = int(q.choices.size());
    Choice c{Choice::Kind::outcome, task, label(o)};
    c.op = int32_t(o);
    q.choices.push_back(std::move(c));
  }
}

// The event a handle question stops at: the loop.iter of the iteration that
// runs `answer_at` (its last iteration's handles have finished), or the last
// event of loop 0 before that iteration.
size_t ask_point(const Model& m, size_t answer_at) {
  const auto& ev = m.events();
  const Event& r = ev[answer_at];
  size_t j = answer_at;
  while (j > 0 && !(ev[j - 1].loop == 0 && ev[j - 1].it < r.it)) --j;
  for (size_t k = j; k < answer_at; ++k)
    if (ev[k].loop == 0 && ev[k].kind == Ev::loop_iter) return k;
  return j > 0 ? j - 1 : 0;
}

// A handle question's choices, from the loop's state at the question: the
// ready queue first (FIFO), then what the poll could wake: the soonest
// timers, pending I/O and pool jobs. Every choice is a handle that could run
// (last: every queued handle, since any of them could be the last).
void add_choices(const Model& m, const LoopState& s, Question& q) {
  const bool last = q.kind == Question::Kind::last_handle;
  auto add = [&](Choice c) {
    for (const Choice& x : q.choices)
      if (x.label == c.label) return;
    q.choices.push_back(std::move(c));
  };
  for (const ReadyChip& c : s.ready) {
    if (!last && q.choices.size() >= 5) break;
    add({Choice::Kind::ready, c.task, handle_name(m, c.fn, c.task, c.label), c.handle});
  }
  int timers = 0;
  for (const TimerChip& t : s.timers) {
    if (timers++ >= (s.ready.empty() ? 4 : 2)) break;
    Choice c{Choice::Kind::timer, t.task, timer_name(m, t)};
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
}

// The ready.push (at or after `from`) that queued the handle run at `run`,
// and the timer.fire just before it when a timer queued it (else null).
std::pair<const Event*, const Event*> queued_by(const Model& m, size_t from, size_t run) {
  const auto& ev = m.events();
  const Event* pushed = nullptr;
  for (size_t k = run; k-- > from;)
    if (ev[k].loop == 0 && ev[k].kind == Ev::ready_push && ev[k].id == ev[run].id) {
      pushed = &ev[k];
      break;
    }
  const Event* fired = nullptr;
  if (pushed && Cause(pushed->code) == Cause::timer)
    for (const Event* k = pushed; k-- > ev.data() + from;)
      if (k->loop == 0 && k->kind == Ev::timer_fire) {
        fired = k;
        break;
      }
  return {pushed, fired};
}

// The answer: the choice that stands for the handle run at q.answer_at (the
// handle itself, or what queued it during the poll).
void set_answer(const Model& m, Question& q) {
  const Event& r = m.events()[q.answer_at];
  const auto [pushed, fired] = queued_by(m, q.ask_at, q.answer_at);
  for (size_t k = 0; k < q.choices.size() && q.answer < 0; ++k) {
    const Choice& c = q.choices[k];
    if (c.kind == Choice::Kind::ready && c.handle == r.id) q.answer = int(k);
    if (c.kind == Choice::Kind::timer && pushed && fired && as<ev::Timer>(*fired).timer == c.timer) q.answer = int(k);
    if (c.kind == Choice::Kind::io && pushed && Cause(pushed->code) == Cause::io && c.task == r.task) q.answer = int(k);
    if (c.kind == Choice::Kind::pool && pushed && Cause(pushed->code) == Cause::pool && c.task == r.task) q.answer = int(k);
  }
  if (q.answer < 0) {  // a handle nobody could see coming (e.g. queued by a client loop's thread)
    Choice c{Choice::Kind::ready, r.task, handle_name(m, as<ev::ReadyRun>(r).fn, r.task, r.s1), r.id};
    q.choices.push_back(c);
    q.answer = int(q.choices.size()) - 1;
  }
}

Question handle_question(const Model& m, const LoopState& s, size_t ask_at, size_t answer_at, Question::Kind kind) {
  Question q = new_question(kind, ask_at, answer_at, m.events()[answer_at].it);
  add_choices(m, s, q);
  set_answer(m, q);
  return q;
}

// Whether "which runs last?" is asked: the queue holds a few handles (each
// one a choice) and the last one is foreseeable.
bool last_is_fair(const LoopState& s, const Question& q) {
  const Choice& a = q.choices[size_t(q.answer)];
  const bool foreseen = a.kind != Choice::Kind::ready ||
                        std::any_of(s.ready.begin(), s.ready.end(), [&](const ReadyChip& c) { return c.handle == a.handle; });
  // Two queued handles that read the same (two _on_task_done callbacks) would be one button: not asked.
  const bool distinct = std::all_of(s.ready.begin(), s.ready.end(), [&](const ReadyChip& c) {
    return std::any_of(q.choices.begin(), q.choices.end(), [&](const Choice& x) { return x.handle == c.handle; });
  });
  return !s.ready.empty() && s.ready.size() <= 5 && q.choices.size() >= 2 && foreseen && distinct;
}

// "In what order does the iteration run its handles?", for 2 to 4 handles:
// each choice is one handle that ran (the ready chip it was, or the timer or
// I/O whose callback the poll queued), listed by name so the list does not
// give the order away. Not asked where CPython does not fix the order: two
// timers due at the same time (a heap's ties), two I/O callbacks of one poll
// (the OS's order), a pool job's or another thread's callback (timing),
// handles TaskGroup queued in set order (`loose`).
bool order_question(const Model& m, const LoopState& s, size_t ask_at, const std::vector<size_t>& runs,
                    const std::unordered_set<int32_t>& loose, Question& q) {
  if (runs.size() < 2 || runs.size() > 4) return false;
  const auto& ev = m.events();
  q = new_question(Question::Kind::order, ask_at, runs.back(), ev[runs.back()].it);
  std::vector<int64_t> dues;
  int ios = 0;
  for (size_t run : runs) {
    const Event& r = ev[run];
    if (loose.count(r.id)) return false;
    Choice c;
    auto chip = std::find_if(s.ready.begin(), s.ready.end(), [&](const ReadyChip& x) { return x.handle == r.id; });
    if (chip != s.ready.end()) {
      c = {Choice::Kind::ready, chip->task, handle_name(m, chip->fn, chip->task, chip->label), chip->handle};
    } else {
      const auto [pushed, fired] = queued_by(m, ask_at, run);
      if (!pushed) return false;
      if (fired) {
        const int32_t timer = as<ev::Timer>(*fired).timer;
        auto t = std::find_if(s.timers.begin(), s.timers.end(), [&](const TimerChip& x) { return x.timer == timer; });
        if (t == s.timers.end() || std::find(dues.begin(), dues.end(), t->due_ns) != dues.end()) return false;
        dues.push_back(t->due_ns);
        c = {Choice::Kind::timer, t->task, timer_name(m, *t)};
        c.timer = timer;
      } else if (Cause(pushed->code) == Cause::io && ios++ == 0) {
        auto io = std::find_if(s.io.begin(), s.io.end(), [&](const IoChip& x) { return x.task == r.task; });
        if (io == s.io.end()) return false;
        c = {Choice::Kind::io, io->task, "I/O for " + owner(m, io->task) + " (" + name(io->kind) + ")"};
        c.op = io->op;
      } else {
        return false;
      }
    }
    for (const Choice& x : q.choices)
      if (x.label == c.label) return false;  // two buttons that read the same
    q.choices.push_back(std::move(c));
  }
  // Listed by name; `order` keeps the run order.
  std::vector<int> idx(q.choices.size());
  for (size_t k = 0; k < idx.size(); ++k) idx[k] = int(k);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return q.choices[size_t(a)].label < q.choices[size_t(b)].label; });
  std::vector<Choice> sorted;
  q.order.assign(idx.size(), -1);
  for (size_t k = 0; k < idx.size(); ++k) {
    sorted.push_back(q.choices[size_t(idx[k])]);
    q.order[k] = idx[k];  // shown at k: the handle that ran at position idx[k]
  }
  q.choices = std::move(sorted);
  q.answer = int(std::find(q.order.begin(), q.order.end(), 0) - q.order.begin());
  return true;
}

// Every handle question of loop 0, in one forward pass: the loop's state is
// advanced event by event (no state_at per iteration), and the handles whose
// order CPython leaves to a set are noted as they are queued.
struct HandleQuestions {
  std::vector<Question> first, last, order;
};
HandleQuestions handle_questions(const Model& m) {
  HandleQuestions out;
  const auto& ev = m.events();
  LoopState s;
  s.loop = 0;
  // Handles queued by a TaskGroup._on_task_done that cancelled two or more tasks.
  std::unordered_set<int32_t> loose;
  bool in_on_task_done = false;
  int cancels = 0;
  std::vector<int32_t> pushed;
  auto end_handle = [&] {
    if (in_on_task_done && cancels >= 2) loose.insert(pushed.begin(), pushed.end());
    in_on_task_done = false, cancels = 0, pushed.clear();
  };
  // The iteration walked: where its question stops, the state there, its runs.
  uint32_t it = 0;
  size_t ask_at = 0, prev0 = 0;
  LoopState at;
  std::vector<size_t> runs;
  auto snapshot = [&](size_t i) {
    ask_at = i;
    at.ready = s.ready, at.timers = s.timers, at.io = s.io, at.workers = s.workers;
  };
  auto close = [&] {
    if (runs.size() >= 2 && !at.ready.empty() && at.ready.size() <= 5) {  // else last_is_fair says no
      Question q = handle_question(m, at, ask_at, runs.back(), Question::Kind::last_handle);
      if (last_is_fair(at, q) && !loose.count(ev[runs.back()].id)) out.last.push_back(std::move(q));
    }
    if (Question q; order_question(m, at, ask_at, runs, loose, q)) out.order.push_back(std::move(q));
    runs.clear();
  };
  for (size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (e.loop != 0) continue;
    if (e.it != it && e.it > it) {  // a new iteration: its question stops before it
      close();
      it = e.it;
      if (e.kind != Ev::loop_iter) snapshot(prev0);  // (a loop.iter takes its own, below)
    }
    m.advance(s, i);
    prev0 = i;
    switch (e.kind) {
      case Ev::loop_iter:
        end_handle();
        if (runs.empty()) snapshot(i);
        break;
      case Ev::ready_run:
        end_handle();
        in_on_task_done = as<ev::ReadyRun>(e).fn == HandleFn::taskgroup_on_task_done;
        if (runs.empty() && it > 0) {
          Question q = handle_question(m, at, ask_at, i, Question::Kind::first_handle);
          if (q.choices.size() >= 2 && !loose.count(e.id)) out.first.push_back(std::move(q));
        }
        if (it > 0) runs.push_back(i);
        break;
      case Ev::task_cancel: ++cancels; break;
      case Ev::ready_push: pushed.push_back(e.id); break;
      default: break;
    }
  }
  close();
  return out;
}
}  // namespace

std::vector<Question> questions(const Model& m) { return handle_questions(m).first; }

std::vector<size_t> decisions(const Model& m) {
  std::vector<size_t> out;
  for (const Question& q : questions(m)) out.push_back(q.answer_at);
  return out;
}

Question question_for(const Model& m, size_t answer_at) {
  const size_t ask_at = ask_point(m, answer_at);
  return handle_question(m, m.state_at(ask_at, 0), ask_at, answer_at, Question::Kind::first_handle);
}

std::vector<Question> last_handle_questions(const Model& m) { return handle_questions(m).last; }

std::vector<Question> order_questions(const Model& m) { return handle_questions(m).order; }

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
    Question q = new_question(Question::Kind::cancel_outcome, i, end, b.it);
    q.cancelled_in = cancelled_in[t];
    add_outcomes(q, b.task, {CancelOutcome::ends_cancelled, CancelOutcome::awaits_again, CancelOutcome::returns,
                             CancelOutcome::raises_other}, outcome_label, &o);
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
        Question q = new_question(Question::Kind::gather_error, failed_at, 0, d.it);  // answered at the parent's next step
        add_outcomes(q, child->parent, {GatherOutcome::raises, GatherOutcome::returns_list, GatherOutcome::cancels_first},
                     [&](GatherOutcome o) { return fill(gather_label(o), type_of_repr(d.s1)); });
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
  HandleQuestions h = handle_questions(m);
  std::vector<Question> all = std::move(h.first), more = cancel_questions(m), gathers = gather_questions(m);
  // Per iteration: the order of the whole iteration where it runs three or
  // four handles; else, where the first handle is just the front of the ready
  // queue, which runs last.
  size_t k = 0, o = 0;
  for (Question& q : all) {
    while (o < h.order.size() && h.order[o].it < q.it) ++o;
    if (o < h.order.size() && h.order[o].it == q.it && h.order[o].choices.size() >= 3) {
      q = h.order[o];
      continue;
    }
    while (k < h.last.size() && h.last[k].it < q.it) ++k;
    if (k == h.last.size() || h.last[k].it != q.it) continue;
    const Choice& a = q.choices[size_t(q.answer)];
    if (q.answer == 0 && a.kind == Choice::Kind::ready) q = h.last[k];
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
  if (q.kind == Question::Kind::order)
    return "Iteration " + std::to_string(q.it) + " is about to start and runs these " + std::to_string(q.choices.size()) +
           " handles. In what order? Click them first to last.";
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
  if (q.kind == Question::Kind::order) return explain_order(m, q, {});
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
  // The handle as the explanation names it: what it is, or its label quoted.
  const HandleFn fn = as<ev::ReadyRun>(r).fn;
  const std::string label = handle_purpose(fn) ? handle_name(m, fn, r.task, r.s1)
                                               : "'" + std::string(r.s1 ? r.s1 : "a handle") + "'";
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
      return out + label + " was the last handle queued before the iteration began, and the poll added "
             "nothing behind it.";
    return out + label + " was queued by the poll, behind the handles already ready.";
  }
  if (chosen == q.answer) out = "Right: " + who + ". ";
  else if (chosen >= 0) out = "Not this time: " + who + " runs first, not " + q.choices[size_t(chosen)].label + ". ";
  else out = who + " runs first. ";

  size_t push = push_of(m, r.id, q.answer_at);
  if (push == SIZE_MAX) return out + "The loop ran " + label + ", the first handle of iteration " + std::to_string(q.it) + ".";
  const Event& p = ev[push];
  std::string name = task_name(m, r.task);
  if (push <= q.ask_at)
    return out + label + " was already in the ready queue, queued in iteration " + std::to_string(p.it) +
           ". The loop still polls (without waiting: work is ready) and checks its timers, but anything they "
           "wake joins the back of the queue. Ready handles run first in, first out.";
  switch (Cause(p.code)) {
    case Cause::timer:
      return out + "Nothing was ready, so the poll's timeout was the soonest timer's delay" +
             (name.empty() ? "" : " (" + name + "'s)") + ": when it was due, the loop queued the timer's callback (" +
             label + "), which runs first.";
    case Cause::io:
      return out + "Nothing was ready, so the loop waited in its poll until the operating system reported I/O" +
             (name.empty() ? "" : " for " + name) + ". Its callback (" + label + ") was queued and runs first.";
    case Cause::pool:
      return out + "Nothing was ready, so the loop waited in its poll until a thread-pool worker finished a job" +
             (name.empty() ? "" : " of " + name) + ". The completion (" + label + ") was queued and runs first.";
    default:
      return out + narrate(m, push);
  }
}

bool right_order(const Question& q, const std::vector<int>& picked) {
  if (picked.size() != q.order.size()) return false;
  for (size_t k = 0; k < picked.size(); ++k)
    if (picked[k] < 0 || size_t(picked[k]) >= q.order.size() || q.order[size_t(picked[k])] != int(k)) return false;
  return true;
}

std::string explain_order(const Model& /*m*/, const Question& q, const std::vector<int>& picked) {
  // The choices in run order.
  std::vector<int> ran(q.order.size());
  for (size_t k = 0; k < q.order.size(); ++k) ran[size_t(q.order[k])] = int(k);
  auto list = [&](const std::vector<int>& ks) {
    std::string out;
    for (size_t k = 0; k < ks.size(); ++k) out += (k ? ", " : "") + q.choices[size_t(ks[k])].label;
    return out;
  };
  std::string out = right_order(q, picked) ? "Right: " + list(ran) + ". "
                    : picked.empty()        ? "The order: " + list(ran) + ". "
                                            : "Not this time: the loop ran " + list(ran) + " (not " + list(picked) + "). ";
  int queued = 0, woken = 0;
  for (const Choice& c : q.choices) (c.kind == Choice::Kind::ready ? queued : woken) += 1;
  out += "After the poll the loop runs exactly the handles queued by then, first in, first out";
  if (queued && woken)
    out += ": the " + std::to_string(queued) + " already in the ready queue (in the order they were queued), then " +
           "what the poll queued behind them: the callbacks of ready I/O, then those of due timers, soonest first.";
  else if (woken)
    out += ". Nothing was ready before the poll: it queued the callbacks of ready I/O, then those of due timers, "
           "soonest first.";
  else
    out += ", in the order they were queued (the poll added nothing).";
  out += " Whatever these handles queue waits for iteration " + std::to_string(q.it + 1) + ".";
  return out;
}

}  // namespace loopscope::model
