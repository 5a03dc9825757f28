#include "task.hpp"

#include <algorithm>


namespace loopscope {

namespace {
thread_local Loop* t_running_loop = nullptr;
}

Loop& running_loop() {
  if (!t_running_loop) throw RuntimeError("no running event loop");
  return *t_running_loop;
}
void set_running_loop(Loop* loop) { t_running_loop = loop; }
Task* current_task() { return t_running_loop ? t_running_loop->current_task() : nullptr; }

AwaitOn default_on(Wait w) {
  switch (w) {
    case Wait::none: return AwaitOn::unset;
    case Wait::sleep: return AwaitOn::sleep;
    case Wait::future: return AwaitOn::future;
    case Wait::task: return AwaitOn::task;
    case Wait::gather: return AwaitOn::gather;
    case Wait::taskgroup: return AwaitOn::taskgroup;
    case Wait::pool: return AwaitOn::pool;
    case Wait::event: return AwaitOn::event_wait;
    case Wait::lock: return AwaitOn::lock_acquire;
    case Wait::semaphore: return AwaitOn::semaphore_acquire;
    case Wait::yield: return AwaitOn::yield;
    case Wait::queue: case Wait::io: return AwaitOn::future;  // callers say which queue or I/O operation
  }
  return AwaitOn::unset;
}

Task::Task(Loop& loop, std::unique_ptr<CoroutineProtocol> coro, std::string name, Task* parent)
    : Future(loop, "task"), coro_(std::move(coro)), id_(loop.next_task_id()) {
  name_ = name.empty() ? "Task-" + std::to_string(id_ + 1) : std::move(name);
  step_label_ = loop.intern(name_ + " step");
  wakeup_label_ = loop.intern(name_ + " wakeup");
  Event e = loop.event(Ev::task_new);
  e.task = id_;
  e.s1 = loop.intern(name_);
  e.ref = parent ? parent->id() : -1;
  loop.emit(e);
}

Task::~Task() = default;

int Task::uncancel() {
  if (num_cancels_requested_ > 0) --num_cancels_requested_;
  return num_cancels_requested_;
}

bool Task::cancel(std::string msg) {
  clear_log_traceback();  // even when done: cancelling a failed task silences "never retrieved"
  if (done()) return false;
  Event e = loop().event(Ev::task_cancel);
  e.task = id_;
  Task* by = loop().current_task();
  e.ref = by ? by->id() : -1;
  loop().emit(e);
  ++num_cancels_requested_;
  if (fut_waiter_ && fut_waiter_->cancel(msg)) return true;
  must_cancel_ = true;
  cancel_message_ = std::move(msg);
  return true;
}

void Task::step_cb(void* task, void*) { static_cast<Task*>(task)->step(nullptr); }

void Task::wakeup_cb(void* task, void* future) {
  auto* t = static_cast<Task*>(task);
  try {
    static_cast<Future*>(future)->result();
  } catch (...) {
    t->step(std::current_exception());
    return;
  }
  t->step(nullptr);
}

namespace {
// What a step of a task whose coroutine was dropped yields.
Yield dropped_coroutine(std::exception_ptr exc) {
  Yield y;
  y.kind = Yield::Kind::raised;
  y.error = exc ? exc : std::make_exception_ptr(CancelledError());
  return y;
}
}  // namespace

// Task.__step: throw a requested cancellation in, send to the coroutine, then
// wake on what it yielded (a future's done-callback) or step again next
// iteration (a bare yield). The tracer records the step around the send.
void Task::step(std::exception_ptr exc) {
  if (done()) return;
  Loop& loop = this->loop();
  if (must_cancel_) {
    if (!is_cancelled_error(exc)) exc = make_cancelled_error();
    must_cancel_ = false;
  }
  fut_waiter_ = nullptr;

  Task* prev = loop.current_task();
  loop.set_current_task(this);
  LoopTracer& tracer = loop.tracer();
  const int64_t t_begin = tracer.step_begins(id_, line_, exc && tracer.on() ? type_name(exc) : std::string());
  Yield y = coro_ ? coro_->send(*this, exc) : dropped_coroutine(exc);
  loop.set_current_task(prev);

  const bool finished = y.kind == Yield::Kind::returned || y.kind == Yield::Kind::raised;
  if (tracer.on()) {
    const Wait wait = finished ? Wait::none : y.kind == Yield::Kind::bare ? Wait::yield : y.wait;
    AwaitOn on = finished ? AwaitOn::unset : y.on != AwaitOn::unset ? y.on : default_on(wait);
    if (deadlines_ > 0 && (on == AwaitOn::sleep || on == AwaitOn::future)) on = AwaitOn::timeout;
    tracer.step_ends(id_, line_, t_begin, wait, on, finished ? -1 : y.target);
  }

  if (finished) {
    coro_.reset();  // the frame is gone once the coroutine ends, as in Python
    // task.done comes before the done-callbacks it schedules.
    Event d = loop.event(Ev::task_done);
    d.task = id_;
    bool cancelled = (y.kind == Yield::Kind::returned && must_cancel_) ||
                     (y.kind == Yield::Kind::raised && is_cancelled_error(y.error));
    d.code = uint8_t(cancelled ? Outcome::cancelled
                     : y.kind == Yield::Kind::returned ? Outcome::result : Outcome::error);
    if (!cancelled) d.s1 = loop.intern(y.kind == Yield::Kind::returned ? y.value.repr() : repr(y.error));
    loop.emit(d);
    must_cancel_ = false;
    if (cancelled) {
      if (y.kind == Yield::Kind::raised) error_ = y.error;  // keeps its message
      Future::cancel(cancel_message_);
    } else if (y.kind == Yield::Kind::returned) {
      set_result(std::move(y.value));
    } else {
      set_exception(y.error);
    }
    return;
  }
  switch (y.kind) {
    case Yield::Kind::future:
      y.future->add_done_callback(&Task::wakeup_cb, this, id_, wakeup_label_, HandleFn::task_wakeup);
      fut_waiter_ = y.future;
      if (must_cancel_ && fut_waiter_->cancel(cancel_message_)) must_cancel_ = false;
      break;
    default: {
      ReadyHandle h;
      h.fn = &Task::step_cb;
      h.a = this;
      h.task = id_;
      h.label = step_label_;
      h.what = HandleFn::task_step;
      loop.call_soon(h, Cause::yield);
      break;
    }
  }
}

Task& create_task(Loop& loop, std::unique_ptr<CoroutineProtocol> coro, std::string name) {
  Task* t = loop.make<Task>(std::move(coro), std::move(name), loop.current_task());
  loop.tasks().push_back(t);
  ReadyHandle h;
  h.fn = &Task::step_cb;
  h.a = t;
  h.task = t->id();
  h.label = t->step_label();
  h.what = HandleFn::task_step;
  loop.call_soon(h, Cause::new_);
  return *t;
}

}  // namespace loopscope
