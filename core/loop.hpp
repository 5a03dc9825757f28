// The loop driver: asyncio's BaseEventLoop._run_once on top of a real uv_loop_t.
//
// One iteration (run_once), in three phases, as libuv's uv_run:
//   1. poll:  uv_run(NOWAIT) if anything is ready, else uv_run(ONCE), which
//             blocks in epoll until the next libuv timer or I/O event. libuv
//             callbacks run no user code: they only queue "I/O completion" and
//             "timer due" items.
//   2. queue: append the I/O completions to the ready queue, then the due
//             timers (armed order for equal deadlines: libuv's rule).
//   3. run:   take ntodo = ready.size() and run exactly that many handles, FIFO.
//             Handles scheduled meanwhile wait for the next iteration.
//
// Everything the loop does is appended to the run's Trace by its LoopTracer
// (loop_tracer.hpp), which the phases call once each: how events are stamped,
// held and packed is no concern of the scheduling.
#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "loop_tracer.hpp"
#include "trace.hpp"
#include "value.hpp"

namespace loopscope {

class Future;
class Task;

// A handle on the ready queue: asyncio's Handle. `fn(loop, a, b)` is the
// callback; task is the task it steps or wakes (for the trace), or -1.
struct ReadyHandle {
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
  ReadyHandle& push_back(const ReadyHandle& h) {
    if (size_ == buf_.size()) grow();
    ReadyHandle& slot = buf_[(head_ + size_) & mask_];
    slot = h;
    ++size_;
    return slot;
  }
  ReadyHandle pop_front() {
    ReadyHandle h = buf_[head_];
    head_ = (head_ + 1) & mask_;
    --size_;
    return h;
  }

 private:
  void grow();
  std::vector<ReadyHandle> buf_;  // size: 0 or a power of two
  size_t mask_ = 0;          // buf_.size() - 1 (kept: sizeof(ReadyHandle) is not a power of two)
  size_t head_ = 0, size_ = 0;
};

// Base of everything the loop owns until it closes.
struct Owned {
  virtual ~Owned() = default;
};

// A timer armed with call_later, backed by a uv_timer_t.
struct Timer;

// Why a run was asked to stop (Loop::request_stop): run.end's `how`.
enum class StopReason : uint8_t { none, sigint, sigterm };
const char* name(StopReason r);  // "sigint", "sigterm" ("" for none)

// Asks every loop of the process to stop (Loop::request_stop). Async-signal-safe:
// what the CLI's SIGINT and SIGTERM handlers call.
void request_stop_all(StopReason why);
// SIGINT and SIGTERM call request_stop_all and say so on stderr; the second
// signal exits at once (status 130 / 143). For the command line.
void install_stop_signals();

// loop_id, slow_step_ns and trace are the LoopTracer's from the loop's
// construction on (copied: read on every event); the loop asks its tracer.
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
  int32_t call_soon(const ReadyHandle& h, Cause cause) {
    const int32_t id = next_handle_id_++;
    ready_.push_back(h).id = id;
    if (tracer_.on()) tracer_.push(id, h.task, h.label, cause, h.what);
    return id;
  }
  // asyncio's loop.call_later: a uv_timer_t that, when due, queues h. Returns the timer id.
  int32_t call_later(double delay_s, ReadyHandle h, int32_t for_task);
  void cancel_timer(int32_t timer_id);

  // [SECTION] Running
  // asyncio.run(main): run iterations until main is done, then cancel what is
  // left (as asyncio.run does), close every handle and return main's outcome.
  // Throws what main raised.
  Value run(Task* main);
  // One iteration: poll, queue completions, run the ready handles. Public for tests of the ready queue.
  void run_once();
  // Close every uv handle and uv_loop_close(); returns uv_loop_close()'s result.
  int close();

  // [SECTION] Stopping
  // Asks the run to end soon. Thread-safe and async-signal-safe (an atomic
  // counter, an eventfd write and uv_async_send, which wakes the poll). The
  // loop thread handles it between iterations, as asyncio.Runner handles
  // SIGINT: the first request runs the stop handlers if any were added
  // (loop.add_signal_handler), else cancels the main task; a later request
  // cancels every task. It reaches the client loops this loop owns, blocking
  // calls on the loop thread (they raise KeyboardInterrupt, as time.sleep does
  // on Ctrl-C) and pool jobs not yet started.
  void request_stop(StopReason why = StopReason::sigint);
  bool stop_requested() const { return stop_count_.load(std::memory_order_relaxed) != 0; }
  StopReason stop_reason() const { return StopReason(stop_reason_.load(std::memory_order_relaxed)); }
  // Readable once a stop was requested: blocking calls poll it beside their own fd.
  int stop_fd() const { return stop_fd_; }
  // Thread-safe: makes the loop thread's blocking calls raise `error` (not
  // KeyboardInterrupt) instead of waiting on. A client loop whose main failed
  // calls it, so a server blocked in accept() for clients that will never
  // come reports their error instead of hanging. It cancels no task.
  void interrupt_blocking_calls(std::exception_ptr error);
  // What an interrupted blocking call raises: KeyboardInterrupt after a stop, else that error.
  [[noreturn]] void raise_interrupted();
  // `loop.add_signal_handler(SIGINT/SIGTERM, fn)`: fn runs from a ready handle
  // (label "signal: SIGINT"/"signal: SIGTERM") on the first stop request,
  // instead of the main task being cancelled. Loop thread only.
  // Like asyncio's self-pipe, a stop handler keeps the loop waiting for the
  // signal: no deadlock is declared while one is installed.
  void add_stop_handler(std::function<void(StopReason)> fn) {
    stop_handlers_.push_back(std::move(fn));
    uv_ref(reinterpret_cast<uv_handle_t*>(&stop_async_));
  }
  // Called on the loop thread with every stop request it handles (client loops forward it).
  void forward_stops(std::function<void(StopReason)> fn) { stop_forwards_.push_back(std::move(fn)); }

  // [SECTION] Streams and running out of file descriptors
  // libuv meets an accept that fails with EMFILE or ENFILE with its "EMFILE
  // trick": it spends a spare descriptor to accept and close every waiting
  // connection and tells nobody, so the clients only see resets. By default
  // the loop gives that spare descriptor up, so the accept callback gets the
  // error and a scenario's server reports it (server.cpp). The open server,
  // facing outside clients, turns the trick on: a storm of them must not end
  // its run. Call before the server is made.
  void drop_connections_when_out_of_fds();
  // uv_tcp_init on this loop under that choice. libuv reserves its spare
  // descriptor again whenever it initialises a stream, so every stream of the
  // engine (servers, connections) is initialised here and nowhere else.
  void init_tcp(uv_tcp_t& tcp);

  // [SECTION] State
  uv_loop_t* uv() { return &uv_; }
  Trace& trace() { return trace_; }
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
  // `late` closers run after all others: a client loop's join waits for the
  // connections and servers that other closers close first. Returns an id
  // for drop_closer (a connection closed during the run needs none).
  uint64_t on_close(std::function<void()> fn, bool late = false) {
    const uint64_t id = next_closer_id_++;
    (late ? late_closers_ : closers_).emplace(id, std::move(fn));
    return id;
  }
  void drop_closer(uint64_t id) {
    closers_.erase(id);
    late_closers_.erase(id);
  }
  size_t closer_count() const { return closers_.size() + late_closers_.size(); }
  // True once main has ended with an exception or a stop was requested: a
  // client loop is then stopped rather than waited for.
  bool ending_badly() const { return ending_badly_; }

  // [SECTION] Tracing (loop_tracer.hpp)
  bool traced() const { return tracer_.on(); }
  LoopTracer& tracer() { return tracer_; }
  // An event of the rarer kinds, with its own clock read; emit() appends it.
  Event event(Ev kind) { return tracer_.event(kind); }
  void emit(const Event& e) { tracer_.emit(e); }
  const char* intern(std::string_view s) { return tracer_.intern(s); }

 private:
  friend struct Timer;
  void timer_due(Timer* t);
  // run_once's phases.
  bool poll();
  void queue_completions(bool polled);
  void run_ready(bool polled);
  int poll_timeout();
  Timer* alloc_timer();
  void handle_stop(Task* main);
  static void on_stop_async(uv_async_t* a);

  Trace& trace_;
  LoopOptions opts_;
  uv_loop_t uv_{};
  ReadyQueue ready_;
  std::vector<std::pair<ReadyHandle, Cause>> io_done_;  // queued by libuv callbacks during the poll
  std::vector<Timer*> timers_due_;   // likewise
  std::vector<std::unique_ptr<Timer>> timers_;  // every uv_timer_t, reused
  std::vector<Timer*> free_timers_;
  std::vector<std::unique_ptr<Owned>> owned_;
  std::vector<Task*> tasks_;
  std::map<uint64_t, std::function<void()>> closers_, late_closers_;  // in registration order
  uint64_t next_closer_id_ = 0;
  // Stopping: written by any thread (request_stop), handled on the loop thread.
  uv_async_t stop_async_{};
  int stop_fd_ = -1;
  std::atomic<uint32_t> stop_count_{0};
  std::atomic<uint8_t> stop_reason_{0};
  std::atomic<int> stop_callers_{0};   // request_stop calls in progress (close waits for them)
  std::atomic<bool> stop_open_{false}; // stop_async_ may be sent to
  uint32_t stops_handled_ = 0;
  int stop_slot_ = -1;                 // in the process-wide table request_stop_all walks
  std::vector<std::function<void(StopReason)>> stop_handlers_, stop_forwards_;
  bool ending_badly_ = false;
  std::mutex interrupt_mutex_;
  std::exception_ptr interrupt_error_;  // guarded by interrupt_mutex_
  Task* current_ = nullptr;
  uint32_t iteration_ = 0;
  LoopTracer tracer_;
  int32_t next_handle_id_ = 0, next_timer_id_ = 0, next_task_id_ = 0, next_op_id_ = 0;
  bool deadlocked_ = false;
  bool drop_when_out_of_fds_ = false;  // libuv's EMFILE trick (drop_connections_when_out_of_fds)
  bool stopping_ = false;  // loop.stop() was called (by _run_until_complete_cb)
  bool closed_ = false;

 public:
  // Queue a completion from a libuv callback (I/O, thread pool): it joins the
  // ready queue after this iteration's poll, before the due timers.
  void queue_io(ReadyHandle h, Cause cause = Cause::io) { io_done_.emplace_back(h, cause); }
};

}  // namespace loopscope
