// The "Why" panel: one or two plain sentences about the event at the
// playhead, naming tasks, and saying why the loop did it in asyncio's terms.
// The handle labels come from the engine (core/task.cpp: "X step" /
// "X wakeup"; core/sleep.cpp: "sleep timer: set_result"; core/gather.cpp:
// "gather: _done_callback"; core/task_group.cpp: "TaskGroup._on_task_done").
//
// [SECTION] Helpers
// [SECTION] Handles on the ready queue
// [SECTION] Steps and awaits
// [SECTION] narrate()
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/trace_schema.hpp"
#include "model/model.hpp"

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
  // The handle the loop was running when this event happened (its ready.run).
  const Event* running_handle() const {
    return back([](const Event& x) { return x.kind == Ev::ready_run || x.kind == Ev::loop_iter; }, i);
  }
  // Was cancel() called on `task` and not yet delivered, as of event `at`?
  bool cancelling(int32_t task, size_t at) const {
    LoopState s = m.state_at(at, e.loop);
    int32_t k = m.task_index(task, e.loop);
    return k >= 0 && size_t(k) < s.tasks.size() && s.tasks[size_t(k)].cancelling;
  }
};

bool label_is(const Event& e, std::string_view l) { return e.s1 && l == e.s1; }
bool label_ends(const Event& e, std::string_view suffix) {
  if (!e.s1) return false;
  std::string_view s(e.s1);
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

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

std::string push(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  const Cause cause = Cause(e.code);
  if (label_is(e, "sleep timer: set_result"))
    return "The timer of " + t + "'s sleep is due, so its callback joins the ready queue. It runs in this same "
           "iteration, after the handles already queued, and will set the sleep future's result.";
  if (label_is(e, "gather: _done_callback")) {
    const Event* h = c.running_handle();
    std::string child = h && h->kind == Ev::ready_run && h->task >= 0 ? c.task_name(h->task) : "A child";
    return child + " has finished, so gather's done-callback is queued. In the next iteration it records the "
           "child's outcome and, if that completes the gather, wakes the task awaiting it.";
  }
  if (label_is(e, "TaskGroup._on_task_done")) {
    const Event* h = c.running_handle();
    std::string child = h && h->kind == Ev::ready_run && h->task >= 0 ? c.task_name(h->task) : "A child";
    return child + " has finished, so the TaskGroup's done-callback is queued. In the next iteration it removes " +
           child + " from the group, and if " + child + " failed, cancels the other tasks.";
  }
  const bool step = label_ends(e, " step"), wakeup = label_ends(e, " wakeup");
  if (step && cause == Cause::new_)
    return "create_task() schedules " + t + "'s first step: " + t +
           " joins the back of the ready queue. Nothing runs yet; it starts at the earliest in the next iteration.";
  if (step && cause == Cause::yield)
    return t + " gave control back without waiting for anything (await asyncio.sleep(0)), so its next step goes "
           "to the back of the ready queue: the handles queued before it run first, and " + t +
           " continues in the next iteration.";
  if (wakeup) {
    std::string why;
    const Event* h = c.running_handle();
    if (c.cancelling(e.task, c.i))
      why = t + " has been cancelled: the future it was awaiting is cancelled, so its wakeup is queued. When it "
            "runs in the next iteration, CancelledError is raised at " + t + "'s await.";
    else if (h && h->kind == Ev::ready_run && label_is(*h, "sleep timer: set_result"))
      why = "The timer callback has set the sleep future's result, so " + t + "'s wakeup joins the ready queue: " +
            t + " resumes after its await in the next iteration.";
    else if (h && h->kind == Ev::ready_run && label_is(*h, "gather: _done_callback"))
      why = "gather's done-callback has completed the gather future, so " + t + ", which awaits it, wakes up in "
            "the next iteration.";
    else if (h && h->kind == Ev::ready_run && label_is(*h, "TaskGroup._on_task_done"))
      why = "The TaskGroup's last task has finished, so the end of the async with block can go on: " + t +
            " wakes up in the next iteration.";
    else if (h && h->kind == Ev::ready_run && h->task >= 0 && h->task != e.task)
      why = c.task_name(h->task) + " has finished, which completes what " + t + " awaits, so " + t +
            "'s wakeup joins the ready queue for the next iteration.";
    else
      why = "The future " + t + " awaits is done, so " + t + "'s wakeup joins the ready queue for the next iteration.";
    return why;
  }
  std::string when = cause == Cause::timer || cause == Cause::io || cause == Cause::pool
                         ? "It runs later in this same iteration."
                         : "It runs in the next iteration.";
  return std::string(e.s1 ? e.s1 : "A callback") + " joins the back of the ready queue (cause: " + name(cause) +
         "). " + when;
}

std::string run(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  std::string s;
  if (label_ends(e, " step") && e.task >= 0) {
    const Event* first = c.back([&](const Event& x) { return x.kind == Ev::step_begin && x.task == e.task; }, c.i);
    s = first ? "The loop takes " + t + "'s next step from the front of the ready queue: " + t +
                    " continues where it left off."
              : "The loop takes " + t + "'s first step from the front of the ready queue: " + t +
                    "'s coroutine starts running from the top.";
  } else if (label_ends(e, " wakeup") && e.task >= 0) {
    s = c.cancelling(e.task, c.i) ? "The loop runs " + t + "'s wakeup. " + t +
                                   " was cancelled, so CancelledError is raised at the await where it was waiting."
                             : "The loop runs " + t + "'s wakeup: the future it awaited is done, so " + t +
                                   "'s coroutine resumes at its await, getting its result (or the exception "
                                   "raised there).";
  } else if (label_is(e, "sleep timer: set_result")) {
    s = "The loop runs the timer callback of " + t + "'s sleep. It sets the sleep future's result, which schedules " +
        t + "'s wakeup for the next iteration.";
  } else if (label_is(e, "gather: _done_callback")) {
    s = "The loop runs gather's done-callback for a finished child. When every child is done (or, without "
        "return_exceptions, when one fails), it completes the gather future and wakes the task awaiting it.";
  } else if (label_is(e, "TaskGroup._on_task_done")) {
    int cancels = 0;
    std::string names, woken;
    // What this callback does is in the events it emits before the next handle runs.
    const std::vector<Event>& ev = c.m.events();
    for (size_t j = c.i + 1; j < ev.size() && j < c.i + kLookBack; ++j) {
      if (ev[j].loop != e.loop) continue;
      if (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter) break;
      if (ev[j].kind == Ev::task_cancel) names += (cancels++ ? ", " : "") + c.task_name(ev[j].task);
      if (ev[j].kind == Ev::ready_push && label_ends(ev[j], " wakeup")) woken = c.task_name(ev[j].task);
    }
    s = cancels ? "The loop runs the TaskGroup's done-callback: a child failed, so the group cancels " + names +
                      ". Each will see CancelledError at its await one iteration later."
        : woken.empty() ? "The loop runs the TaskGroup's done-callback: it removes the finished task from the group."
                        : "The loop runs the TaskGroup's done-callback: the finished task was the group's last, so " +
                              woken + ", waiting at the end of the async with block, wakes up in the next iteration.";
  } else {
    s = "The loop runs the next ready handle: " + std::string(e.s1 ? e.s1 : "a callback") + ".";
  }
  if (e.num > 0)
    s += " " + std::to_string(e.num) + (e.num == 1 ? " more handle waits its" : " more handles wait their") +
         " turn in this iteration.";
  return s;
}

// [SECTION] Steps and awaits

std::string await_text(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  const std::string at = e.line > 0 ? " (line " + std::to_string(e.line) + ")" : "";
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
    case Wait::task: return t + " awaits another task" + at + " and pauses until that task finishes.";
    case Wait::gather:
      return t + " awaits gather()" + at + ": it pauses until every child is done (or, without return_exceptions, "
             "until the first one fails).";
    case Wait::taskgroup:
      return t + " reached the end of the async with TaskGroup() block" + at + " and waits there until every "
             "task of the group has finished.";
    case Wait::pool:
      return t + " handed blocking work to the thread pool" + at + " and pauses; a worker thread does the work "
             "while the loop keeps running other tasks.";
    case Wait::io:
      return t + " waits for the network or a file" + at + ": the loop asks the operating system to tell it when "
             "the data is there, and runs other tasks meanwhile.";
    case Wait::queue: return t + " waits on an asyncio.Queue" + at + " until an item is there.";
    case Wait::event: return t + " waits" + at + " until an asyncio.Event is set.";
    case Wait::lock: return t + " waits" + at + " to acquire an asyncio.Lock another task holds.";
    case Wait::semaphore: return t + " waits" + at + " for a free slot of an asyncio.Semaphore.";
    case Wait::none: {
      const std::vector<Event>& ev = c.m.events();
      const Event* d = c.i + 1 < ev.size() && ev[c.i + 1].kind == Ev::task_done ? &ev[c.i + 1] : nullptr;
      std::string how = !d ? "it returned or raised"
                        : Outcome(d->code) == Outcome::result ? "it returned"
                        : Outcome(d->code) == Outcome::error  ? "an exception left it"
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

std::string done(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  switch (Outcome(e.code)) {
    case Outcome::result:
      return t + " returned " + (e.s1 ? e.s1 : "None") + ". The task is done: whoever waits on it (an awaiting "
             "task, gather or a TaskGroup) has its callback queued now.";
    case Outcome::error:
      return t + " raised " + (e.s1 ? e.s1 : "an exception") + ". The exception is stored in the task: whoever "
             "awaits it gets it, and the callbacks waiting on " + t + " are queued.";
    case Outcome::cancelled:
      return t + " ended cancelled: the CancelledError left its coroutine. The callbacks waiting on " + t +
             " are queued.";
  }
  return t + " is done.";
}

std::string cancel(const Ctx& c) {
  const Event& e = c.e;
  const std::string t = c.who();
  std::string by;
  if (e.ref >= 0 && e.ref != e.task) {
    by = c.task_name(e.ref) + " cancels " + t + ".";
  } else if (e.ref == e.task) {
    by = t + " cancels itself.";
  } else {
    const Event* h = c.running_handle();
    bool group = h && h->kind == Ev::ready_run && label_is(*h, "TaskGroup._on_task_done");
    by = group ? "The TaskGroup cancels " + t + " because another task of the group failed."
               : "The loop cancels " + t + (h && h->kind == Ev::loop_iter ? " (asyncio.run cancels what is left)." : ".");
  }
  return by + " Nothing is interrupted right away: " + t + "'s wakeup is queued, and CancelledError is raised at " +
         t + "'s await when that runs, one iteration later.";
}

std::string poll(const Ctx& c) {
  const Event& e = c.e;
  const int timeout = e.ref;
  if (timeout == 0) {
    const Event* it = c.back([](const Event& x) { return x.kind == Ev::loop_iter; }, c.i);
    if (it && it->num == 0)
      return "Nothing is ready, but nothing is pending either (no timer armed, no I/O awaited), so the check for "
             "I/O and timers returns at once.";
    return "Handles are ready, so the loop only checks for finished I/O and due timers, without waiting.";
  }
  std::string waited = " It slept " + duration(e.num) + ".";
  if (timeout < 0)
    return "Nothing is ready and no timer is armed, so the loop sleeps in epoll (the operating system's way of "
           "waiting for sockets) until some I/O arrives." + waited;
  return "Nothing is ready, so the loop sleeps in epoll (the operating system's way of waiting for sockets and "
         "timers) until the next timer, " + std::to_string(timeout) + " ms away." + waited;
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

std::string narrate(const Model& m, size_t event_index) {
  if (event_index >= m.size()) return {};
  const Event& e = m.events()[event_index];
  if (e.loop == 0 && m.no_event_loop()) return narrate_thread(m, event_index);
  const Ctx c{m, event_index, e};
  const std::string t = c.who();
  switch (e.kind) {
    case Ev::run_begin:
      return "The program starts: asyncio.run(main()) creates an event loop and wraps main() in a task, the first "
             "thing on the ready queue.";
    case Ev::run_end:
      return e.code == 0 ? "main() is done and every task has finished, so asyncio.run closes the loop: the "
                           "program ends."
                         : "The run ends with an error: " + std::string(e.s1 ? e.s1 : "?") + ".";
    case Ev::loop_iter:
      if (e.num == 0)
        return "Iteration " + std::to_string(e.it) + " begins with nothing ready: the loop first waits for a "
               "timer or I/O event.";
      return "Iteration " + std::to_string(e.it) + " begins with " + std::to_string(e.num) +
             (e.num == 1 ? " handle" : " handles") +
             " ready. The loop runs only those; anything they schedule waits for the next iteration.";
    case Ev::loop_poll: return poll(c);
    case Ev::ready_push: return push(c);
    case Ev::ready_run: return run(c);
    case Ev::task_new: {
      std::string parent = e.ref >= 0 ? " by " + c.task_name(e.ref) : "";
      return "A task named " + t + " is created" + parent + ". It does not run yet: its first step is queued.";
    }
    case Ev::step_begin:
      return event_index > 0 && c.cancelling(e.task, event_index - 1) ? t + " runs, and CancelledError is raised inside it at the await where it was "
                                        "paused; it can catch it, clean up, or let it end the task."
                                  : t + " runs: its coroutine goes on until its next await. No other task runs "
                                        "meanwhile.";
    case Ev::step_end: return step_end(c);
    case Ev::task_done: return done(c);
    case Ev::task_cancel: return cancel(c);
    case Ev::timer_arm:
      return t + " arms a timer due in " + delay(e.num - e.t_ns) +
             ". The loop never waits longer than that in its next poll.";
    case Ev::timer_fire: {
      const Event* arm =
          c.back([&](const Event& x) { return x.kind == Ev::timer_arm && x.id == e.id; }, event_index);
      std::string d = arm ? delay(arm->num - arm->t_ns) + " " : "";
      if (arm && arm->s1 && std::strcmp(arm->s1, "sleep timer: set_result") == 0)
        return t + "'s " + d + "timer is due. Its callback will set the sleep future's result, which schedules " + t +
               "'s wakeup: " + t + " runs again in the next iteration.";
      return "A " + d + "timer is due: its callback joins the ready queue and runs in this iteration.";
    }
    case Ev::timer_cancel:
      return t + "'s timer is cancelled before it was due (the sleep was interrupted), so it will wake nobody.";
    case Ev::io_wait:
      return t + " starts a " + name(IoKind(e.code)) + " on " + (e.s1 ? e.s1 : "a socket") +
             ". The loop registers it with the operating system and goes on with other work.";
    case Ev::io_done:
      return "The " + std::string(name(IoKind(e.code))) + " for " + t + " completed (" + (e.s1 ? e.s1 : "ok") + ", " +
             std::to_string(e.num) + " bytes): the waiting task's callback is queued.";
    case Ev::pool_submit:
      return t + " sends " + quoted(e.s1) + " to the thread pool. A worker thread will run it while the loop stays "
             "free for other tasks.";
    case Ev::pool_start:
      return "Worker " + std::to_string(e.ref) + " starts " + t + "'s job, in parallel with the loop thread.";
    case Ev::pool_end:
      return "Worker " + std::to_string(e.ref) + " finished " + t + "'s job. The loop picks up the result after its "
             "next poll and queues " + t + "'s wakeup.";
    case Ev::block_begin: return block(c);
    case Ev::block_end:
      return "The blocking call in " + t + " returns after " + duration(e.num) +
             ". The loop was stuck all that time; it can run other handles once " + t + " awaits.";
    case Ev::print:
      return t + " prints " + quoted(e.s1) + (e.line > 0 ? " (line " + std::to_string(e.line) + ")." : ".");
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
      std::string size = std::to_string(e.num) + (e.ref > 0 ? " of at most " + std::to_string(e.ref) : "");
      return e.kind == Ev::queue_put
                 ? t + " puts " + (e.s1 ? e.s1 : "an item") + " into the queue; it now holds " + size + "."
                 : t + " takes " + (e.s1 ? e.s1 : "an item") + " from the front of the queue; it now holds " + size + ".";
    }
    case Ev::source: case Ev::bookmark:
    case Ev::count_: break;
  }
  return name(e.kind);
}

}  // namespace loopscope::model
