// The "Why" panel: one or two plain sentences about the event at the
// playhead, naming tasks, and saying why the loop did it in asyncio's terms
// (CPython 3.11). Everything is derived from the events' fields (a handle's
// `fn`, a step's `on`, a poll's `timeout_ms`...), never from labels, so a
// CPython-recorded trace reads the same; labels are only quoted. Where the
// trace does not say, the sentence says less.
//
// [SECTION] Helpers
// [SECTION] Handles on the ready queue
// [SECTION] Steps and awaits
// [SECTION] narrate()
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/trace_schema.hpp"
#include "model/model.hpp"

#include "core/trace_schema.hpp"

namespace loopscope::model {

namespace {

// [SECTION] Helpers

// Look-backs are bounded so that narration stays cheap on huge traces.
constexpr size_t kLookBack = 1 << 16;

struct Ctx {
  const Model& m;
  size_t i;
  const Event& e;

  std::string task_name(int32_t id) const {
    if (id < 0) return "a callback";
    const TaskInfo* t = m.task(id, e.loop);
    return t ? t->name : "Task-" + std::to_string(id + 1);
  }
  std::string who() const { return task_name(e.task); }

  template <class Pred>
  const Event* back(Pred pred, size_t from) const {
    const std::vector<Event>& ev = m.events();
    for (size_t j = from, n = 0; j-- > 0 && n < kLookBack; ++n)
      if (ev[j].loop == e.loop && pred(ev[j])) return &ev[j];
    return nullptr;
  }
  template <class Pred>
  const Event* next(Pred pred, size_t from) const {
    const std::vector<Event>& ev = m.events();
    for (size_t j = from + 1, n = 0; j < ev.size() && n < kLookBack; ++j, ++n)
      if (ev[j].loop == e.loop && pred(ev[j])) return &ev[j];
    return nullptr;
  }
  // The handle the loop was running when this event happened (its ready.run).
  const Event* running_handle() const {
    return back([](const Event& x) { return x.kind == Ev::ready_run || x.kind == Ev::loop_iter; }, i);
  }
  // Was cancel() called on `task` and not yet delivered, as of event `at`?
  bool cancelling(int32_t task, size_t at) const {
    LoopState s = m.state_at(at, e.loop);
    const TaskSnapshot* t = snapshot(s, task);
    return t && t->cancelling;
  }
  const TaskSnapshot* snapshot(const LoopState& s, int32_t task) const {
    int32_t k = m.task_index(task, e.loop);
    return k >= 0 && size_t(k) < s.tasks.size() ? &s.tasks[size_t(k)] : nullptr;
  }
  // Has `task` run a step before event `at`? (Its first step starts the coroutine from the top.)
  bool started(int32_t task, size_t at) const {
    return back([&](const Event& x) { return x.kind == Ev::step_begin && x.task == task; }, at) != nullptr;
  }
};


// 0.1 s, 10 ms, 250 µs: what a student reads at a glance.
std::string duration(int64_t ns) {
  char buf[32];
  double ms = double(ns) / 1e6;
  if (ms >= 1000)
    std::snprintf(buf, sizeof buf, "%.3g s", ms / 1000);
  else if (ms >= 100)
    std::snprintf(buf, sizeof buf, "%.2g s", ms / 1000);
  else if (ms >= 1)
    std::snprintf(buf, sizeof buf, "%.0f ms", std::round(ms));
  else
    std::snprintf(buf, sizeof buf, "%.0f µs", std::max(1.0, ms * 1000));
  return buf;
}

// A timer's delay as written in the listing: 0.01 s, 1 s.
std::string delay(int64_t ns) {
  char buf[32];
  double s = std::round(double(ns) / 1e6) / 1000;
  if (s <= 0) return duration(ns);
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string quoted(const char* s) { return std::string("\"") + (s ? s : "") + "\""; }

// [SECTION] Handles on the ready queue

// What an I/O wait watches, from its io.wait's target: the CPython recorder names a pipe "pipe fd N ..."
// (a subprocess's stdin, stdout or stderr); anything else is a socket.
const char* fd_kind(const char* target) { return target && std::strncmp(target, "pipe", 4) == 0 ? "pipe" : "socket"; }

HandleFn fn_of(const Event& e) {
  if (e.kind == Ev::ready_push) return as<ev::ReadyPush>(e).fn;
  if (e.kind == Ev::ready_run) return as<ev::ReadyRun>(e).fn;
  return HandleFn::unset;
}
std::string label_of(const Event& e) { return e.s1 ? e.s1 : "a callback"; }

// The handle (its ready.run) that queued `handle`, searching back from `from`.
const Event* push_of(const Ctx& c, int32_t handle, size_t from) {
  return c.back([&](const Event& x) { return x.kind == Ev::ready_push && x.id == handle; }, from);
}
// The task whose step the running handle is, if it ran a task (its own step/wakeup).
int32_t running_task(const Event* h) {
  return h && h->kind == Ev::ready_run && runs_task(fn_of(*h), h->task) ? h->task : -1;
}
// Did `task` finish (task.done) in the running handle? The engine writes
// task.done before the done-callbacks it schedules; CPython schedules them
// inside set_result (the task is already done) and the recorder writes
// task.done once the step returns: so a task.done later in the same handle
// counts too (not yet in the trace while it streams: the sentence says less).
bool finished_in_handle(const Ctx& c, int32_t task) {
  const Event* h = c.running_handle();
  if (!h) return false;
  const std::vector<Event>& ev = c.m.events();
  auto done = [&](const Event& x) { return x.kind == Ev::task_done && x.task == task && x.loop == c.e.loop; };
  for (size_t j = c.i; j-- > 0 && &ev[j] != h;)
    if (done(ev[j])) return true;
  for (size_t j = c.i + 1, n = 0; j < ev.size() && n < kLookBack; ++j, ++n) {
    if (ev[j].loop != c.e.loop) continue;
    if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
    if (done(ev[j])) return true;
  }
  return false;
}
// Did the running handle queue a handle for `cause` (before this event, or
// after it: the engine writes task.done before the callbacks it schedules)?
bool queued_in_handle(const Ctx& c, Cause cause) {
  const Event* h = c.running_handle();
  if (!h) return false;
  auto pushed = [&](const Event& x) { return x.kind == Ev::ready_push && Cause(x.code) == cause; };
  const std::vector<Event>& ev = c.m.events();
  for (size_t j = c.i; j-- > 0 && &ev[j] != h;)
    if (ev[j].loop == c.e.loop && pushed(ev[j])) return true;
  const Event* next = c.next([&](const Event& x) {
    return pushed(x) || x.kind == Ev::ready_run || x.kind == Ev::loop_iter;
  }, c.i);
  return next && pushed(*next);
}
const TaskSnapshot* snap(const LoopState& s, const Model& m, int32_t task, uint8_t loop) {
  int32_t k = m.task_index(task, loop);
  return k >= 0 && size_t(k) < s.tasks.size() ? &s.tasks[size_t(k)] : nullptr;
}

// The task whose step queued the handle of push event `p` (-1: not a task's step).
int32_t pushed_by(const Ctx& c, const Event* p) {
  if (!p) return -1;
  return running_task(c.back([](const Event& x) { return x.kind == Ev::ready_run || x.kind == Ev::loop_iter; },
                             size_t(p - c.m.events().data())));
}
// _run_until_complete_cb is the done-callback of the future run_until_complete
// runs: the task whose step queued it (CPython queues it as the coroutine ends,
// before the task.done the recorder writes after the step).
// A gather() (asyncio.run's shutdown waits for the tasks it cancelled this way) is
// done in its last child's done-callback: "the gather()".
std::string completed_future(const Ctx& c, const Event* push) {
  const int32_t x = pushed_by(c, push);
  if (x >= 0) return c.task_name(x);
  const Event* h = push ? c.back([](const Event& y) { return y.kind == Ev::ready_run || y.kind == Ev::loop_iter; },
                                 size_t(push - c.m.events().data()))
                        : nullptr;
  if (h && h->kind == Ev::ready_run && fn_of(*h) == HandleFn::gather_done_callback) return "the gather()";
  return "the future run_until_complete runs";
}
// Is the handle pushed at event `at` cancelled (ready.cancel) before it runs?
bool cancelled_before_run(const Ctx& c, int32_t handle, size_t at) {
  const Event* x = c.next([&](const Event& y) {
    return (y.kind == Ev::ready_run || y.kind == Ev::ready_cancel) && y.id == handle;
  }, at);
  return x && x->kind == Ev::ready_cancel;
}

// Is the executor future's callback being pushed (from another thread) a
// recorded thread-pool job's? Each such push follows its job's pool.end: going
// back, a pool.end not matched by a later such push is this one's. A
// ProcessPoolExecutor's job has no pool events (no worker thread to watch),
// nor has a job the program submits itself (wrap_future(pool.submit(...))).
bool is_job_done_push(const Event& x) {
  return x.kind == Ev::ready_push && fn_of(x) == HandleFn::pool_done && Cause(x.code) == Cause::threadsafe;
}
// That job's pool.end, for the push at `at` (null: not a recorded thread-pool job's).
const Event* thread_job_end(const Ctx& c, size_t at) {
  int ends = 0, pushes = 0;
  return c.back([&](const Event& x) {
    if (x.kind == Ev::pool_end) ++ends;
    if (is_job_done_push(x)) ++pushes;
    return ends > pushes;
  }, at);
}
bool after_thread_job(const Ctx& c) { return thread_job_end(c, c.i) != nullptr; }
// The other way: the push of the executor callback that the job ending at pool.end `c.e` queues.
const Event* job_done_push(const Ctx& c) {
  int ends = 0, pushes = 0;
  return c.next([&](const Event& x) {
    if (x.kind == Ev::pool_end) ++ends;
    if (is_job_done_push(x)) ++pushes;
    return pushes > ends;
  }, c.i);
}
// Did the thread-pool job whose executor callback `push` queued raise (pool.end's raised)?
bool job_raised(const Ctx& c, const Event* push) {
  const Event* end = push ? thread_job_end(c, size_t(push - c.m.events().data())) : nullptr;
  return end && as<ev::PoolEnd>(*end).raised;
}

// When the handle just pushed from another thread (call_soon_threadsafe) runs:
// while the loop waits in its poll it joins this iteration's handles (_run_once
// counts the queue after the poll), while they run it waits for the next one.
bool runs_this_iteration(const Ctx& c) {
  const LoopState s = c.m.state_at(c.i, c.e.loop);
  return !s.ready.empty() && s.this_iter >= s.ready.size();
}
std::string threadsafe_when(const Ctx& c) {
  return runs_this_iteration(c)
             ? "It came while the loop waited in its poll, so it runs later in this same iteration."
             : "It came while the loop was running this iteration's handles, so it runs in the next iteration.";
}
// Any push: _run_once runs what the queue held after its poll. A push made
// outside this iteration's handles (a signal handler during the poll) is among them.
std::string when_it_runs(const Ctx& c) {
  return runs_this_iteration(c) ? "It runs later in this same iteration." : "It runs in the next iteration.";
}

// How the program ran its loop, as its run.begin says.
Entry run_entry(const Ctx& c, size_t at) {
  const Event* b = c.back([](const Event& x) { return x.kind == Ev::run_begin; }, at);
  return b ? as<ev::RunBegin>(*b).entry : Entry::unset;
}

// Where task `w`'s wait_for() (3.11) stands as of event `at`, from the trace's
// order alone: its deadline is the last wait_for timer `w` armed, and the wait
// goes on until a step of `w` ends elsewhere. The deadline has passed if that
// timer fired since (wait_for then cancels the inner awaitable and waits for it,
// _cancel_and_wait); `w` was cancelled itself if CancelledError was thrown into
// it since (wait_for's `except CancelledError:` cancels the inner awaitable,
// waits for it, then raises the CancelledError again).
enum class WaitFor { waiting, timed_out, cancelled };
WaitFor wait_for_state(const Ctx& c, int32_t w, size_t at) {
  if (w < 0) return WaitFor::waiting;
  const Event* arm = c.back([&](const Event& x) {
    return x.kind == Ev::timer_arm && x.task == w && as<ev::Timer>(x).fn == HandleFn::wait_for_release_waiter;
  }, at);
  if (!arm) return WaitFor::waiting;
  const std::vector<Event>& ev = c.m.events();
  bool fired = false;
  for (size_t j = size_t(arm - ev.data()) + 1; j < at && j < ev.size(); ++j) {
    const Event& x = ev[j];
    if (x.loop != c.e.loop) continue;
    if (x.kind == Ev::timer_fire && x.id == arm->id) fired = true;
    if (x.kind == Ev::step_end && x.task == w && as<ev::StepEnd>(x).on != AwaitOn::wait_for) return WaitFor::waiting;
    if (x.kind == Ev::step_begin && x.task == w) {
      const char* thrown = as<ev::StepBegin>(x).thrown;
      if (thrown && std::string_view(thrown) == "CancelledError") return WaitFor::cancelled;
    }
  }
  return fired ? WaitFor::timed_out : WaitFor::waiting;
}

// The step.end of `task` that ends the step running at event `at` (same handle), if written yet.
const Event* step_end_after(const Ctx& c, int32_t task, size_t at) {
  const std::vector<Event>& ev = c.m.events();
  for (size_t j = at + 1, n = 0; j < ev.size() && n < kLookBack; ++j, ++n) {
    if (ev[j].loop != c.e.loop) continue;
    if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
    if (ev[j].kind == Ev::step_end && ev[j].task == task) return &ev[j];
  }
  return nullptr;
}

// A wait_for _release_waiter queued (push `p`) not by its deadline's timer: the
// inner awaitable's done-callback. `how` is where the wait_for stood then:
// waiting (the inner finished first: before the deadline), timed_out (the
// release is _cancel_and_wait's, after the deadline) or cancelled (the task in
// wait_for was cancelled itself). `inner` is the inner task, -1 for a future
// (asyncio.shield()'s outer future, an executor's future: Future.cancel()
// completes it at once, in the step of the task in wait_for, so it ends cancelled).
struct WaitForRelease {
  int32_t w = -1, inner = -1;
  WaitFor how = WaitFor::waiting;
  const Event* inner_done = nullptr;  // the inner task's task.done
};
WaitForRelease wait_for_release(const Ctx& c, const Event* p) {
  WaitForRelease r;
  if (!p || Cause(p->code) == Cause::timer) return r;
  const size_t at = size_t(p - c.m.events().data());
  const int32_t x = pushed_by(c, p);
  if (x < 0) return r;
  // Queued in the step of the task in wait_for itself, which stays in wait_for: it cancelled a future.
  const Event* end = step_end_after(c, x, at);
  const WaitFor own = wait_for_state(c, x, at);
  if (own != WaitFor::waiting && end && as<ev::StepEnd>(*end).on == AwaitOn::wait_for) {
    r.w = x;
    r.how = own;
    return r;
  }
  // The inner task's last step: the task in wait_for cancelled it.
  const Event* cancel = c.back([&](const Event& y) { return y.kind == Ev::task_cancel && y.task == x; }, at);
  const int32_t w = cancel ? as<ev::TaskCancel>(*cancel).by : -1;
  if (w < 0 || w == x) return r;
  const WaitFor how = wait_for_state(c, w, size_t(cancel - c.m.events().data()) + 1);
  if (how == WaitFor::waiting) return r;
  r.w = w;
  r.inner = x;
  r.how = how;
  // The recorder writes task.done after the step that queued the callback; the engine before it.
  auto done = [&](const Event& y) { return y.kind == Ev::task_done && y.task == x; };
  r.inner_done = c.back(done, at + 1);
  const std::vector<Event>& ev = c.m.events();
  for (size_t j = at + 1; !r.inner_done && j < ev.size() && j < at + kLookBack; ++j)
    if (ev[j].loop == c.e.loop) {
      if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
      if (done(ev[j])) r.inner_done = &ev[j];
    }
  return r;
}

// What the wait_for does once _cancel_and_wait's wait is over (`r` not waiting): a sentence.
std::string wait_for_then(const Ctx& c, const WaitForRelease& r) {
  const std::string W = c.task_name(r.w);
  if (r.how == WaitFor::cancelled)
    return "Then wait_for raises the CancelledError again in " + W + " (3.11: the bare raise after _cancel_and_wait in "
           "its except CancelledError:), so " + W + " goes on being cancelled.";
  if (r.inner < 0) return "Then wait_for raises TimeoutError in " + W + ".";
  const std::string X = c.task_name(r.inner);
  if (!r.inner_done)
    return "Then wait_for raises TimeoutError in " + W + " (or returns " + X + "'s result, if " + X +
           " swallowed the cancellation).";
  switch (Outcome(r.inner_done->code)) {
    case Outcome::cancelled: break;
    case Outcome::result:
      return X + " caught the CancelledError and returned, so wait_for returns " + X + "'s result (" +
             (r.inner_done->s1 ? r.inner_done->s1 : "None") + ") in " + W + " instead of raising TimeoutError.";
    case Outcome::error:
      return X + " raised " + (r.inner_done->s1 ? r.inner_done->s1 : "an exception") + " instead of ending "
             "cancelled, so wait_for raises that in " + W + ", not TimeoutError.";
  }
  return "Then wait_for raises TimeoutError in " + W + ".";
}
// The inner awaitable `r` names, as the object of a sentence.
std::string wait_for_inner(const Ctx& c, const WaitForRelease& r) {
  return r.inner >= 0 ? c.task_name(r.inner)
                      : "the future it waits on (not a task: e.g. asyncio.shield()'s outer future, whose shielded task "
                        "runs on, or an executor's future)";
}
// Why wait_for cancelled its inner awaitable.
std::string wait_for_why(const Ctx& c, const WaitForRelease& r) {
  return r.how == WaitFor::cancelled ? c.task_name(r.w) + " was cancelled while in wait_for"
                                     : "the deadline of " + c.task_name(r.w) + "'s wait_for() had passed";
}

// The task a timer handle (a sleep's callback, Timeout._on_timeout) is for,
// queued at push event `p`: its own task, else the owner of the timer that
// just fired (CPython's handles name no task), else the task whose step
// queued it (a deadline already past).
int32_t timer_task(const Ctx& c, const Event* p) {
  if (!p) return -1;
  if (p->task >= 0) return p->task;
  if (Cause(p->code) != Cause::timer) return pushed_by(c, p);
  const size_t at = size_t(p - c.m.events().data());
  const Event* f = c.back([](const Event& x) { return x.kind == Ev::timer_fire || x.kind != Ev::ready_push; }, at);
  return f && f->kind == Ev::timer_fire ? f->task : -1;
}

// Is the running handle `h` task `x`'s step that CancelledError was thrown into
// while `x` waited on `on` (it never held the lock or semaphore it waited for)?
bool cancelled_while_waiting_for(const Ctx& c, int32_t x, const Event* h, AwaitOn on) {
  const size_t at = size_t(h - c.m.events().data());
  const LoopState before = c.m.state_at(at ? at - 1 : 0, c.e.loop);
  const TaskSnapshot* w = c.snapshot(before, x);
  if (!w || w->on != on) return false;
  const Event* b = c.back([&](const Event& y) { return y.kind == Ev::step_begin || &y == h; }, c.i);
  const char* thrown = b && b->kind == Ev::step_begin && b->task == x ? as<ev::StepBegin>(*b).thrown : nullptr;
  return thrown && std::string_view(thrown) == "CancelledError";
}

// What the running handle did that completed the future `t` awaits (`t`'s wakeup is being queued).
std::string completer(const Ctx& c, const std::string& t) {
  const Event& e = c.e;
  const Event* h = c.running_handle();
  const LoopState s = c.m.state_at(c.i, e.loop);
  const TaskSnapshot* w = snap(s, c.m, e.task, e.loop);
  const AwaitOn on = w ? w->on : AwaitOn::unset;
  const int32_t x = running_task(h);
  const std::string next = t + "'s wakeup joins the ready queue: " + t + " resumes after its await in the next iteration.";
  if (!h || h->kind != Ev::ready_run) return "The future " + t + " awaits is done, so " + next;
  switch (fn_of(*h)) {
    case HandleFn::sleep_set_result: return "The timer callback has set the sleep future's result, so " + next;
    case HandleFn::gather_done_callback:
      return "gather's _done_callback has completed the gather's outer future, so " + t + ", which awaits it, wakes: " + next;
    case HandleFn::taskgroup_on_task_done:
      return "The TaskGroup's last task has finished, so _on_task_done sets the future that the end of the async with "
             "block awaits: " + next;
    case HandleFn::wait_for_release_waiter: {
      const Event* p = push_of(c, h->id, c.i);
      bool deadline = p && Cause(p->code) == Cause::timer;
      if (const WaitForRelease r = wait_for_release(c, p); !deadline && r.how != WaitFor::waiting)
        return (r.inner >= 0 ? "The inner task " + c.task_name(r.inner) : std::string("The future")) + " that " + t +
               "'s wait_for() cancelled " + (r.how == WaitFor::cancelled ? "when " + t + " itself was cancelled"
                                                                          : std::string("at its deadline")) +
               " is done: _release_waiter (_cancel_and_wait's) sets the waiter future, so " + next + " " +
               wait_for_then(c, r);
      return deadline ? "wait_for's deadline has passed: _release_waiter sets the waiter future " + t +
                            " awaits. " + t + " will cancel the inner task (or future), wait for it to finish, then raise "
                            "TimeoutError. " + next
                      : "The inner task of " + t + "'s wait_for has finished: _release_waiter sets the waiter future, "
                            "so " + next;
    }
    case HandleFn::pool_done:
      if (job_raised(c, push_of(c, h->id, c.i)))
        return "The executor's job raised: its exception came back to the loop and was set on the future " + t +
               " awaits, so " + t + "'s wakeup joins the ready queue: the exception is raised at " + t +
               "'s await in the next iteration.";
      return "The executor's result came back to the loop and set the future " + t + " awaits, so " + next;
    case HandleFn::waiter_set_result:
      return "futures._set_result_unless_cancelled has set the waiter future " + t + " awaits (asyncio does this "
             "when a transport's connection is made, and for a few internal waits such as shutting down the default "
             "executor), so " + next;
    case HandleFn::io_callback: return "The I/O callback " + label_of(*h) + " completed the future " + t + " awaits, so " + next;
    case HandleFn::run_until_complete_cb: case HandleFn::timeout_on_timeout: case HandleFn::callback:
      return "The callback " + label_of(*h) + " completed the future " + t + " awaits, so " + next;
    case HandleFn::task_step: case HandleFn::task_wakeup: case HandleFn::unset: break;
  }
  if (x < 0) return "The future " + t + " awaits is done, so " + next;
  const std::string X = c.task_name(x);
  if (finished_in_handle(c, x) && (on == AwaitOn::unset || on == AwaitOn::task || on == AwaitOn::wait_for))
    return X + " has finished, which completes what " + t + " awaits, so " + next;
  // A waiter cancelled in its turn: get(), put() and acquire() catch CancelledError and wake the next waiter.
  if (cancelled_while_waiting_for(c, x, h, on)) switch (on) {
    case AwaitOn::queue_get:
      return X + " was cancelled while it waited in get(), after an item had come for it: get() passes the wakeup "
             "on to the next waiting getter, " + t + ", so " + next;
    case AwaitOn::queue_put:
      return X + " was cancelled while it waited in put(), after a slot had freed for it: put() passes the wakeup "
             "on to the next waiting putter, " + t + ", so " + next;
    case AwaitOn::lock_acquire: case AwaitOn::semaphore_acquire:
      return X + " was cancelled while it waited for the " +
             (on == AwaitOn::lock_acquire ? "asyncio.Lock" : "asyncio.Semaphore") +
             ": acquire() passes the wakeup on to the first waiter not yet woken (FIFO), " + t + ", so " + next;
    default: break;
  }
  switch (on) {
    case AwaitOn::queue_get:
      return X + " put an item into the queue (put or put_nowait), which completes the future of " + t +
             "'s waiting get(), so " + next;
    case AwaitOn::queue_put:
      return X + " took an item from the queue (get or get_nowait), which frees a slot and completes the future of " +
             t + "'s waiting put(), so " + next;
    case AwaitOn::queue_join:
      return X + " called task_done() for the last unfinished item, which sets the queue's _finished event that " + t +
             "'s join() awaits, so " + next;
    case AwaitOn::event_wait: return X + " set the asyncio.Event " + t + " waits on, so " + next;
    case AwaitOn::lock_acquire: return X + " released the asyncio.Lock, which wakes the first waiter not yet woken (FIFO), " + t + ", so " + next;
    case AwaitOn::semaphore_acquire: return X + " released the asyncio.Semaphore, which wakes the first waiter not yet woken (FIFO), " + t + ", so " + next;
    default: return X + "'s step completed the future " + t + " awaits, so " + next;
  }
}

// A wakeup by a future that was cancelled while the task awaiting it was not (the recorder's
// future_cancelled): Future.cancel() by someone, or an awaited task that ended cancelled.
std::string future_cancelled(const Ctx& c, const std::string& t) {
  const Event* h = c.running_handle();
  const int32_t x = running_task(h);
  const LoopState s = c.m.state_at(c.i, c.e.loop);
  const TaskSnapshot* w = snap(s, c.m, c.e.task, c.e.loop);
  const bool awaits_task = w && (w->on == AwaitOn::task || w->on == AwaitOn::wait_for);
  const std::string then = ", so " + t + "'s wakeup joins the ready queue: CancelledError is raised at its await " +
                           (runs_this_iteration(c) ? "later in this same iteration" : "in the next iteration") +
                           " (" + t + " itself was not cancelled).";
  if (awaits_task)
    return (x >= 0 && finished_in_handle(c, x) ? c.task_name(x) : std::string("The task ") + t + " awaits") +
           " has ended cancelled, which completes what " + t + " awaits" + then;
  if (x >= 0) return c.task_name(x) + " cancelled the future " + t + " awaits (Future.cancel())" + then;
  if (h && h->kind == Ev::ready_run)
    return "The callback " + label_of(*h) + " cancelled the future " + t + " awaits (Future.cancel())" + then;
  return "The future " + t + " awaits was cancelled (Future.cancel())" + then;
}

std::string push(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  const Cause cause = Cause(e.code);
  const Event* h = c.running_handle();
  const int32_t x = running_task(h);
  // Only a task that finished in the running handle is named as the finished child.
  const bool x_done = x >= 0 && finished_in_handle(c, x);
  const std::string child = x_done ? c.task_name(x) + " has finished" : "An awaited child is done";
  switch (fn_of(e)) {
    case HandleFn::sleep_set_result: {
      const int32_t k = timer_task(c, &e);
      const std::string t = k >= 0 ? c.task_name(k) : "a task";
      return "The timer of " + t + "'s sleep is due, so after the poll the loop queues its callback "
             "(futures._set_result_unless_cancelled). It runs in this same iteration, after the handles already "
             "queued, and sets the sleep future's result.";
    }
    case HandleFn::gather_done_callback:
      return child + ", so gather's _done_callback for it is queued (a done-callback of the child). It runs in the "
             "next iteration.";
    case HandleFn::taskgroup_on_task_done:
      return child + ", so the TaskGroup's _on_task_done is queued. In the next iteration it removes the task from "
             "the group, and if it failed, cancels the other tasks.";
    case HandleFn::timeout_on_timeout: {
      const int32_t k = timer_task(c, &e);
      const std::string in = k >= 0 ? c.task_name(k) : "the task inside the block";
      return "The deadline of the asyncio.timeout() block in " + in + " has passed, so Timeout._on_timeout is queued. " +
             (cause == Cause::timer ? "It runs in this same iteration" : "It runs in the next iteration") +
             " and cancels " + in + ".";
    }
    case HandleFn::wait_for_release_waiter:
      if (const WaitForRelease r = wait_for_release(c, &e); r.how != WaitFor::waiting) {
        const std::string W = c.task_name(r.w);
        if (r.inner < 0)  // Future.cancel() completes it now, in W's step: its done-callbacks are queued
          return (r.how == WaitFor::cancelled ? W + " was cancelled while in wait_for, so wait_for cancels "
                                              : "The deadline of " + W + "'s wait_for() has passed, so wait_for cancels ") +
                 wait_for_inner(c, r) + " and waits for it (_cancel_and_wait). Cancelling a future completes it at "
                 "once, so its done-callback _release_waiter is queued for the next iteration. " + wait_for_then(c, r);
        const std::string X = c.task_name(r.inner);
        return X + " has ended: " + W + "'s wait_for() cancelled it " +
               (r.how == WaitFor::cancelled ? "when " + W + " itself was cancelled" : std::string("when its deadline passed")) +
               " and waited for it to finish (_cancel_and_wait), so that wait's _release_waiter is queued for the next "
               "iteration. " + wait_for_then(c, r);
      }
      return cause == Cause::timer
                 ? "The deadline of a wait_for() has passed, so its _release_waiter is queued; it runs in this same "
                   "iteration and releases the task waiting in wait_for."
                 : child + ", so wait_for's _release_waiter (a done-callback of the inner task) is queued for the "
                   "next iteration.";
    case HandleFn::run_until_complete_cb: {
      const std::string x = completed_future(c, &e);
      if (x == "the gather()") {
        const LoopState st = c.m.state_at(c.i, e.loop);
        const TaskSnapshot* main = c.snapshot(st, 0);
        const bool shutdown = run_entry(c, c.i) == Entry::asyncio_run && main && main->state == TaskState::done;
        return std::string("The gather() that run_until_complete waits for is done: its last task has ended") +
               (shutdown ? " (asyncio.run's shutdown waits this way for the tasks it cancelled)" : "") +
               ". Its done-callback _run_until_complete_cb is queued; when it runs in the next iteration it calls "
               "loop.stop(), and run_until_complete returns after that iteration.";
      }
      return x + "'s coroutine has ended, so its done-callback _run_until_complete_cb is queued. When it runs in the "
             "next iteration it calls loop.stop(): run_until_complete(" + x + ") returns after that iteration.";
    }
    case HandleFn::pool_done:
      if (cause == Cause::threadsafe && !after_thread_job(c))  // a ProcessPoolExecutor's, or wrap_future(pool.submit())
        return "An executor's job is done: the thread that finished it (a ProcessPoolExecutor's manager thread, "
               "which gets the result back from the worker process, or the worker of a pool the program submitted "
               "to itself) queues the callback that sets the asyncio future's result (call_soon_threadsafe, which "
               "also wakes the loop's poll). " + threadsafe_when(c);
      if (cause == Cause::threadsafe && as<ev::ReadyPush>(e).future_cancelled)  // _copy_future_state will return early
        return (e.task >= 0 ? "The thread-pool job of " + t + " is done" : std::string("A thread-pool job is done")) +
               ", but the asyncio future it would complete was cancelled already (cancelling it did not stop the "
               "thread): its worker thread still queues the callback (call_soon_threadsafe, which also wakes the "
               "loop's poll), which will find the future cancelled and drop the job's " +
               (job_raised(c, &e) ? "exception" : "result") + ". " + threadsafe_when(c);
      if (cause == Cause::threadsafe)  // CPython: the worker thread's call_soon_threadsafe, which also wakes the poll
        return (e.task >= 0 ? "The thread-pool job of " + t + " is done:" : std::string("A thread-pool job is done:")) +
               " its worker thread queues the callback that sets " +
               (job_raised(c, &e) ? "the exception the job raised on the executor future" : "the executor future's result") +
               " (call_soon_threadsafe, which also wakes the loop's poll). " + threadsafe_when(c);
      return (e.task >= 0 ? "The thread-pool job of " + t + " is done:" : std::string("A thread-pool job is done:")) + " after the poll the loop queues the callback that sets "
             "the executor future's result. It runs later in this same iteration.";
    case HandleFn::io_callback:
      if (cause == Cause::io)
        return "I/O is ready: after the poll the loop queues " + label_of(e) + "." +
               (cancelled_before_run(c, e.id, c.i) ? " It is cancelled before its turn comes, so it never runs."
                                                   : " It runs later in this same iteration.");
      if (cause == Cause::threadsafe)
        return label_of(e) + " joins the ready queue from another thread (call_soon_threadsafe). " + threadsafe_when(c);
      if (cause == Cause::future)  // e.g. sock_sendall's _sock_write_done: a done-callback
        return label_of(e) + ", a done-callback of a future of asyncio's socket code, joins the ready queue: that "
               "future is done. " + when_it_runs(c);
      // A transport's own steps: connection_made, adding its reader, a subprocess pipe's data handed to its
      // protocol, connection_lost, ... (call_soon).
      return "asyncio's transport code queues " + label_of(e) + " with call_soon: transports and their protocols "
             "(sockets, pipes, subprocesses) take steps such as connection_made, handing data on and "
             "connection_lost as callbacks of their own. " + when_it_runs(c);
    case HandleFn::waiter_set_result:
      return std::string("futures._set_result_unless_cancelled joins the ready queue") +
             (cause == Cause::threadsafe ? ", from another thread (call_soon_threadsafe). " + threadsafe_when(c) + " It"
                                         : std::string(". It runs in a later iteration and")) +
             " sets the result of a waiter future, unless that was cancelled: "
             "asyncio does this when a transport's connection is made (what open_connection and a server's "
             "connection setup await), and for a few internal waits.";
    case HandleFn::task_step:
      if (cause == Cause::new_)
        return "create_task() schedules " + t + "'s first step: " + t + " joins the back of the ready queue. Nothing "
               "runs yet; it starts at the earliest in the next iteration.";
      if (cause == Cause::yield)
        return t + " gave control back without waiting for anything (a bare yield, as await asyncio.sleep(0) does), so "
               "its next step goes to the back of the ready queue: the handles queued before it run first, and " + t +
               " continues in the next iteration.";
      break;
    case HandleFn::task_wakeup:
      if (c.cancelling(e.task, c.i))
        return t + " has been cancelled: the future it was awaiting is cancelled, so its wakeup is queued. When it "
               "runs, " + (runs_this_iteration(c) ? "later in this same iteration" : "in the next iteration") +
               ", CancelledError is raised at " + t + "'s await.";
      if (as<ev::ReadyPush>(e).future_cancelled) return future_cancelled(c, t);
      return completer(c, t);
    case HandleFn::unset: case HandleFn::callback: break;
  }
  std::string when = cause == Cause::threadsafe ? threadsafe_when(c) : when_it_runs(c);
  return label_of(e) + " joins the back of the ready queue (cause: " + name(cause) + "). " + when;
}

// What a gather's _done_callback did: the events it emitted before the next handle.
// A gather's child that is not a task which finished in the handle that queued
// its _done_callback (push `p`, queued by handle `ph`, a step of task `pusher`):
// already done when gather() was called (add_done_callback queued the callback
// at once, in the step that then awaits the gather), or a future (not a task)
// that the handle completed: an executor's future, a Future set by a callback.
std::string gather_future_child(const Ctx& c, const Event* p, const Event* ph, int32_t pusher) {
  if (p && pusher >= 0) {
    const std::vector<Event>& ev = c.m.events();
    for (size_t j = size_t(p - ev.data()) + 1; j < ev.size() && j < c.i; ++j) {
      if (ev[j].loop != c.e.loop) continue;
      if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
      if (ev[j].kind == Ev::step_end && ev[j].task == pusher) {
        const ev::StepEnd v = as<ev::StepEnd>(ev[j]);
        if (v.on == AwaitOn::gather || (v.on == AwaitOn::unset && v.wait == Wait::gather))
          return "a child that was already done when gather() was called";
        break;
      }
    }
    return "a future child (not a task) that " + c.task_name(pusher) + "'s step completed";
  }
  if (ph && ph->kind == Ev::ready_run && fn_of(*ph) == HandleFn::pool_done)
    return "a future child (not a task): run_in_executor()'s future, which the executor's result has completed";
  if (ph && ph->kind == Ev::ready_run)
    return "a future child (not a task) that the callback " + label_of(*ph) + " completed";
  return "a future child (not a task)";
}

std::string gather_run(const Ctx& c) {
  const Event& e = c.e;
  const Event* p = push_of(c, e.id, c.i);
  const Event* ph = p ? c.back([](const Event& x) { return x.kind == Ev::ready_run || x.kind == Ev::loop_iter; },
                               size_t(p - c.m.events().data()))
                      : nullptr;
  int32_t x = running_task(ph);
  const int32_t pusher = x;
  const bool x_ended = x >= 0 && (p ? c.back([&](const Event& y) { return y.kind == Ev::task_done && y.task == x; }, c.i)
                                    : nullptr);
  if (!x_ended) x = -1;
  const std::string X = x >= 0 ? c.task_name(x) : gather_future_child(c, p, ph, pusher);
  const Event* d = x >= 0 ? c.back([&](const Event& y) { return y.kind == Ev::task_done && y.task == x; }, c.i) : nullptr;
  const Outcome o = d ? Outcome(d->code) : Outcome::result;
  std::string woken;
  const std::vector<Event>& ev = c.m.events();
  for (size_t j = c.i + 1; j < ev.size() && j < c.i + kLookBack; ++j) {
    if (ev[j].loop != e.loop) continue;
    if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
    if (ev[j].kind == Ev::ready_push && fn_of(ev[j]) == HandleFn::task_wakeup) woken = c.task_name(ev[j].task);
  }
  std::string s = "The loop runs gather's _done_callback for " + X + ". ";
  if (!woken.empty()) {
    if (o == Outcome::cancelled) {
      // Which it was shows at the woken task's next step: CancelledError thrown in, or the list of results.
      const Event* next = nullptr;
      for (size_t j = c.i + 1; j < ev.size() && j < c.i + kLookBack && !next; ++j)
        if (ev[j].loop == e.loop && ev[j].kind == Ev::step_begin && c.task_name(ev[j].task) == woken) next = &ev[j];
      const bool thrown = next && as<ev::StepBegin>(*next).thrown;
      if (next && !thrown)
        return s + X + " was cancelled, and it was the gather's last child: made with return_exceptions=True, the "
               "gather completes with the list of results, this child's CancelledError in its place. " + woken +
               ", which awaits the gather, wakes in the next iteration.";
      if (next)
        return s + X + " was cancelled. Without return_exceptions (3.11), the first cancelled child sets the outer "
               "future's exception to CancelledError at once, even while a sibling's callback is still queued: " +
               woken + ", which awaits the gather, wakes in the next iteration.";
      return s + X + " was cancelled, and the callback completes the gather now: without return_exceptions the first "
             "cancelled child makes it fail with CancelledError; with return_exceptions=True only the last child "
             "completes it, with the list of results. " + woken + ", which awaits the gather, wakes in the next "
             "iteration.";
    }
    if (o == Outcome::error)
      return s + X + " raised " + (d && d->s1 ? d->s1 : "an exception") + ": the callback completes the gather now " +
             "(without return_exceptions the first error becomes the gather's exception; with return_exceptions=True "
             "the gather completes once every child is done, errors among the results). " + woken +
             " wakes in the next iteration.";
    return s + "That was the last child: the callback sets the outer future's result, the list of results in the "
           "order given, and " + woken + ", which awaits the gather, wakes in the next iteration.";
  }
  // The last child of a gather that run_until_complete waits for (asyncio.run's shutdown).
  for (size_t j = c.i + 1; j < ev.size() && j < c.i + kLookBack; ++j) {
    if (ev[j].loop != e.loop) continue;
    if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
    if (ev[j].kind == Ev::ready_push && fn_of(ev[j]) == HandleFn::run_until_complete_cb)
      return s + "That was the last child: the callback sets the gather's result, and run_until_complete's "
                 "done-callback is queued for the next iteration.";
  }
  const LoopState st = c.m.state_at(c.i, e.loop);
  auto on_gather = [](const TaskSnapshot& t) {
    return t.state == TaskState::waiting && (t.on == AwaitOn::gather || (t.on == AwaitOn::unset && t.wait == Wait::gather));
  };
  bool someone_waits = false;
  for (const TaskSnapshot& t : st.tasks) someone_waits |= on_gather(t);
  // gather(coro, ...) wraps its coroutines in tasks created by the task that awaits it: if that
  // one no longer waits on a gather, an earlier child has completed this one's outer future.
  const TaskInfo* child = x >= 0 ? c.m.task(x, e.loop) : nullptr;
  const TaskSnapshot* creator = child ? c.snapshot(st, child->parent) : nullptr;
  if (creator && creator->wait == Wait::gather && !on_gather(*creator)) someone_waits = false;
  const std::string it = x >= 0 ? X : "that child";
  if (!someone_waits) {
    s += "The gather's outer future is already done (an earlier child failed or was cancelled), so the callback "
         "returns at once (if outer.done(): ... return)";
    if (x < 0) return s + ", retrieving the child's exception, if it has one, so that it is not logged.";
    if (o == Outcome::error) return s + ", only retrieving " + it + "'s exception so that it is not logged.";
    if (o == Outcome::cancelled) return s + ": " + it + " was cancelled, so there is nothing to retrieve.";
    return s + ": " + it + "'s result is dropped, since the gather has already failed.";
  }
  return s + "It counts " + it + " as finished; not every child has been counted yet (the others are still running, "
         "or their callbacks are still queued), so the gather is not complete yet.";
}

// BaseEventLoop.close(): what was still queued is dropped, never run.
std::string loop_close(const Ctx& c) {
  const ev::LoopClose v = as<ev::LoopClose>(c.e);
  std::string s = "The loop is closed (loop.close()): its ready queue and its timers are cleared";
  if (v.dropped == 0 && v.timers == 0) return s + ", and nothing was left in them.";
  s += ". ";
  if (v.dropped > 0) {
    s += std::to_string(v.dropped) + (v.dropped == 1 ? " handle still queued never runs" : " handles still queued never run");
    const LoopState before = c.m.state_at(c.i > 0 ? c.i - 1 : 0, c.e.loop);
    std::string names;
    size_t n = 0;
    for (const ReadyChip& h : before.ready) {
      if (!h.label || n == 3) continue;
      names += (n++ ? ", " : "") + std::string(h.label);
    }
    if (!names.empty()) s += " (" + names + (size_t(v.dropped) > n ? ", ..." : "") + ")";
    s += v.timers > 0 ? "; " : ".";
  }
  if (v.timers > 0)
    s += std::to_string(v.timers) + (v.timers == 1 ? " timer that had not fired never will." : " timers that had not fired never will.");
  if (v.dropped == 0) return s;
  return s + " They came too late: the loop had been told to stop (run_until_complete stops it once its future is "
             "done), and a stopping loop ends its iteration without running what was queued during it.";
}

// The task running the async with block of the TaskGroup whose _on_task_done
// is handle `h`, if that callback cancels it (a child failed while the block's
// body or __aexit__ awaited): _abort cancels the group's unfinished tasks, then
// the parent, last. It is the task.new parent of the child that finished (whose
// step queued the callback) or of another task cancelled there. -1: none.
int32_t taskgroup_parent(const Ctx& c, const Event* h) {
  std::vector<int32_t> cancelled;
  const std::vector<Event>& ev = c.m.events();
  for (size_t j = size_t(h - ev.data()) + 1, n = 0; j < ev.size() && n < kLookBack; ++j, ++n) {
    if (ev[j].loop != c.e.loop) continue;
    if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
    if (ev[j].kind == Ev::task_cancel) cancelled.push_back(ev[j].task);
  }
  if (cancelled.empty()) return -1;
  const int32_t last = cancelled.back();
  const TaskInfo* child = c.m.task(pushed_by(c, push_of(c, h->id, size_t(h - ev.data()))), c.e.loop);
  bool parent = child && child->parent == last;
  for (int32_t o : cancelled) {
    const TaskInfo* ti = o != last ? c.m.task(o, c.e.loop) : nullptr;
    parent |= ti && ti->parent == last;
  }
  return parent ? last : -1;
}

std::string run(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  std::string s;
  switch (fn_of(e)) {
    case HandleFn::task_step: case HandleFn::task_wakeup: case HandleFn::unset:
      if (!runs_task(fn_of(e), e.task)) {
        s = "The loop runs the next ready handle: " + label_of(e) + ".";
      } else if (fn_of(e) == HandleFn::task_wakeup || (fn_of(e) == HandleFn::unset && c.back([&](const Event& x) {
                   return x.kind == Ev::step_begin && x.task == e.task; }, c.i))) {
        s = c.cancelling(e.task, c.i) ? "The loop runs " + t + "'s wakeup. " + t +
                                            " was cancelled, so CancelledError is raised at the await where it was waiting."
                                      : "The loop runs " + t + "'s wakeup: the future it awaited is done, so " + t +
                                            "'s coroutine resumes at its await, getting its result (or the exception "
                                            "raised there).";
      } else {
        const Event* first = c.back([&](const Event& x) { return x.kind == Ev::step_begin && x.task == e.task; }, c.i);
        s = first ? "The loop takes " + t + "'s next step (Task.__step) from the front of the ready queue: " + t +
                        " continues where it left off."
            : c.cancelling(e.task, c.i)
                ? "The loop takes " + t + "'s first step from the front of the ready queue: " + t +
                      " was cancelled before it ever ran, so the step throws CancelledError into the coroutine "
                      "before its first line: it never starts."
                : "The loop takes " + t + "'s first step from the front of the ready queue: " + t +
                      "'s coroutine starts running from the top.";
      }
      break;
    case HandleFn::sleep_set_result: {
      const int32_t k = timer_task(c, push_of(c, e.id, c.i));
      const std::string t = k >= 0 ? c.task_name(k) : "a task";
      s = "The loop runs the timer callback of " + t + "'s sleep. It sets the sleep future's result, which schedules " +
          t + "'s wakeup for the next iteration.";
      break;
    }
    case HandleFn::gather_done_callback: s = gather_run(c); break;
    case HandleFn::taskgroup_on_task_done: {
      std::vector<int32_t> cancelled;
      std::string woken;
      // What this callback does is in the events it emits before the next handle runs.
      const std::vector<Event>& ev = c.m.events();
      for (size_t j = c.i + 1; j < ev.size() && j < c.i + kLookBack; ++j) {
        if (ev[j].loop != e.loop) continue;
        if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
        if (ev[j].kind == Ev::task_cancel) cancelled.push_back(ev[j].task);
        if (ev[j].kind == Ev::ready_push && fn_of(ev[j]) == HandleFn::task_wakeup) woken = c.task_name(ev[j].task);
      }
      // _abort cancels the group's tasks, then (TaskGroup._on_task_done) the task running the async with
      // block, which created them: told apart by task.new's parent.
      const int32_t parent_id = taskgroup_parent(c, &e);
      std::string names, parent;
      for (int32_t k : cancelled) {
        if (k == parent_id) parent = c.task_name(k);
        else names += (names.empty() ? "" : ", ") + c.task_name(k);
      }
      s = !cancelled.empty() && names.empty() && !parent.empty()
              ? "The loop runs the TaskGroup's _on_task_done: a child failed, and no other task of the group is left "
                "to cancel, so the group cancels " + parent + ", the task running the async with block, so that its "
                "await there is interrupted: it will see CancelledError at that await when its wakeup runs, and "
                "TaskGroup.__aexit__ then raises the ExceptionGroup."
          : !cancelled.empty()
              ? "The loop runs the TaskGroup's _on_task_done: a child failed, so the group cancels the others (" +
                    (names.empty() ? std::string("none left") : names) + ", in the order of the group's set of tasks)" +
                    (parent.empty() ? std::string()
                                    : ", and then " + parent + ", the task running the async with block, so that "
                                      "its await there is interrupted") +
                    ". Each will see CancelledError at its await when its wakeup runs."
          : woken.empty() ? "The loop runs the TaskGroup's _on_task_done: it removes the finished task from the group."
                          : "The loop runs the TaskGroup's _on_task_done: the finished task was the group's last, so " +
                                woken + ", waiting at the end of the async with block, wakes up in the next iteration.";
      break;
    }
    case HandleFn::timeout_on_timeout:
      s = "The loop runs Timeout._on_timeout: the asyncio.timeout() deadline has passed, so it cancels the task inside "
          "the async with block. That task sees CancelledError at its await; when the CancelledError reaches the end "
          "of the block, Timeout.__aexit__ recognises its own cancellation and raises TimeoutError instead.";
      break;
    case HandleFn::wait_for_release_waiter: {
      const Event* p = push_of(c, e.id, c.i);
      s = p && Cause(p->code) == Cause::timer
              ? "The loop runs wait_for's _release_waiter from its timer: the deadline passed before the inner task "
                "finished. It sets the waiter future, so the task in wait_for wakes, cancels the inner task (or future), waits "
                "for it to finish and raises TimeoutError."
          : "The loop runs wait_for's _release_waiter: the inner task finished before the deadline, so the "
            "waiting task wakes in the next iteration and wait_for returns the inner task's result.";
      if (const WaitForRelease r = wait_for_release(c, p); r.how != WaitFor::waiting)
        s = "The loop runs _release_waiter from wait_for's _cancel_and_wait: " + wait_for_why(c, r) +
            ", so wait_for cancelled " + wait_for_inner(c, r) + ", and that is now done, so " + c.task_name(r.w) +
            " wakes in the next iteration. " + wait_for_then(c, r);
      break;
    }
    case HandleFn::run_until_complete_cb: {
      const Event* p = push_of(c, e.id, c.i);
      const std::string x = completed_future(c, p);
      // run_until_complete ends with future.result(): it raises what the task ended with.
      const int32_t k = pushed_by(c, p);
      const Event* d = k >= 0 ? c.back([&](const Event& y) { return y.kind == Ev::task_done && y.task == k; }, c.i) : nullptr;
      const ev::TaskDone done = d ? as<ev::TaskDone>(*d) : ev::TaskDone{};
      std::string ret = x == "the gather()" ? "returns the gather's results." : "returns " + x + "'s result.";
      if (d && done.outcome == Outcome::error)
        ret = "raises " + x + "'s exception" + (done.error ? " (" + std::string(done.error) + ")" : std::string()) +
              ": future.result() re-raises it.";
      else if (d && done.outcome == Outcome::cancelled)
        ret = "raises CancelledError: " + x + " was cancelled.";
      s = "The loop runs _run_until_complete_cb: " + x + " is done, so it calls loop.stop(). The loop finishes this "
          "iteration, and run_until_complete " + ret;
      break;
    }
    case HandleFn::pool_done: {
      // Whose wakeup it queues is in the events it emits (CPython's handle names no task).
      std::string w = e.task >= 0 ? t : std::string();
      const std::vector<Event>& ev = c.m.events();
      for (size_t j = c.i + 1; w.empty() && j < ev.size() && j < c.i + kLookBack; ++j) {
        if (ev[j].loop != e.loop) continue;
        if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
        if (ev[j].kind == Ev::ready_push && fn_of(ev[j]) == HandleFn::task_wakeup) w = c.task_name(ev[j].task);
      }
      const Event* p = push_of(c, e.id, c.i);
      const bool raised = job_raised(c, p);
      if (p && as<ev::ReadyPush>(*p).future_cancelled) {
        s = "The loop runs " + label_of(e) + ": the job finished, but the executor future it would complete was "
            "cancelled already, so futures._copy_future_state returns without setting it: the job's " +
            (raised ? "exception" : "result") + " is dropped and nothing wakes.";
        break;
      }
      const std::string what = raised ? "the exception the job raised on " : "the result of ";
      s = w.empty() ? "The loop runs " + label_of(e) + ": it sets " + what + "an executor future, which wakes "
                      "whatever awaits it" + (raised ? ": the exception is raised at that await." : ".")
                    : "The loop runs " + label_of(e) + ": it sets " + what + "the executor future " + w +
                          " awaits, which queues " + w + "'s wakeup for the next iteration" +
                          (raised ? ": the exception is raised at " + w + "'s await." : ".");
      break;
    }
    case HandleFn::io_callback: s = "The loop runs the I/O callback " + label_of(e) + "."; break;
    case HandleFn::waiter_set_result:
      s = "The loop runs futures._set_result_unless_cancelled: a waiter future gets its result (for a transport: "
          "its connection is made), which wakes what awaits it.";
      break;
    case HandleFn::callback: s = "The loop runs the callback " + label_of(e) + "."; break;
  }
  // The same count as the stage: this iteration's handles still to run, and those queued for the next.
  const int64_t left = as<ev::ReadyRun>(e).left;
  const LoopState st = c.m.state_at(c.i, e.loop);
  const int64_t next = std::max<int64_t>(0, int64_t(st.ready.size()) - left);
  if (left > 0)
    s += " " + std::to_string(left) + (left == 1 ? " more handle of this iteration waits its" : " more handles of this iteration wait their") +
         " turn.";
  if (next > 0) s += " " + std::to_string(next) + (next == 1 ? " handle is" : " handles are") + " already queued for the next iteration.";
  return s;
}

// [SECTION] Steps and awaits

// A step that ends at the end of `async with TaskGroup()` (TaskGroup.__aexit__
// waits there until every task of the group is done), told by how it got there:
// the body ran to its end; CancelledError came into the body (the group
// cancelled the task when a child failed, or someone else did); the body raised
// (the task cancels its own group's children in this step: __aexit__'s _abort);
// or CancelledError came into __aexit__'s wait itself.
struct TaskGroupEnd {
  bool cancelled_in = false;  // CancelledError was thrown into this step
  bool in_aexit = false;      // the step before ended at the same async with: it waited in __aexit__
  bool other = false;         // it cancelled a task that is not its child
  bool by_group = false;      // cancelled by a TaskGroup's _on_task_done (a child failed)
  bool body_raised = false;   // it cancelled its children on leaving the body, neither cancelled nor aborted already
  const char* thrown = nullptr;
  std::string kids;           // the children it cancelled in this step (__aexit__'s _abort)
};
// How task `task` came to the end of its async with TaskGroup() block in the step that ends at `end`.
TaskGroupEnd taskgroup_end_of(const Ctx& c, int32_t task, size_t end) {
  TaskGroupEnd r;
  const std::vector<Event>& ev = c.m.events();
  const Event* begin = c.back([&](const Event& x) { return x.kind == Ev::step_begin && x.task == task; }, end);
  if (!begin) return r;
  const size_t b = size_t(begin - ev.data());
  r.thrown = as<ev::StepBegin>(*begin).thrown;
  r.cancelled_in = r.thrown && std::string_view(r.thrown) == "CancelledError";
  const Event* before = c.back([&](const Event& x) { return x.kind == Ev::step_end && x.task == task; }, b);
  r.in_aexit = before && as<ev::StepEnd>(*before).on == AwaitOn::taskgroup && before->line == ev[end].line;
  std::vector<std::string> names;
  for (size_t j = b + 1; j < end; ++j) {
    if (ev[j].loop != c.e.loop || ev[j].kind != Ev::task_cancel || as<ev::TaskCancel>(ev[j]).by != task) continue;
    const TaskInfo* k = c.m.task(ev[j].task, c.e.loop);
    if (k && k->parent == task) names.push_back(c.task_name(ev[j].task));
    else r.other = true;
  }
  for (size_t k = 0; k < names.size(); ++k) r.kids += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
  // The cancel that came while it waited (after its step before), if the trace has it.
  const Event* cancel = r.cancelled_in ? c.back([&](const Event& x) {
                                           return (x.kind == Ev::task_cancel && x.task == task) || &x == before;
                                         }, b)
                                       : nullptr;
  if (cancel && cancel->kind != Ev::task_cancel) cancel = nullptr;
  const Event* h = cancel ? c.back([](const Event& x) { return x.kind == Ev::ready_run || x.kind == Ev::loop_iter; },
                                   size_t(cancel - ev.data()))
                          : nullptr;
  r.by_group = h && h->kind == Ev::ready_run && fn_of(*h) == HandleFn::taskgroup_on_task_done;
  r.body_raised = !r.in_aexit && !r.cancelled_in && !names.empty() && !r.other && !c.cancelling(task, b);
  return r;
}

std::string taskgroup_end(const Ctx& c, const std::string& at) {
  const std::string t = c.who();
  const TaskGroupEnd g = taskgroup_end_of(c, c.e.task, c.i);
  const bool cancelled_in = g.cancelled_in, in_aexit = g.in_aexit, other = g.other, by_group = g.by_group;
  const std::string& kids = g.kids;
  const char* thrown = g.thrown;
  const std::string until = " until every task of the group has finished";
  if (cancelled_in && in_aexit)
    return t + " was cancelled while it waited at the end of the async with TaskGroup() block" + at +
           ", in TaskGroup.__aexit__: " +
           (!kids.empty() ? "__aexit__ catches the CancelledError and aborts the group: it cancels " + kids +
                                " and waits again" + until + ", then lets the CancelledError go on."
            : by_group ? "the group cancelled it because a child failed and is already aborting, so __aexit__ "
                         "catches the CancelledError and waits again" + until + "."
                       : "__aexit__ catches the CancelledError and waits again" + until + ".");
  if (cancelled_in && !other && !kids.empty())
    return "The CancelledError left the body of the async with TaskGroup() block" + at + ", so " + t +
           " is in TaskGroup.__aexit__, which aborts the group: it cancels " + kids + " and waits" + until +
           ", then lets the CancelledError go on (an ExceptionGroup instead, if a task of the group failed).";
  if (cancelled_in && !other)
    return "CancelledError was raised at " + t + "'s await in the body of the async with TaskGroup() block, and " +
           t + " has now reached the end of the block" + at + ": TaskGroup.__aexit__ waits there" + until + "." +
           (by_group ? " The group cancelled " + t + " because a child failed, so __aexit__ then raises an "
                       "ExceptionGroup of the children's errors."
                     : std::string());
  if (g.body_raised)
    return "The body of the async with TaskGroup() block" + at + " raised an exception" +
           (thrown ? " (" + std::string(thrown) + ", raised at its await)" : std::string()) + ", so " + t +
           " is in TaskGroup.__aexit__, which aborts the group: it has cancelled " + kids + " and waits" + until +
           ", then raises an ExceptionGroup holding the body's exception (and any task's error).";
  return t + " reached the end of the async with TaskGroup() block" + at + " and waits there" + until + ".";
}

// A step.end with `via`: the task is suspended inside an asyncio call its line made
// (loop.create_server, asyncio.wait), on an await of that call's own. What the call
// awaits is named as the call's, never as the line's (the line wrote no sleep(0)).
std::string via_text(const Ctx& c, const ev::StepEnd& v, const std::string& at) {
  const std::string t = c.who();
  const std::string call = std::string(v.via) + "()";
  const std::string target = v.target >= 0 ? c.task_name(v.target) : "another task";
  std::string inner, then;
  switch (v.on == AwaitOn::unset ? AwaitOn::future : v.on) {
    case AwaitOn::yield:
      inner = "awaits asyncio.sleep(0)";
      then = t + " gives control back to the loop for one turn (a bare yield), and its next step is already in "
             "the ready queue";
      break;
    case AwaitOn::sleep: {
      const Event* arm = c.back([&](const Event& x) { return x.kind == Ev::timer_arm && x.task == c.e.task; }, c.i);
      inner = "awaits asyncio.sleep";
      then = "it armed a " + (arm ? delay(arm->num - arm->t_ns) + " " : std::string()) + "timer, and other tasks run "
             "while " + t + " waits";
      break;
    }
    case AwaitOn::task: inner = "awaits " + target; then = t + " pauses until " + target + " finishes"; break;
    case AwaitOn::wait_for:
      inner = "awaits asyncio.wait_for(" + (v.target >= 0 ? target : std::string("an awaitable")) + ")";
      then = t + " pauses until the inner task finishes or the deadline passes";
      break;
    case AwaitOn::gather:
      inner = "awaits a gather()";
      then = t + " pauses until every child of that gather is done";
      break;
    case AwaitOn::taskgroup: inner = "awaits a TaskGroup"; then = t + " pauses until its tasks are done"; break;
    case AwaitOn::timeout:
      inner = "awaits a future inside an async with asyncio.timeout() block";
      then = "if the block's deadline passes first, Timeout._on_timeout cancels " + t;
      break;
    case AwaitOn::queue_get: inner = "awaits queue.get()"; then = "the queue is empty"; break;
    case AwaitOn::queue_put: inner = "awaits queue.put()"; then = "the queue is full"; break;
    case AwaitOn::queue_join: inner = "awaits queue.join()"; then = "not every item is marked done yet"; break;
    case AwaitOn::event_wait: inner = "awaits an asyncio.Event"; then = t + " pauses until it is set"; break;
    case AwaitOn::lock_acquire: inner = "awaits an asyncio.Lock"; then = "another task holds it"; break;
    case AwaitOn::semaphore_acquire: inner = "awaits an asyncio.Semaphore"; then = "it has no free slot"; break;
    case AwaitOn::io_accept: inner = "waits for a client's connection"; then = "the loop watches the socket in its poll"; break;
    case AwaitOn::io_read: inner = "waits for data to read"; then = "the loop watches the socket in its poll"; break;
    case AwaitOn::io_write: case AwaitOn::io_drain:
      inner = "waits for the socket's send buffer to drain"; then = "the loop watches the socket in its poll";
      break;
    case AwaitOn::io_connect: inner = "waits for a connection"; then = "the loop watches the socket in its poll"; break;
    case AwaitOn::pool: inner = "hands work to the thread pool"; then = "a worker thread does it while the loop runs on"; break;
    case AwaitOn::future: case AwaitOn::unset:
      inner = "awaits a future";
      then = t + " pauses until that future is done, and the loop moves on";
      break;
  }
  return t + " is inside " + call + at + ", which itself " + inner + " (the call's own await, not one the "
         "line wrote): " + then + ".";
}

std::string await_text(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  const std::string at = e.line > 0 ? " (line " + std::to_string(e.line) + ")" : "";
  const ev::StepEnd v = as<ev::StepEnd>(e);
  if (v.via && v.wait != Wait::none) return via_text(c, v, at);
  const std::string target = v.target >= 0 ? c.task_name(v.target) : "another task";
  switch (v.on) {
    case AwaitOn::queue_get:
      return t + " waits in queue.get()" + at + ": the queue is empty, so it waits until a producer puts an item.";
    case AwaitOn::queue_put:
      return t + " waits in queue.put()" + at + ": the queue is full (it holds maxsize items), so it waits until a "
             "consumer takes one and frees a slot.";
    case AwaitOn::queue_join:
      return t + " waits in queue.join()" + at + ": it returns once every item put into the queue has been marked "
             "done with task_done() (the queue's _finished event is set).";
    case AwaitOn::wait_for: {
      // Back in wait_for after its deadline passed or after it was cancelled itself: it cancelled the
      // inner task in this step (task.cancel), or a future (Future.cancel() queued its _release_waiter).
      const WaitFor how = wait_for_state(c, e.task, c.i);
      if (how != WaitFor::waiting) {
        const Event* begin = c.back([&](const Event& x) { return x.kind == Ev::step_begin && x.task == e.task; }, c.i);
        const Event* cancelled =
            begin ? c.back([&](const Event& x) { return (x.kind == Ev::task_cancel && as<ev::TaskCancel>(x).by == e.task) || &x == begin; }, c.i)
                  : nullptr;
        const Event* release =
            begin ? c.back([&](const Event& x) {
                      return (x.kind == Ev::ready_push && fn_of(x) == HandleFn::wait_for_release_waiter) || &x == begin;
                    }, c.i)
                  : nullptr;
        const bool task = cancelled && cancelled != begin;
        const bool future = !task && release && release != begin;
        const std::string inner = task ? c.task_name(cancelled->task)
                                  : future ? "the future it waits on (not a task: e.g. asyncio.shield()'s outer "
                                             "future, whose shielded task runs on, or an executor's future)"
                                           : "the inner task or future";
        const std::string wait = future ? " Cancelling a future completes it at once: its done-callback "
                                          "_release_waiter is already queued, and " + t + " wakes after it has run ("
                                          "_cancel_and_wait)."
                                        : " It now waits until " + (task ? inner : std::string("that")) +
                                              " is done cancelling (_cancel_and_wait).";
        if (how == WaitFor::cancelled)
          return t + " was cancelled while in asyncio.wait_for" + at + ": wait_for caught the CancelledError (its "
                 "except CancelledError: branch) and has cancelled " + inner + "." + wait + " Then wait_for raises the "
                 "CancelledError again (3.11), so " + t + " goes on being cancelled.";
        return t + " is still in asyncio.wait_for" + at + ": the deadline has passed and wait_for has cancelled " +
               inner + "." + wait + " Then wait_for raises TimeoutError" +
               (task ? " (or returns " + inner + "'s result if it swallowed the cancellation)." : std::string("."));
      }
      const Event* arm = c.back([&](const Event& x) { return x.kind == Ev::timer_arm && x.task == e.task; }, c.i);
      std::string d = arm ? " (" + delay(arm->num - arm->t_ns) + ")" : "";
      return t + " awaits asyncio.wait_for(" + (v.target >= 0 ? target : "an awaitable") + ")" + at +
             ": it pauses until " + (v.target >= 0 ? target : std::string("the inner task (or future)")) +
             " finishes or the deadline" + d + " passes, whichever comes first. At the deadline wait_for cancels it, "
             "waits for it to finish, and raises TimeoutError.";
    }
    case AwaitOn::task:
      return t + " awaits " + target + at + " and pauses until " + (v.target >= 0 ? target : "that task") + " finishes.";
    case AwaitOn::timeout: {
      std::string what = "a future";
      if (Wait(e.code) == Wait::sleep) {
        const Event* arm = c.back([&](const Event& x) { return x.kind == Ev::timer_arm && x.task == e.task; }, c.i);
        what = (arm ? "a " + delay(arm->num - arm->t_ns) + " " : std::string()) + "asyncio.sleep";
      }
      return t + " awaits " + what + at + " inside an async with asyncio.timeout() block. It resumes when that is "
             "done, unless the block's deadline passes first: then Timeout._on_timeout cancels " + t + ", and at the "
             "end of the block Timeout.__aexit__ turns the CancelledError into TimeoutError.";
    }
    case AwaitOn::event_wait: return t + " waits" + at + " until an asyncio.Event is set.";
    case AwaitOn::lock_acquire: return t + " waits" + at + " to acquire an asyncio.Lock another task holds.";
    case AwaitOn::semaphore_acquire: return t + " waits" + at + " for a free slot of an asyncio.Semaphore.";
    case AwaitOn::io_read: return t + " waits" + at + " for data to read: the loop watches the socket in its poll and runs other tasks meanwhile.";
    case AwaitOn::io_write: case AwaitOn::io_drain:
      return t + " waits" + at + " until the socket's send buffer drains below its limit (writer.drain()).";
    case AwaitOn::io_connect: return t + " waits" + at + " for the connection to be established.";
    case AwaitOn::io_accept: return t + " waits" + at + " for a client to connect.";
    default: break;
  }
  switch (Wait(e.code)) {
    case Wait::sleep: {
      const Event* arm = c.back([&](const Event& x) { return x.kind == Ev::timer_arm && x.task == e.task; }, c.i);
      std::string d = arm ? delay(arm->num - arm->t_ns) + " " : "";
      return t + " reached await asyncio.sleep" + at + ": it armed a " + d + "timer and gives control back to the "
             "loop. While " + t + " waits, other tasks can run.";
    }
    case Wait::yield:
      return t + " awaited asyncio.sleep(0)" + at + ": it gives control back to the loop for one turn and is "
             "already back in the ready queue.";
    case Wait::future: return t + " awaits a future that is not done yet" + at + ", so it pauses and the loop moves on.";
    case Wait::task: return t + " awaits " + target + at + " and pauses until it finishes.";
    case Wait::gather:
      return t + " awaits gather()" + at + ": it pauses until every child is done (or, without return_exceptions, "
             "until the first one fails).";
    case Wait::taskgroup: return taskgroup_end(c, at);
    case Wait::pool:
      return t + " handed blocking work to the thread pool" + at + " and pauses; a worker thread does the work "
             "while the loop keeps running other tasks.";
    case Wait::io:
      return t + " waits for the network or a file" + at + ": the loop asks the operating system to tell it when "
             "the data is there, and runs other tasks meanwhile.";
    case Wait::queue: return t + " waits on an asyncio.Queue" + at + ".";
    case Wait::event: return t + " waits" + at + " until an asyncio.Event is set.";
    case Wait::lock: return t + " waits" + at + " to acquire an asyncio.Lock another task holds.";
    case Wait::semaphore: return t + " waits" + at + " for a free slot of an asyncio.Semaphore.";
    case Wait::none: {
      const std::vector<Event>& ev = c.m.events();
      const Event* d = c.i + 1 < ev.size() && ev[c.i + 1].kind == Ev::task_done ? &ev[c.i + 1] : nullptr;
      std::string how = !d ? "it returned or raised"
                        : Outcome(d->code) == Outcome::result ? "it returned"
                        : Outcome(d->code) == Outcome::error  ? "an exception left it"
                        : as<ev::TaskDone>(*d).returned
                            ? "it returned, but cancel() was called during this step, so Task.__step marks the task "
                              "cancelled and drops its return value"
                            : "CancelledError left it";
      return t + "'s coroutine has come to its end (" + how + "): this was its last step.";
    }
  }
  return t + " pauses.";
}

std::string step_end(const Ctx& c) {
  std::string s = await_text(c);
  if (c.e.flags & kFlagSlow)
    s += " This step ran for " + duration(c.e.num) +
         " without an await: all that time the loop could run nothing else (asyncio's debug mode warns about "
         "steps over 100 ms).";
  else if (c.e.flags & kFlagPreempted)
    s += " This step took " + duration(c.e.num) +
         (as<ev::StepEnd>(c.e).cpu_ns > 0 ? ", but only " + duration(as<ev::StepEnd>(c.e).cpu_ns) + " of it on a CPU"
                                         : std::string()) +
         ": the machine was busy and the operating system ran other programs meanwhile. The code did not "
         "block the loop.";
  return s;
}

// The loop.abort that follows event `at` in the same handle (the exception left the loop), if any.
const Event* abort_after(const Ctx& c, size_t at) {
  const std::vector<Event>& ev = c.m.events();
  for (size_t j = at + 1, n = 0; j < ev.size() && n < kLookBack; ++j, ++n) {
    if (ev[j].loop != c.e.loop) continue;
    if (ev[j].kind == Ev::loop_abort) return &ev[j];
    if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
  }
  return nullptr;
}

std::string done(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  switch (Outcome(e.code)) {
    case Outcome::result:
      if (!queued_in_handle(c, Cause::future))
        return t + " returned " + (e.s1 ? e.s1 : "None") + ". The task is done; nothing waits on it (no task awaits "
               "it, and no gather, TaskGroup or done-callback watches it), so no callback is queued.";
      return t + " returned " + (e.s1 ? e.s1 : "None") + ". The task is done: whoever waits on it (an awaiting "
             "task, gather or a TaskGroup) has its callback queued now.";
    case Outcome::error:
      if (abort_after(c, c.i))  // SystemExit, KeyboardInterrupt
        return t + " raised " + (e.s1 ? e.s1 : "an exception") + ". Task.__step stores it in the task and raises "
               "it again: unlike other exceptions it also propagates out of the event loop (Handle._run lets it "
               "through), which leaves run_until_complete in the middle of this iteration and stops asyncio.run.";
      return t + " raised " + (e.s1 ? e.s1 : "an exception") + ". The exception is stored in the task: whoever "
             "awaits it gets it, and the callbacks waiting on " + t + " are queued.";
    case Outcome::cancelled:
      if (as<ev::TaskDone>(e).returned)
        return t + "'s coroutine returned, but cancel() was called during this step, so Task.__step marks it "
               "cancelled and drops its return value: no CancelledError was raised in the coroutine. The callbacks "
               "waiting on " + t + " are queued.";
      return t + " ended cancelled: the CancelledError left its coroutine. The callbacks waiting on " + t +
             " are queued.";
  }
  return t + " is done.";
}

std::string cancel(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  const int32_t by_id = as<ev::TaskCancel>(e).by;
  const LoopState s = c.m.state_at(c.i, e.loop);
  const TaskSnapshot* me = c.snapshot(s, e.task);
  const bool awaits_task = me && me->state == TaskState::waiting && (me->on == AwaitOn::task || me->on == AwaitOn::gather);
  const std::string then =
      awaits_task ? " Nothing is interrupted right away: cancel() passes on to what " + t + " awaits (" +
                        (me->on == AwaitOn::gather ? "the gather's tasks" : "a task") + "), and when that has ended, " +
                        t + "'s wakeup is queued and CancelledError is raised at its await."
                  : " Nothing is interrupted right away: the future " + t + " awaits is cancelled, which queues " + t +
                        "'s wakeup; CancelledError is raised at " + t + "'s await when it runs.";
  if (by_id >= 0 && by_id != e.task) {
    // Task.cancel() cancels what the task awaits: a task, or a gather's children.
    const TaskSnapshot* b = c.snapshot(s, by_id);
    if (b && b->cancelling && b->state == TaskState::waiting && (b->target == e.task || b->on == AwaitOn::gather))
      return c.task_name(by_id) + " is being cancelled, and cancel() passes on to what it awaits: " + t +
             " is cancelled too." + then;
    // Its own child, in the step that ends at its async with TaskGroup(): TaskGroup.__aexit__'s _abort.
    const TaskInfo* ti = c.m.task(e.task, e.loop);
    const Event* end = ti && ti->parent == by_id ? step_end_after(c, by_id, c.i) : nullptr;
    if (end && as<ev::StepEnd>(*end).on == AwaitOn::taskgroup) {
      const TaskGroupEnd g = taskgroup_end_of(c, by_id, size_t(end - c.m.events().data()));
      const std::string B = c.task_name(by_id);
      if (g.body_raised)
        return B + " cancels " + t + ": the body of " + B + "'s async with TaskGroup() block raised an exception, so "
               "TaskGroup.__aexit__ aborts the group (_abort cancels every task of it not yet done), waits for them, "
               "then raises an ExceptionGroup." + then;
      if (g.cancelled_in && !g.other)
        return B + " cancels " + t + ": " + B + " was cancelled, so TaskGroup.__aexit__ aborts the group (_abort "
               "cancels every task of it not yet done) and waits for them before the CancelledError goes on." + then;
    }
    return c.task_name(by_id) + " cancels " + t + "." + then;
  }
  if (by_id == e.task) {  // cancel() in its own step: it awaits nothing then, so only _must_cancel is set
    if (me && me->state == TaskState::ready)  // a bare yield (sleep(0)) queued its next step
      return t + " cancels itself. Nothing is interrupted: cancel() only marks it (Task._must_cancel), and its "
             "next step, already queued by its bare yield, throws CancelledError into it at that await.";
    if (me && me->state == TaskState::running)
      return t + " cancels itself. Nothing is interrupted: " + t + " awaits nothing while it runs, so cancel() "
             "only marks it (Task._must_cancel). If it awaits again, that await is cancelled and CancelledError is "
             "raised there; if its coroutine returns first, Task.__step marks the task cancelled anyway.";
    return t + " cancels itself." + then;
  }
  const Event* h = c.running_handle();
  if (const Event* a = h ? abort_after(c, size_t(h - c.m.events().data())) : nullptr; a && a < &e) {
    const Entry entry = run_entry(c, c.i);
    const std::string left = std::string(a->s1 ? a->s1 : "An exception") + " has left the event loop";
    if (entry == Entry::asyncio_run || entry == Entry::asyncio_runner)
      return left + ", so " + (entry == Entry::asyncio_run ? "asyncio.run's shutdown (Runner.close() -> " :
                                                             "the Runner's shutdown (Runner.close() -> ") +
             "_cancel_all_tasks) cancels " + t + " before the exception goes on up; it then runs the loop again "
             "until the tasks it cancelled are done." + then;
    return left + "; the program's own code now cancels " + t + "." + then;
  }
  const HandleFn fn = h && h->kind == Ev::ready_run ? fn_of(*h) : HandleFn::unset;
  if (fn == HandleFn::taskgroup_on_task_done)
    return taskgroup_parent(c, h) == e.task
               ? "The TaskGroup's _on_task_done (the handle just run) cancels " + t + ", the task running the async "
                 "with block, because a task of the group failed: its await there is interrupted, and "
                 "TaskGroup.__aexit__ then raises the ExceptionGroup." + then
               : "The TaskGroup's _on_task_done (the handle just run) cancels " + t + " because another task of the "
                 "group failed." + then;
  if (fn == HandleFn::timeout_on_timeout)
    return "Timeout._on_timeout, the handle just run (the asyncio.timeout() deadline passed), cancels " + t + "." + then;
  // Its step already in the ready queue: the CPython recorder sees such a cancel only when that step runs.
  if (std::any_of(s.ready.begin(), s.ready.end(), [&](const ReadyChip& r) { return r.task == e.task && runs_task(r.fn, r.task); }))
    return t + " is cancelled while its next step waits in the ready queue. Nothing is interrupted: cancel() only "
               "marks the task (Task._must_cancel), and that step throws CancelledError into " +
           (c.started(e.task, c.i) ? t + "'s coroutine at the await where it is paused."
                                   : "the coroutine before its first line runs: it never starts.");
  // Outside any handle: between iterations, or after run_until_complete's callback stopped the loop.
  if (!h || h->kind == Ev::loop_iter || fn == HandleFn::run_until_complete_cb) {
    const TaskSnapshot* main = c.snapshot(s, 0);  // the engine's main task; the recorder's first
    if (fn == HandleFn::run_until_complete_cb || (main && main->state == TaskState::done && main->id != e.task))
      return "The loop cancels " + t + (run_entry(c, c.i) == Entry::asyncio_runner
                                            ? " (the with asyncio.Runner() block ends: Runner.close() cancels the tasks left)."
                                            : " (asyncio.run cancels the tasks left when main is done).") + then;
    if (h && h->kind == Ev::loop_iter)
      return t + " is cancelled while the loop waits in its poll, so by a signal handler: asyncio.run's Ctrl-C "
                 "(SIGINT) handler cancels the main task this way." + then;
    return "The loop cancels " + t + "." + then;
  }
  return "The callback " + label_of(*h) + " cancels " + t + "." + then;
}

std::string poll(const Ctx& c) {
  const Event& e = c.e;
  const ev::Poll p = as<ev::Poll>(e);
  std::string waited = " It waited " + duration(p.waited_ns) + ".";
  if (p.timeout_ms == 0) {
    const Event* it = c.back([](const Event& x) { return x.kind == Ev::loop_iter; }, c.i);
    if (it && as<ev::Iter>(*it).ready > 0)
      return "Handles are ready, so the poll only checks for I/O without waiting (timeout 0); due timers are "
             "handled right after it.";
    const LoopState s = c.m.state_at(c.i, e.loop);
    if (!s.timers.empty() && s.timers.front().due_ns <= e.t_ns)
      return "Nothing is ready, but the soonest timer is already due, so the poll does not wait (timeout 0).";
    if (s.timers.empty() && s.io.empty() && s.workers.empty())
      return "Nothing is ready and nothing is pending (no timer armed, no I/O awaited), so the poll returns at once.";
    return "The loop polls for I/O without waiting (timeout 0).";
  }
  if (p.timeout_ms < 0)
    return "Nothing is ready and no timer is armed, so the loop waits in its poll (epoll: the operating system "
           "reports ready sockets) with no timeout, until some I/O arrives." + waited;
  return "Nothing is ready, so the loop waits in its poll (epoll: the operating system reports ready sockets) with a "
         "timeout of " + std::to_string(p.timeout_ms) + " ms: the soonest timer is due then. Timers do not wake epoll; "
         "the loop sets the poll's timeout from them and runs the due ones after it." + waited;
}

std::string block(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  switch (BlockKind(e.code)) {
    case BlockKind::sleep:
      return t + " calls time.sleep, which blocks the loop thread: no other task can run, and timers are late, "
             "until it returns.";
    case BlockKind::cpu:
      return t + " does heavy computation without awaiting: the loop thread is busy, so no other task runs and "
             "timers are late until it finishes.";
    case BlockKind::syscall:
      return t + " makes a blocking system call: the loop thread waits for it, so no other task runs meanwhile.";
  }
  return t + " blocks the loop thread.";
}

}  // namespace

// [SECTION] narrate()

namespace {
std::string narrate_event(const Model& m, size_t event_index);
}  // namespace

// Most sentences start with a name (Task-1, main, create_task()); one that starts
// with words instead ("a callback arms a timer", "an item was in the queue")
// starts with a capital.
std::string narrate(const Model& m, size_t event_index) {
  std::string s = narrate_event(m, event_index);
  if (s.rfind("a ", 0) == 0 || s.rfind("an ", 0) == 0) s[0] = 'A';
  return s;
}

namespace {
std::string narrate_event(const Model& m, size_t event_index) {
  if (event_index >= m.size()) return {};
  const Event& e = m.events()[event_index];
  if (e.loop == 0 && m.no_event_loop()) return narrate_thread(m, event_index);
  const Ctx c{m, event_index, e};
  const std::string t = c.who();
  switch (e.kind) {
    case Ev::run_begin:
      switch (as<ev::RunBegin>(e).entry) {
        case Entry::asyncio_runner:
          return "The program starts: asyncio.Runner creates an event loop, and r.run(main()) wraps main() in a "
                 "task, the first thing on the ready queue.";
        case Entry::run_until_complete:
          return "The program starts: loop.run_until_complete() wraps the coroutine it is given in a task, the first "
                 "thing on the ready queue.";
        case Entry::none: return "The program starts. It runs no event loop of its own.";
        case Entry::asyncio_run:
          return "The program starts: asyncio.run(main()) creates an event loop and wraps main() in a task, the "
                 "first thing on the ready queue.";
        case Entry::unset: break;
      }
      return "The program starts: main() is wrapped in a task, the first thing on the ready queue.";
    case Ev::run_end: {
      if (e.code != 0) return "The run ends with an error: " + std::string(e.s1 ? e.s1 : "?") + ".";
      const Entry entry = run_entry(c, event_index);
      if (entry == Entry::run_until_complete)  // the program's own loop: nothing cancels what is left for it
        return "The program's last line has run: the program ends.";
      if (entry == Entry::asyncio_runner)
        return "The with asyncio.Runner() block ends: Runner.close() cancels the tasks left and closes the loop: the "
               "program ends.";
      return std::string("main() is done, so ") + (entry == Entry::asyncio_run ? "asyncio.run" : "the loop's owner") +
             " cancels the tasks left and closes the loop: the program ends.";
    }
    case Ev::loop_iter: {
      const int64_t ready = as<ev::Iter>(e).ready;
      if (ready == 0)
        return "Iteration " + std::to_string(e.it) + " begins with nothing ready: the loop polls for I/O, waiting "
               "at most until the soonest timer is due.";
      return "Iteration " + std::to_string(e.it) + " begins with " + std::to_string(ready) +
             (ready == 1 ? " handle" : " handles") +
             " ready. After a poll that does not wait, the loop adds the callbacks of due timers and ready I/O, then "
             "runs exactly what is queued; anything those handles schedule waits for the next iteration.";
    }
    case Ev::loop_poll: return poll(c);
    case Ev::ready_push: return push(c);
    case Ev::ready_run: return run(c);
    case Ev::task_new: {
      const int32_t parent_id = as<ev::TaskNew>(e).parent;
      std::string parent = parent_id >= 0 ? " by " + c.task_name(parent_id) : "";
      // Made by a gather() inside an asyncio call of the parent's line (create_server's getaddrinfo
      // lookups): the parent's step ends in this handle awaiting that gather, `via` the call.
      const Event* end = parent_id < 0 ? nullptr : c.next([&](const Event& x) {
        return (x.kind == Ev::step_end && x.task == parent_id) || x.kind == Ev::ready_run || x.kind == Ev::loop_iter;
      }, event_index);
      if (end && end->kind == Ev::step_end && as<ev::StepEnd>(*end).via && as<ev::StepEnd>(*end).on == AwaitOn::gather)
        parent += ", in the gather() that " + std::string(as<ev::StepEnd>(*end).via) + "()" +
                  (end->line > 0 ? " (line " + std::to_string(end->line) + ")" : std::string()) +
                  " runs itself (gather wraps each coroutine it is given in a task), not in a create_task of the line";
      return "A task named " + t + " is created" + parent + ". It does not run yet: its first step is queued.";
    }
    case Ev::step_begin: {
      const char* thrown = as<ev::StepBegin>(e).thrown;
      bool cancelled = event_index > 0 && c.cancelling(e.task, event_index - 1);
      // Its wakeup was queued as its cancellation (cause: cancel) with no task.cancel before it: a
      // cancel() after uncancel(), which recorders before December 2026 did not write.
      const Event* run = c.running_handle();
      const Event* push = thrown && !cancelled && run && run->kind == Ev::ready_run && run->task == e.task
                              ? push_of(c, run->id, size_t(run - m.events().data()))
                              : nullptr;
      if (push && as<ev::ReadyPush>(*push).cause == Cause::cancel) cancelled = true;
      else push = nullptr;
      if (thrown && !cancelled)  // Task.__wakeup found the awaited future failed: __step calls coro.throw()
        return t + " runs, and " + thrown + " is raised inside it at the await where it was paused: " +
               (std::string_view(thrown) == "CancelledError"
                    ? "the future it awaited was cancelled (" + t + " itself was not). "
                    : "the future it awaited holds that exception, so Task.__step throws it into the coroutine. ") +
               t + " can catch it, or let it end the task.";
      if (!cancelled)
        return t + " runs: its coroutine goes on until an await that suspends it (an await of something already "
               "done, or async with TaskGroup(), goes on without suspending). No other task runs meanwhile.";
      if (!c.started(e.task, event_index))
        return t + " runs for the first time, cancelled: Task.__step throws CancelledError into the coroutine "
                   "before its first line, so none of its code runs and the task ends cancelled.";
      std::string s = t + " runs, and CancelledError is raised inside it at the await where it was paused; it can "
                      "catch it, clean up, or let it end the task.";
      // Who cancelled: the handle that ran at the task.cancel (else at the push it made).
      const Event* cancel =
          push ? push : c.back([&](const Event& x) { return x.kind == Ev::task_cancel && x.task == e.task; }, event_index);
      const Event* h = cancel ? c.back([](const Event& x) { return x.kind == Ev::ready_run || x.kind == Ev::loop_iter; },
                                       size_t(cancel - m.events().data()))
                              : nullptr;
      if (h && h->kind == Ev::ready_run && fn_of(*h) == HandleFn::timeout_on_timeout)
        s += " The canceller was asyncio.timeout's Timeout._on_timeout: when the CancelledError reaches the end of "
             "the async with block, Timeout.__aexit__ sees that the cancellation was its own (uncancel() brings the "
             "task's count back) and raises TimeoutError instead.";
      return s;
    }
    case Ev::step_end: return step_end(c);
    case Ev::task_done: return done(c);
    case Ev::task_cancel: return cancel(c);
    case Ev::timer_arm: {
      // Who arms it, from the timer's fn (older traces have none: then "a timer").
      const auto arm = as<ev::Timer>(e);
      const std::string d = delay(arm.due_ns - e.t_ns);
      std::string what = t + " arms a timer due in " + d;
      switch (arm.fn) {
        case HandleFn::sleep_set_result: what = t + "'s asyncio.sleep() arms a timer due in " + d; break;
        case HandleFn::wait_for_release_waiter: what = t + "'s wait_for() arms its deadline, a timer due in " + d; break;
        case HandleFn::timeout_on_timeout:
          what = t + "'s asyncio.timeout() block arms its deadline, a timer due in " + d;
          break;
        default: break;
      }
      return what + ". The loop never waits longer than that in its next poll.";
    }
    case Ev::timer_fire: {
      const Event* arm =
          c.back([&](const Event& x) { return x.kind == Ev::timer_arm && x.id == e.id; }, event_index);
      std::string d = arm ? delay(arm->num - arm->t_ns) + " " : "";
      // The callback the timer queues is the next ready.push of this loop (core/loop.cpp; CPython's _run_once).
      const Event* p = nullptr;
      for (size_t j = event_index + 1; j < m.size() && j < event_index + 64; ++j)
        if (m.events()[j].loop == e.loop && m.events()[j].kind == Ev::ready_push) {
          p = &m.events()[j];
          break;
        }
      switch (p ? fn_of(*p) : HandleFn::unset) {
        case HandleFn::sleep_set_result:
          return t + "'s " + d + "sleep timer is due. Its callback will set the sleep future's result, which "
                 "schedules " + t + "'s wakeup: " + t + " runs again in the next iteration.";
        case HandleFn::timeout_on_timeout:
          return "The " + d + "deadline of " + t + "'s asyncio.timeout() block is due: Timeout._on_timeout joins the "
                 "ready queue and runs in this iteration.";
        case HandleFn::wait_for_release_waiter:
          return "The " + d + "deadline of " + t + "'s wait_for() is due: _release_waiter joins the ready queue and "
                 "runs in this iteration.";
        default: break;
      }
      return "A " + d + "timer is due: its callback joins the ready queue and runs in this iteration.";
    }
    case Ev::timer_cancel:
      return t + "'s timer is cancelled before it was due, so its callback will not run.";
    case Ev::io_wait: {
      const IoKind k = IoKind(e.code);
      const std::string kind = name(k), on = e.s1 && *e.s1 ? e.s1 : "a socket";
      const Event* h = c.running_handle();
      // Written again after a reader's or writer's callback ran (queued by the poll's report of this kind):
      // the registration stays until it is removed.
      const Event* p = h && h->kind == Ev::ready_run ? push_of(c, h->id, size_t(h - c.m.events().data())) : nullptr;
      const Event* report = p && Cause(p->code) == Cause::io ? c.back([](const Event&) { return true; },
                                                                      size_t(p - c.m.events().data()))
                                                             : nullptr;
      if (report && report->kind == Ev::io_done && IoKind(report->code) == k)
        return label_of(*h) + " has run, and the " + std::string(fd_kind(e.s1)) + "'s " +
               (k == IoKind::accept || k == IoKind::read ? "reader" : "writer") +
               " stays registered (until something removes it), so the loop goes on watching " + on + " for " +
               kind + (e.task >= 0 ? " (" + t + "'s)." : ".");
      return (e.task >= 0 ? t : std::string("The loop")) + " starts " + (k == IoKind::accept ? "an " : "a ") + kind +
             " on " + on + ". The loop registers it with the operating system and goes on with other work.";
    }
    case Ev::io_done: {
      const std::string kind = name(IoKind(e.code));
      const std::string_view status = e.s1 ? e.s1 : "ok";
      // The CPython recorder's: the selector reported the fd (no byte count), or its reader or writer was removed.
      if (status == "removed") {
        const Event* h = c.running_handle();
        const int32_t x = running_task(h);
        const std::string by = x >= 0 ? c.task_name(x) + "'s step"
                               : h && h->kind == Ev::ready_run ? "the callback " + label_of(*h) : "the loop";
        return "The " + kind + " wait ends: " + by + " removes its reader or writer (a loop.sock_*() call that is "
               "done, a transport or server closing, or another callback taking its place). Nothing is queued.";
      }
      if (status == "ready") {
        const Event* w = c.back([&](const Event& x) { return x.kind == Ev::io_wait && x.id == e.id; }, c.i);
        const std::string fd = fd_kind(w ? w->s1 : nullptr);
        const Event* p = c.next([](const Event& x) { return x.kind != Ev::io_done; }, c.i);
        const std::string cb = p && p->kind == Ev::ready_push ? label_of(*p) : "the callback registered for it";
        if (p && p->kind == Ev::ready_push && cancelled_before_run(c, p->id, size_t(p - c.m.events().data())))
          return "The poll reports the " + fd + " ready for " + kind + ": after the poll the loop queues " + cb +
                 ", the callback still registered for it, but it is cancelled before its turn (its reader or "
                 "writer is removed first) and never runs.";
        return "The poll reports the " + fd + " ready for " + kind + ": after the poll the loop queues " + cb +
               ", the callback registered for it, which does the " + kind + ".";
      }
      return "The " + kind + (e.task >= 0 ? " for " + t : std::string()) + " completed (" + std::string(status) + ", " +
             std::to_string(e.num) + " bytes): the waiting task's callback is queued.";
    }
    case Ev::pool_submit:
      return t + " sends " + quoted(e.s1) + " to the thread pool. A worker thread will run it while the loop stays "
             "free for other tasks.";
    case Ev::pool_start:
      return "Worker " + std::to_string(as<ev::PoolRun>(e).worker) + " starts " + t + "'s job, in parallel with the loop thread.";
    case Ev::pool_end: {  // its future may be awaited through a gather: "whoever awaits it"
      const ev::PoolEnd end = as<ev::PoolEnd>(e);
      const std::string done = "Worker " + std::to_string(end.worker) + " finished " + t + "'s job";
      const Event* p = job_done_push(c);
      if (p && as<ev::ReadyPush>(*p).future_cancelled)
        return done + (end.raised ? ", which raised an exception" : "") + ". But the asyncio future it would "
               "complete was cancelled already (a wait_for that gave up on it, or a cancel()): cancelling it did not "
               "stop the thread, and the loop's callback will drop the " + (end.raised ? "exception" : "result") +
               ": nothing wakes.";
      if (end.raised)
        return done + ": its function raised an exception. The exception goes back to the loop, whose callback sets "
               "it on the job's future: whatever awaits that future (" + t + ", or a gather it awaits) sees it raised "
               "at its await.";
      return done + ". The result goes back to the loop, whose callback sets the job's future: whatever awaits that "
             "future (" + t + ", or a gather it awaits) can then go on.";
    }
    case Ev::block_begin: return block(c);
    case Ev::block_end:
      return "The blocking call in " + t + " returns after " + duration(e.num) +
             ". The loop was stuck all that time; it can run other handles once " + t + "'s step ends (at its next "
             "await that suspends it, or its return).";
    case Ev::print: {
      std::string who = t;
      if (e.task < 0) {  // no task's step: the loop stopped or closed means the program's top-level code
        const Event* h = c.running_handle();
        const bool outside = !h || c.m.state_at(c.i, e.loop).closed ||
                             (h->kind == Ev::ready_run && fn_of(*h) == HandleFn::run_until_complete_cb);
        who = outside ? "The program's top-level code (no event loop is running it)"
                      : "Code outside any task (a plain callback or another thread)";
      }
      return who + " prints " + quoted(e.s1) + (e.line > 0 ? " (line " + std::to_string(e.line) + ")." : ".");
    }
    case Ev::task_unretrieved:
      return t + " failed with " + (e.s1 ? e.s1 : "an exception") + ", but nobody awaited it or asked for its "
             "result, so asyncio logs \"Task exception was never retrieved\".";
    case Ev::truncated:
      return "The trace stops here for this thread: its stream was full (" + std::to_string(e.num) +
             " events), so what it did afterwards was not recorded.";
    case Ev::deadlock:
      return "Deadlock: nothing is ready, no timer is armed and no I/O is pending, yet " + t +
             " has not finished. It awaits something nobody will ever complete, so the loop stops instead of "
             "waiting forever.";
    case Ev::queue_put:
    case Ev::queue_get: {
      const std::string size = std::to_string(e.num) + (e.ref > 0 ? " of at most " + std::to_string(e.ref) : "");
      const std::string item = e.s1 ? e.s1 : "an item";
      std::string who = t;
      if (e.task < 0) {  // no task's step: a plain callback's, or put before the loop ran
        const Event* h = c.running_handle();
        if (h && h->kind == Ev::ready_run && !runs_task(fn_of(*h), h->task))
          who = "The callback " + label_of(*h);
        else if (e.kind == Ev::queue_put)
          return item + " was in the queue before the loop first saw it (put with no loop running, e.g. before "
                        "asyncio.run); the queue holds " + size + ".";
        else
          who = "Code outside any task";
      }
      // Out of the queue, not "from the front": a LifoQueue gives its last item, a PriorityQueue its least.
      return e.kind == Ev::queue_put ? who + " puts " + item + " into the queue; it now holds " + size + "."
                                     : who + " takes " + item + " out of the queue; it now holds " + size + ".";
    }
    case Ev::source: {
      const ev::Source src = as<ev::Source>(e);
      return std::string("The recorder keeps ") + (src.file ? src.file : "a file") +
             "'s text in the trace, as it was when the program ran, so the Code panel shows what really ran. "
             "No event loop work happens here.";
    }
    case Ev::loop_close: return loop_close(c);
    case Ev::loop_abort:
      return std::string(e.s1 ? e.s1 : "An exception") + " left the event loop" +
             (e.task >= 0 ? " from " + c.who() + "'s step" : std::string()) + ": asyncio catches every other "
             "exception of a handle, but SystemExit and KeyboardInterrupt go through Handle._run, out of _run_once "
             "and run_forever, in the middle of this iteration. What is still queued stays queued.";
    case Ev::ready_cancel:
      return "The queued handle " + quoted(e.s1) + " is cancelled (Handle.cancel(): a reader or writer removed after "
             "its socket was reported ready, a timer's callback cancelled after it fell due). It never runs: "
             "_run_once skips a cancelled handle when it reaches it, so the stage takes it off the queue now.";
    case Ev::bookmark: {
      const ev::Bookmark b = as<ev::Bookmark>(e);
      return std::string("A bookmark") + (b.label && *b.label ? std::string(": ") + b.label : std::string()) +
             ". B jumps to the next one, Shift+B to the one before.";
    }
    case Ev::count_: break;
  }
  return name(e.kind);
}

}  // namespace

}  // namespace loopscope::model
