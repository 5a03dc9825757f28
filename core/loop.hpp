// The loop driver: asyncio's BaseEventLoop._run_once on top of a real uv_loop_t.
//
// One iteration (see DESIGN.md):
//   1. poll:  uv_run(NOWAIT) if anything is ready, else uv_run(ONCE), which
//             blocks in epoll until the next libuv timer or I/O event. libuv
//             callbacks run no user code: they only queue "I/O completion" and
//             "timer due" items.
//   2. queue: append the I/O completions to the ready queue, then the due
//             timers (armed order for equal deadlines: libuv's rule).
//   3. run:   take ntodo = ready.size() and run exactly that many handles, FIFO.
//             Handles scheduled meanwhile wait for the next iteration.
//
// Everything the loop does is appended to the run's Trace.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trace.hpp"
#include "value.hpp"

namespace loopscope {

class Future;
class Task;

// A handle on the ready queue: asyncio's Handle. `fn(loop, a, b)` is the
// callback; task is the task it steps or wakes (for the trace), or -1.
struct Handle {
  using Fn = void (*)(void* a, void* b);
  Fn fn = nullptr;
  void* a = nullptr;
  void* b = nullptr;
  int32_t id = -1;
  int32_t task = -1;
  const char* label = nullptr;  // static or interned
  HandleFn what = HandleFn::callback;  // the trace's `fn`: what fn is, in CPython's terms
};

// The ready queue: a FIFO ring that doubles when full and never shrinks, so
// once it has grown, pushing and popping allocate nothing (a std::deque
// allocates and frees a block every dozen handles).
class ReadyQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  Handle& push_back(const Handle& h) {
    if (size_ == buf_.size()) grow();
    Handle& slot = buf_[(head_ + size_) & mask_];
    slot = h;
    ++size_;
    return slot;
  }
  Handle pop_front() {
    Handle h = buf_[head_];
    head_ = (head_ + 1) & mask_;
    --size_;
    return h;
  }

 private:
  void grow();
  std::vector<Handle> buf_;  // size: 0 or a power of two
  size_t mask_ = 0;          // buf_.size() - 1 (kept: sizeof(Handle) is not a power of two)
  size_t head_ = 0, size_ = 0;
};

// Base of everything the loop owns until it closes.
struct Owned {
  virtual ~Owned() = default;
};

// A timer armed with call_later, backed by a uv_timer_t.
struct Timer;

struct LoopOptions {
  int loop_id = 0;            // 0: the loop under study, 1: a client-driver loop
  double time_scale = 1.0;    // multiplies every scenario delay (tests shrink runs)
  int64_t slow_step_ns = 100'000'000;  // asyncio debug mode's slow_callback_duration
  bool echo_prints = false;   // also write print() text to stdout
  bool trace = true;          // false: no clock reads, no events (the benchmarks' untraced baseline)
};

class Loop {
 public:
  Loop(Trace& trace, LoopOptions opts = {});
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // [SECTION] Scheduling
  // asyncio's loop.call_soon: append to the ready queue (runs next iteration at the earliest).
  int32_t call_soon(const Handle& h, Cause cause) {
    const int32_t id = next_handle_id_++;
    ready_.push_back(h).id = id;
    if (opts_.trace) trace_push(id, h.task, h.label, cause, h.what);
    return id;
  }
  // asyncio's loop.call_later: a uv_timer_t that, when due, queues h. Returns the timer id.
  int32_t call_later(double delay_s, Handle h, int32_t for_task);
  void cancel_timer(int32_t timer_id);

  // [SECTION] Running
  // asyncio.run(main): run iterations until main is done, then cancel what is
  // left (as asyncio.run does), close every handle and return main's outcome.
  // Throws what main raised.
  Value run(Task* main);
  // One iteration. Public for tests of the ready queue.
  void run_once();
  // Stop a run_forever-style driver (see run_until(pred)).
  template <class Pred>
  void run_until(Pred done) {
    while (!done()) run_once();
  }
  // Close every uv handle and uv_loop_close(); returns uv_loop_close()'s result.
  int close();

  // [SECTION] State
  uv_loop_t* uv() { return &uv_; }
  Trace& trace() { return trace_; }
  Trace::Stream& stream() { return *stream_; }
  const LoopOptions& options() const { return opts_; }
  uint32_t iteration() const { return iteration_; }
  size_t ready_size() const { return ready_.size(); }
  Task* current_task() const { return current_; }
  void set_current_task(Task* t) { current_ = t; }
  bool deadlocked() const { return deadlocked_; }
  double scaled(double seconds) const { return seconds * opts_.time_scale; }

  // Creates a future/task owned by the loop until close(): asyncio keeps
  // futures alive by reference; here the loop keeps them all until the run ends.
  template <class F, class... A>
  F* make(A&&... args) {
    auto p = std::make_unique<F>(*this, std::forward<A>(args)...);
    F* raw = p.get();
    owned_.push_back(std::move(p));
    return raw;
  }
  int32_t next_task_id() { return next_task_id_++; }
  int32_t next_op_id() { return next_op_id_++; }
  std::vector<Task*>& tasks() { return tasks_; }

  // Resources that need closing with the loop (servers, sockets...).
  void on_close(std::function<void()> fn) { closers_.push_back(std::move(fn)); }

  // [SECTION] Tracing
  // Clock reads are most of tracing's cost, so the hot path shares them:
  // a clock read stamps a step's end, a poll's end, the end of a handle that
  // read no clock, and every event of the rarer kinds (event()). The
  // bookkeeping events between two such instants (loop.iter, loop.poll's
  // start, ready.run, step.begin, ready.push) carry the latest read
  // (hot_event()): they happen within the loop's own few nanoseconds of
  // bookkeeping after it. See docs/trace-format.md, "Time stamps".
  bool traced() const { return opts_.trace; }
  int64_t stamp() {
    stamped_ = true;
    return last_t_ = trace_.now();
  }
  // An event with its own clock read.
  Event event(Ev kind) { return event_at(kind, opts_.trace ? stamp() : 0); }
  // A hot-path bookkeeping event: the time of the loop's latest clock read.
  Event hot_event(Ev kind) const { return event_at(kind, last_t_); }
  Event event_at(Ev kind, int64_t t_ns) const {
    Event e;
    e.t_ns = t_ns;
    e.it = iteration_;
    e.kind = kind;
    e.loop = uint8_t(opts_.loop_id);
    return e;
  }
  void emit(const Event& e) {
    if (opts_.trace) stream_->append(e);
  }
  // The packed step record of `task` still held back (nothing traced since
  // its ready.run), or null: see Trace::Stream::hold and packed::step.
  Event* held_step(int32_t task, Ev kind = packed::step) {
    Event* r = stream_->held();
    return r && r->kind == kind && r->task == task ? r : nullptr;
  }
  const char* intern(std::string_view s) { return stream_->intern(s); }

 private:
  friend struct Timer;
  void timer_due(Timer* t);
  void trace_push(int32_t id, int32_t task, const char* label, Cause cause, HandleFn fn);
  int poll_timeout();
  Timer* alloc_timer();

  Trace& trace_;
  Trace::Stream* stream_;
  LoopOptions opts_;
  uv_loop_t uv_{};
  ReadyQueue ready_;
  std::vector<std::pair<Handle, Cause>> io_done_;  // queued by libuv callbacks during the poll
  std::vector<Timer*> timers_due_;   // likewise
  std::vector<std::unique_ptr<Timer>> timers_;  // every uv_timer_t, reused
  std::vector<Timer*> free_timers_;
  std::vector<std::unique_ptr<Owned>> owned_;
  std::vector<Task*> tasks_;
  std::vector<std::function<void()>> closers_;
  Task* current_ = nullptr;
  uint32_t iteration_ = 0;
  int64_t last_t_ = 0;  // the latest clock read (tracing only)
  bool stamped_ = false;  // a clock read happened during the current handle
  int32_t next_handle_id_ = 0, next_timer_id_ = 0, next_task_id_ = 0, next_op_id_ = 0;
  bool deadlocked_ = false;
  bool stopping_ = false;  // loop.stop() was called (by _run_until_complete_cb)
  bool closed_ = false;

 public:
  // Queue a completion from a libuv callback (I/O, thread pool): it joins the
  // ready queue after this iteration's poll, before the due timers.
  void queue_io(Handle h, Cause cause = Cause::io) { io_done_.emplace_back(h, cause); }
};

}  // namespace loopscope
