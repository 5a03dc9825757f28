#include "loop.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "task.hpp"

namespace loopscope {

// [SECTION] Stopping: the process-wide table a signal handler walks

namespace {
// Loops register here while open, so that request_stop_all (a signal handler)
// reaches them without locks. A loop leaving the table waits until no walker
// is between loading its pointer and returning from request_stop.
constexpr int kStopSlots = 256;
std::atomic<Loop*> g_stop_loops[kStopSlots];
std::atomic<int> g_stop_walkers{0};
// A request that reached no loop (StopReason as uint8_t, 0 = none): the next loop to open takes it,
// so a Ctrl-C while the command line is still setting the run up is not lost.
std::atomic<uint8_t> g_pending_stop{0};
}  // namespace

const char* name(StopReason r) {
  switch (r) {
    case StopReason::sigint: return "sigint";
    case StopReason::sigterm: return "sigterm";
    default: return "";
  }
}

void request_stop_all(StopReason why) {
  g_stop_walkers.fetch_add(1);
  bool reached = false;
  for (auto& slot : g_stop_loops)
    if (Loop* l = slot.load()) {
      l->request_stop(why);
      reached = true;
    }
  if (!reached) g_pending_stop.store(uint8_t(why));
  g_stop_walkers.fetch_sub(1);
}

namespace {
volatile sig_atomic_t g_signals_seen = 0;
void write_stderr(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  [[maybe_unused]] ssize_t w = ::write(2, s, n);
}
void on_stop_signal(int sig) {
  const bool term = sig == SIGTERM;
  const sig_atomic_t seen = g_signals_seen;
  g_signals_seen = seen + 1;
  if (seen > 0) {
    write_stderr(term ? "\nloopscope: second signal, exiting now\n" : "\nloopscope: second Ctrl-C, exiting now\n");
    ::_exit(term ? 143 : 130);
  }
  write_stderr(term ? "\nloopscope: SIGTERM, stopping (again to exit at once)\n"
                    : "\nloopscope: Ctrl-C, stopping (again to exit at once)\n");
  request_stop_all(term ? StopReason::sigterm : StopReason::sigint);
}
}  // namespace

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void Loop::request_stop(StopReason why) {
  stop_callers_.fetch_add(1);
  if (stop_open_.load()) {
    uint8_t none = 0;
    stop_reason_.compare_exchange_strong(none, uint8_t(why));  // the first reason is the run's
    stop_count_.fetch_add(1);
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(stop_fd_, &one, sizeof one);  // stays readable: blocking calls see it
    uv_async_send(&stop_async_);
  }
  stop_callers_.fetch_sub(1);
}

void Loop::interrupt_blocking_calls(std::exception_ptr error) {
  {
    std::lock_guard<std::mutex> lock(interrupt_mutex_);
    if (!interrupt_error_) interrupt_error_ = error;
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(stop_fd_, &one, sizeof one);
}

void Loop::raise_interrupted() {
  std::exception_ptr e;
  if (!stop_requested()) {
    std::lock_guard<std::mutex> lock(interrupt_mutex_);
    e = interrupt_error_;
  }
  if (e) std::rethrow_exception(e);
  throw KeyboardInterrupt();
}

// Wakes the poll only; the iteration's end handles the request (handle_stop).
void Loop::on_stop_async(uv_async_t*) {}

void Loop::handle_stop(Task* main) {
  const bool first = stops_handled_ == 0;
  stops_handled_ = stop_count_.load();
  ending_badly_ = true;
  const StopReason why = stop_reason();
  for (auto& f : stop_forwards_) f(why);
  if (first && !stop_handlers_.empty()) {
    for (size_t i = 0; i < stop_handlers_.size(); ++i) {
      ReadyHandle h;
      h.fn = [](void* loop, void* index) {
        auto* l = static_cast<Loop*>(loop);
        l->stop_handlers_[reinterpret_cast<size_t>(index)](l->stop_reason());
      };
      h.a = this;
      h.b = reinterpret_cast<void*>(i);
      h.label = why == StopReason::sigterm ? "signal: SIGTERM" : "signal: SIGINT";
      call_soon(h, Cause::io);
    }
    return;
  }
  if (first && main && !main->done()) {
    main->cancel();  // asyncio.Runner's SIGINT handler: main_task.cancel()
    return;
  }
  for (Task* t : tasks_)
    if (!t->done()) t->cancel();
}

// [SECTION] Timers

struct Timer {
  uv_timer_t uv{};
  Loop* loop = nullptr;
  ReadyHandle handle;
  int32_t id = -1;
  int32_t task = -1;
  int64_t due_ns = 0;
  bool armed = false;
};

Timer* Loop::alloc_timer() {
  if (!free_timers_.empty()) {
    Timer* t = free_timers_.back();
    free_timers_.pop_back();
    return t;
  }
  timers_.push_back(std::make_unique<Timer>());
  Timer* t = timers_.back().get();
  t->loop = this;
  uv_timer_init(&uv_, &t->uv);
  t->uv.data = t;
  return t;
}

namespace {
// The fields timer.arm, timer.fire and timer.cancel share (trace_schema.hpp's kTimer).
Event& timer_fields(Event& e, const Timer& t) {
  e.id = t.id;
  e.num = t.due_ns;
  e.task = t.task;
  e.line = int32_t(t.handle.what);  // fn: what the timer's callback is
  return e;
}
}  // namespace

int32_t Loop::call_later(double delay_s, ReadyHandle h, int32_t for_task) {
  Timer* t = alloc_timer();
  t->handle = h;
  t->id = next_timer_id_++;
  t->task = for_task;
  t->armed = true;
  double ms = std::max(0.0, delay_s * 1000.0);
  // libuv timers have millisecond resolution; round up so a timer never fires early.
  uint64_t timeout = uint64_t(std::ceil(ms - 1e-9));
  uv_update_time(&uv_);
  Event e = event(Ev::timer_arm);
  // The deadline in the loop's own nanosecond clock, read now (asyncio's loop.time() + delay):
  // run_once compares it with the clock after the poll.
  t->due_ns = (tracer_.on() ? e.t_ns : trace_.now()) + int64_t(delay_s * 1e9);
  e.s1 = h.label;
  emit(timer_fields(e, *t));
  uv_timer_start(
      &t->uv, [](uv_timer_t* u) { static_cast<Timer*>(u->data)->loop->timer_due(static_cast<Timer*>(u->data)); },
      timeout, 0);
  return t->id;
}

void Loop::timer_due(Timer* t) {
  timers_due_.push_back(t);
  // libuv 1.44's uv_run(UV_RUN_ONCE) fires due timers before it computes the
  // poll's timeout from the timers still armed: a timer that fell due while
  // the last handles ran would leave the poll waiting for the next timer or
  // I/O (forever, with only a connection alive). uv_stop makes that timeout 0,
  // as CPython's _run_once polls with 0 when its heap holds a due timer; it
  // ends only this uv_run, which run_once calls once per iteration anyway.
  uv_stop(&uv_);
}

// asyncio's _run_once pops every timer due before end_time = time() +
// clock_resolution. libuv fires a timer once its own millisecond clock, cached
// and floored, reaches the deadline rounded to milliseconds, so two sleeps
// armed microseconds apart on either side of a millisecond boundary fired in
// different iterations. The engine's clock resolution is libuv's timer
// resolution (1 ms): after the poll, every timer whose nanosecond deadline is
// before now + 1 ms is due too, after the ones libuv fired, in libuv's order.
namespace {
constexpr int64_t kTimerResolutionNs = 1'000'000;

// libuv's soonest armed timer (uv.h: the heap of active timers), or null.
uv_timer_t* soonest_timer(uv_loop_t& uv) {
  auto* min = static_cast<char*>(uv.timer_heap.min);
  return min ? reinterpret_cast<uv_timer_t*>(min - offsetof(uv_timer_t, heap_node)) : nullptr;
}

// `now` is read only when a timer is armed (the clock read costs on a busy loop).
template <class Now>
void take_timers_due_by(uv_loop_t& uv, std::vector<Timer*>& due, Now now) {
  if (!soonest_timer(uv)) return;
  const int64_t end_ns = now() + kTimerResolutionNs;
  while (uv_timer_t* u = soonest_timer(uv)) {
    Timer* t = static_cast<Timer*>(u->data);
    if (t->due_ns >= end_ns) return;
    uv_timer_stop(u);  // removes it from the heap: the next one is the new minimum
    due.push_back(t);
  }
}
}  // namespace

void Loop::cancel_timer(int32_t timer_id) {
  for (auto& p : timers_) {
    Timer* t = p.get();
    if (t->armed && t->id == timer_id) {
      uv_timer_stop(&t->uv);
      t->armed = false;
      Event e = event(Ev::timer_cancel);
      emit(timer_fields(e, *t));
      free_timers_.push_back(t);
      // A due timer already collected by this iteration's poll is dropped too.
      std::erase(timers_due_, t);
      return;
    }
  }
}

// [SECTION] Loop

Loop::Loop(Trace& trace, LoopOptions opts)
    : trace_(trace),
      opts_(opts),
      tracer_(trace, opts.loop_id == 0 ? trace.primary() : trace.add_stream(), opts.loop_id, opts.trace,
              opts.slow_step_ns, iteration_) {
  if (tracer_.on()) tracer_.stamp();
  // Python's wording ("[Errno 24] Too many open files"), as the run's other OSErrors.
  if (int rc = uv_loop_init(&uv_); rc != 0)
    throw std::runtime_error("cannot open an event loop: [Errno " + std::to_string(-rc) + "] " + std::strerror(-rc));
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    const int err = errno;
    uv_loop_close(&uv_);
    throw std::runtime_error("cannot open an event loop: eventfd: [Errno " + std::to_string(err) + "] " +
                             std::strerror(err));
  }
  // Unreferenced: it never keeps the loop alive (deadlock detection and the
  // skipped polls see only the run's own handles), yet it wakes a poll.
  uv_async_init(&uv_, &stop_async_, &Loop::on_stop_async);
  uv_unref(reinterpret_cast<uv_handle_t*>(&stop_async_));
  stop_open_ = true;
  for (int i = 0; i < kStopSlots; ++i) {
    Loop* none = nullptr;
    if (g_stop_loops[i].compare_exchange_strong(none, this)) {
      stop_slot_ = i;
      break;
    }
  }
  if (uint8_t pending = g_pending_stop.exchange(0)) request_stop(StopReason(pending));
}

Loop::~Loop() { close(); }

void Loop::drop_connections_when_out_of_fds() {
  drop_when_out_of_fds_ = true;
  if (uv_.emfile_fd < 0) uv_.emfile_fd = ::open("/", O_RDONLY | O_CLOEXEC);  // what libuv reserves
}

void Loop::init_tcp(uv_tcp_t& tcp) {
  uv_tcp_init(&uv_, &tcp);
  if (drop_when_out_of_fds_ || uv_.emfile_fd < 0) return;
  ::close(uv_.emfile_fd);
  uv_.emfile_fd = -1;
}

void ReadyQueue::grow() {
  std::vector<ReadyHandle> bigger(std::max<size_t>(16, 2 * buf_.size()));
  for (size_t i = 0; i < size_; ++i) bigger[i] = buf_[(head_ + i) & mask_];
  buf_ = std::move(bigger);
  mask_ = buf_.size() - 1;
  head_ = 0;
}

// The timeout uv_run(UV_RUN_ONCE) passes to epoll_wait: the soonest timer's
// due time (libuv's uv__next_timeout), -1 without timers. uv_backend_timeout()
// cannot say: it returns 0 whenever libuv still has fds to register with
// epoll, although the poll that follows registers them and then waits.
int Loop::poll_timeout() {
  if (!uv_loop_alive(&uv_)) return 0;
  uv_timer_t* t = soonest_timer(uv_);
  if (!t) return -1;
  uint64_t due_in = uv_timer_get_due_in(t);
  return due_in > uint64_t(INT32_MAX) ? INT32_MAX : int(due_in);
}

void Loop::run_once() {
  ++iteration_;
  const bool polled = poll();
  queue_completions(polled);
  run_ready(polled);
}

// 1. Poll: timeout 0 when something is ready, else until the next timer or
// I/O. A libuv loop with nothing alive (no active handle or request, nothing
// closing) has nothing to poll or fire: uv_run(NOWAIT) would only refresh its
// clock (libuv skips epoll_wait when it watches no fd), so it is not called.
// With anything alive, a busy iteration polls with timeout 0, as asyncio's
// _run_once calls select(0) whenever handles are ready. Returns whether it polled.
bool Loop::poll() {
  const bool idle = ready_.empty();
  if (!idle && !uv_loop_alive(&uv_)) return false;
  int timeout_ms = 0;
  if (idle) {
    uv_update_time(&uv_);
    timeout_ms = poll_timeout();
  }
  if (tracer_.on()) tracer_.poll_begins(ready_.size(), idle);
  uv_run(&uv_, idle ? UV_RUN_ONCE : UV_RUN_NOWAIT);
  if (tracer_.on()) tracer_.poll_ends(idle, timeout_ms);
  return true;
}

// 2. Queue what the poll collected: I/O completions, then due timers (in the
// order libuv fired them: armed order on ties), then the timers due within the
// clock's resolution of now (take_timers_due_by).
void Loop::queue_completions(bool polled) {
  if (polled)
    take_timers_due_by(uv_, timers_due_, [this] { return tracer_.on() ? tracer_.last_stamp() : trace_.now(); });
  for (auto& [h, cause] : io_done_) call_soon(h, cause);
  io_done_.clear();
  for (Timer* t : timers_due_) {
    t->armed = false;
    Event f = event(Ev::timer_fire);
    emit(timer_fields(f, *t));
    call_soon(t->handle, Cause::timer);
    free_timers_.push_back(t);
  }
  timers_due_.clear();
}

// 3. Run exactly the handles that are ready now; those they schedule wait for
// the next iteration.
void Loop::run_ready(bool polled) {
  const size_t ntodo = ready_.size();
  if (!tracer_.on()) {
    for (size_t i = 0; i < ntodo; ++i) {
      ReadyHandle h = ready_.pop_front();
      h.fn(h.a, h.b);
    }
    return;
  }
  tracer_.run_begins(polled);
  for (size_t i = 0; i < ntodo; ++i) {
    ReadyHandle h = ready_.pop_front();
    tracer_.handle_begins(h.id, h.task, h.label, h.what, ntodo - i - 1);
    h.fn(h.a, h.b);
    tracer_.handle_ends();
  }
}

Value Loop::run(Task* main) {
  struct Restore {
    ~Restore() { set_running_loop(nullptr); }
  } restore;
  set_running_loop(this);
  if (tracer_.on()) tracer_.stamp();

  auto step_until = [&](auto done) {
    while (!done()) {
      if (stop_count_.load(std::memory_order_relaxed) != stops_handled_) {
        handle_stop(main);
        continue;
      }
      if (ready_.empty() && io_done_.empty() && !uv_loop_alive(&uv_)) {
        // Nothing ready, nothing armed, nothing pending: nothing can ever wake us.
        deadlocked_ = true;
        Event d = event(Ev::deadlock);
        d.task = main ? main->id() : -1;
        emit(d);
        return false;
      }
      run_once();
    }
    return true;
  };

  // run_until_complete: main's first done-callback is _run_until_complete_cb,
  // which stops the loop; it runs (call_soon) in the iteration after main is
  // done, and that iteration is the last.
  stopping_ = false;
  main->add_done_callback(
      [](void* loop, void*) { static_cast<Loop*>(loop)->stopping_ = true; }, this, -1, "_run_until_complete_cb",
      HandleFn::run_until_complete_cb);
  bool ok = step_until([&] { return stopping_; });
  if (!ok || main->cancelled() || main->exception()) ending_badly_ = true;

  // asyncio.run's _cancel_all_tasks: cancel what is left and let it finish.
  bool any = false;
  for (Task* t : tasks_)
    if (!t->done()) {
      t->cancel();
      any = true;
    }
  if (any) {
    step_until([&] {
      for (Task* t : tasks_)
        if (!t->done()) return false;
      return true;
    });
  }
  for (Task* t : tasks_)
    if (t->exception_unretrieved() && t != main) {
      Event u = event(Ev::task_unretrieved);
      u.task = t->id();
      u.s1 = intern(repr(t->exception()));
      emit(u);
    }
  if (!ok) throw RuntimeError("deadlock: the main task awaits something that nothing will complete");
  return main->result();
}

int Loop::close() {
  if (closed_) return 0;
  closed_ = true;
  // No more stop requests: wait out any in progress (another thread, a signal handler).
  stop_open_ = false;
  if (stop_slot_ >= 0) g_stop_loops[stop_slot_].store(nullptr);
  while (stop_callers_.load() != 0 || g_stop_walkers.load() != 0) sched_yield();
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_async_), nullptr);
  // A closer may register or drop others: take each list as it stands.
  for (auto* list : {&closers_, &late_closers_}) {
    auto fns = std::move(*list);
    list->clear();
    for (auto& [id, fn] : fns) fn();
  }
  // Tasks that never finished release their frames now (a deadlocked run).
  for (Task* t : tasks_) t->drop_coroutine();
  for (auto& t : timers_) {
    uv_timer_stop(&t->uv);
    uv_close(reinterpret_cast<uv_handle_t*>(&t->uv), nullptr);
  }
  uv_run(&uv_, UV_RUN_DEFAULT);  // runs the close callbacks
  int rc = uv_loop_close(&uv_);
  owned_.clear();
  timers_.clear();
  ::close(stop_fd_);
  return rc;
}

}  // namespace loopscope
