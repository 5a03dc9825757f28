// The loop's tracing, kept apart from its scheduling. core/loop.cpp calls it
// once around each phase (as libuv's uv_run calls its metrics hooks between
// phases) and Task::step once before and once after the coroutine runs; what
// the trace records and how it stores it is decided here:
// - stamping: clock reads are most of tracing's cost, so the hot path shares
//   them. A clock read stamps a step's end, a poll's end, the end of a handle
//   that read no clock, and every event of the rarer kinds (event()). The
//   bookkeeping events between two such instants (loop.iter, loop.poll's
//   start, ready.run, step.begin, ready.push) carry the latest read: they
//   happen within the loop's own few nanoseconds of bookkeeping after it. See
//   docs/trace-format.md, "Time stamps".
// - holding and publishing: a handle's ready.run (and a poll's loop.iter) is
//   held back (Trace::Stream::hold) and published when the handle (the poll)
//   ends, so that while nothing else is traced it can grow in place;
// - packing: a held ready.run grows into one packed step record (ready.run +
//   step.begin + step.end + the task's own next ready.push), a held loop.iter
//   into iter + poll (core/trace.hpp, namespace packed);
// - the slow-or-preempted verdict on long steps (docs/engine.md).
// With LoopOptions::trace off it reads no clock and writes nothing.
#pragma once

#include <cstdint>
#include <string_view>

#include "trace.hpp"

namespace loopscope {

class LoopTracer {
 public:
  // The latest clock read (the end of the poll, after poll_ends).
  int64_t last_stamp() const { return last_t_; }
  // `iteration` is the loop's counter, read for every event's `it`.
  LoopTracer(Trace& trace, Trace::Stream& stream, int loop_id, bool on, int64_t slow_step_ns,
             const uint32_t& iteration)
      : trace_(trace), stream_(&stream), iteration_(iteration), slow_step_ns_(slow_step_ns),
        loop_id_(uint8_t(loop_id)), on_(on) {}
  LoopTracer(const LoopTracer&) = delete;
  LoopTracer& operator=(const LoopTracer&) = delete;

  bool on() const { return on_; }

  // [SECTION] Events of the rarer kinds (timers, tasks, I/O, prints...)
  // An event with its own clock read (t_ns 0 when tracing is off).
  Event event(Ev kind) { return event_at(kind, on_ ? stamp() : 0); }
  void emit(const Event& e) {
    if (on_) stream_->append(e);
  }
  const char* intern(std::string_view s) { return stream_->intern(s); }
  // Reads the clock: the instant the events that follow share.
  int64_t stamp() {
    stamped_ = true;
    return last_t_ = trace_.now();
  }

  // [SECTION] The loop's phases (called only when on())
  // call_soon: ready.push, or part of the packed step that queued it.
  void push(int32_t handle, int32_t task, const char* label, Cause cause, HandleFn fn);
  // Around the poll. `may_sleep`: nothing is ready, so the poll may wait (its
  // loop.iter is published before it sleeps: live readers see the loop waiting).
  void poll_begins(size_t ready, bool may_sleep);
  void poll_ends(bool may_sleep, int timeout_ms);
  // Before the ready handles run. Without a poll, loop.iter and loop.poll
  // ride on the first handle's record (packed::kIterStart).
  void run_begins(bool polled) {
    iter_start_ = polled ? 0 : packed::kIterStart;
    if (!polled && last_t_ - mark_.t_ns > kCheckpointAge) checkpoint();
  }
  // Around one handle: ready.run is held back so that a task step can grow it
  // into one packed record; it is published by the handle's end.
  void handle_begins(int32_t handle, int32_t task, const char* label, HandleFn fn, size_t left) {
    Event r = hot_event(Ev::ready_run);
    r.id = handle;
    r.task = task;
    r.s1 = label;
    r.num = int64_t(left);    // handles of this iteration still to run after it
    r.line = int32_t(fn);     // trace_schema.hpp: ready.run's fn
    r.flags = iter_start_;
    iter_start_ = 0;
    stream_->hold(r);
    stamped_ = false;
  }
  void handle_ends() {
    if (!stamped_) stamp();  // a plain callback's end: the next handle starts here
    stream_->publish();
  }

  // [SECTION] A task's step (Task::step)
  // step.begin shares ready.run's instant (and, while nothing else is traced,
  // its record). `thrown`: the exception type thrown into the coroutine, or
  // null; a step that resumes with one is not packed (the record has no room,
  // and such steps are rare). Returns the step's start (0 when tracing is off).
  int64_t step_begins(int32_t task, int32_t line, std::string_view thrown = {}) {
    if (!on_) return 0;
    Event* r = thrown.empty() ? held(task, Ev::ready_run) : nullptr;
    if (r) {
      packed::begin_step(*r, line);
    } else {
      Event b = hot_event(Ev::step_begin);
      b.task = task;
      b.line = line;
      if (!thrown.empty()) b.s1 = stream_->intern(thrown);  // trace_schema.hpp: step.begin's thrown
      stream_->append(b);
    }
    return last_t_;
  }
  // step.end: `wait`/`on` say what the task now awaits (Wait::none when it
  // finished), `target` the task awaited or -1. Only a step over the slow
  // threshold pays for the slow-or-preempted verdict (getrusage).
  void step_ends(int32_t task, int32_t line, int64_t t_begin, Wait wait, AwaitOn on, int32_t target) {
    if (!on_) return;
    const int64_t t_end = stamp();
    const bool long_step = t_end - t_begin > slow_step_ns_;
    Event* r = target < 0 && !long_step ? held(task, packed::step) : nullptr;  // a target does not fit the packed record
    if (r) packed::end_step(*r, t_end, line, wait, on, false);
    else step_end_record(task, line, t_begin, t_end, wait, on, target, long_step);
  }

  // [SECTION] Slow or preempted
  // A step over slow_step_ns is a blocking call (slow) unless the thread was
  // mostly off the CPU without sleeping: then the machine was busy
  // (preempted). Decided only for steps already over the threshold, from the
  // thread's CPU time and context switches (getrusage(RUSAGE_THREAD)) against
  // a checkpoint taken off the hot path: after a poll that may have slept,
  // after a slow step, and when the last one is older than kCheckpointAge
  // (one compare per iteration). See docs/engine.md, "Slow or preempted".
  // A blocking call (block.begin .. block.end) ended now: a step that made one is slow, never preempted.
  void note_block_end(int64_t t_ns) { last_block_end_ns_ = t_ns; }
  static constexpr int64_t kCheckpointAge = 20'000'000;

 private:
  struct StepVerdict {
    bool slow = false, preempted = false;
    int64_t cpu_us = -1;  // the step's CPU time (an upper bound), or -1
  };
  StepVerdict judge_step(int64_t t_begin, int64_t t_end);
  void checkpoint();
  // A step.end of its own: a long step (it carries cpu_ns), one with a
  // target, or one after other events were traced during the step.
  void step_end_record(int32_t task, int32_t line, int64_t t_begin, int64_t t_end, Wait wait, AwaitOn on,
                       int32_t target, bool long_step);
  // A hot-path bookkeeping event: the time of the latest clock read.
  Event hot_event(Ev kind) const { return event_at(kind, last_t_); }
  Event event_at(Ev kind, int64_t t_ns) const {
    Event e;
    e.t_ns = t_ns;
    e.it = iteration_;
    e.kind = kind;
    e.loop = loop_id_;
    return e;
  }
  // The record of `task` still held back (nothing traced since), or null.
  Event* held(int32_t task, Ev kind) const {
    Event* r = stream_->held();
    return r && r->kind == kind && r->task == task ? r : nullptr;
  }

  Trace& trace_;
  Trace::Stream* stream_;
  const uint32_t& iteration_;
  int64_t slow_step_ns_;
  int64_t last_t_ = 0;         // the latest clock read
  int64_t poll_t0_ = 0;        // the poll's start (poll_begins .. poll_ends)
  Event* held_iter_ = nullptr; // a busy iteration's loop.iter, held through its poll
  struct CpuMark {
    int64_t t_ns = INT64_MIN / 2, cpu_us = 0, nvcsw = 0, nivcsw = 0;
  } mark_;
  int64_t last_block_end_ns_ = INT64_MIN / 2;
  uint8_t loop_id_;
  uint8_t iter_start_ = 0;     // packed::kIterStart for the first handle of an iteration without a poll
  bool on_;
  bool stamped_ = false;       // a clock read happened during the current handle
};

}  // namespace loopscope
