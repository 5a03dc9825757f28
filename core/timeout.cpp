#include "timeout.hpp"

namespace loopscope {

// [SECTION] wait_for

namespace {

// tasks._release_waiter: both the timer's callback and the done-callback on fut.
void release_waiter(void* waiter, void*) {
  auto* w = static_cast<Future*>(waiter);
  if (!w->done()) w->set_result(Value());
}
constexpr const char* kReleaseLabel = "wait_for: _release_waiter";

Future* ensure_future(Awaitable& aw) {
  if (auto* c = std::get_if<Coroutine>(&aw)) return &create_task(std::move(*c));
  return std::get<Future*>(aw);
}

// What the task is shown waiting for: the inner task, or a plain future.
Wait wait_kind(const Awaitable& aw) {
  if (std::holds_alternative<Coroutine>(aw)) return Wait::task;
  return dynamic_cast<Task*>(std::get<Future*>(aw)) ? Wait::task : Wait::future;
}

// `finally: timeout_handle.cancel()`, also when the frame is destroyed unfinished.
struct DisarmOnExit {
  Loop& loop;
  int32_t timer;
  ~DisarmOnExit() { loop.cancel_timer(timer); }
};

}  // namespace

Coroutine cancel_and_wait(Future& fut, int line) {
  Loop& loop = running_loop();
  Future* waiter = loop.make<Future>("_cancel_and_wait waiter");
  fut.add_done_callback(&release_waiter, waiter, -1, kReleaseLabel, HandleFn::wait_for_release_waiter);
  struct RemoveOnExit {  // `finally: fut.remove_done_callback(cb)`
    Future& fut;
    Future* waiter;
    ~RemoveOnExit() { fut.remove_done_callback(&release_waiter, waiter); }
  } remove{fut, waiter};
  fut.cancel();
  FutureAwaiter a = at(*waiter, line, dynamic_cast<Task*>(&fut) ? Wait::task : Wait::future);
  if (auto* t = dynamic_cast<Task*>(&fut)) {  // waits until the cancelled inner task has finished
    a.on = AwaitOn::task;
    a.target = t->id();
  }
  co_await a;
  co_return {};
}

Coroutine wait_for(Awaitable aw, std::optional<double> timeout, int line) {
  Loop& loop = running_loop();
  Wait shown = wait_kind(aw);
  if (!timeout) {
    if (auto* c = std::get_if<Coroutine>(&aw)) co_return co_await std::move(*c);  // `return await fut`
    co_return co_await at(*std::get<Future*>(aw), line, shown);
  }

  if (*timeout <= 0) {
    Future* fut = ensure_future(aw);
    if (fut->done()) co_return fut->result();
    co_await cancel_and_wait(*fut, line);
    try {
      co_return fut->result();
    } catch (const CancelledError&) {
      throw TimeoutError();
    }
  }

  // The timer is armed before the coroutine becomes a task, as in CPython.
  Future* waiter = loop.make<Future>("wait_for waiter");
  ReadyHandle h;
  h.fn = &release_waiter;
  h.a = waiter;
  h.label = kReleaseLabel;
  h.what = HandleFn::wait_for_release_waiter;
  Task* self = current_task();
  DisarmOnExit disarm{loop, loop.call_later(loop.scaled(*timeout), h, self ? self->id() : -1)};
  Future* fut = ensure_future(aw);
  fut->add_done_callback(&release_waiter, waiter, -1, kReleaseLabel, HandleFn::wait_for_release_waiter);

  std::exception_ptr cancelled;  // the caller itself was cancelled while waiting
  try {
    FutureAwaiter a = at(*waiter, line, shown, AwaitOn::wait_for);
    if (auto* t = dynamic_cast<Task*>(fut)) a.target = t->id();
    co_await a;
  } catch (const CancelledError&) {
    cancelled = std::current_exception();
  }
  if (fut->done()) co_return fut->result();
  // We must ensure that the task is not running after wait_for() returns.
  fut->remove_done_callback(&release_waiter, waiter);
  co_await cancel_and_wait(*fut, line);
  if (cancelled) std::rethrow_exception(cancelled);
  try {
    co_return fut->result();  // the task may have swallowed the cancellation
  } catch (const CancelledError&) {
    throw TimeoutError();
  }
}

// [SECTION] timeout

Timeout::Timeout(std::optional<double> delay) : delay_(delay) {}

Timeout::~Timeout() {
  // The task may be going away with this frame: its count no longer matters.
  if (handler_) handler_->cancel();
}

void Timeout::set_handler(CallbackHandle* h) {
  if (task_ && bool(h) != bool(handler_)) task_->add_deadline(h ? 1 : -1);
  handler_ = h;
}

// Python's `self._timeout_handler.cancel(); self._timeout_handler = None`.
void Timeout::disarm() {
  if (handler_) handler_->cancel();
  set_handler(nullptr);
}

void Timeout::enter(int line) {
  if (state_ != State::created) throw RuntimeError("Timeout has already been entered");
  at_line(line);
  task_ = current_task();
  if (!task_) throw RuntimeError("Timeout should be used inside a task");
  state_ = State::entered;
  cancelling_ = task_->cancelling();
  reschedule(delay_);
}

void Timeout::reschedule(std::optional<double> delay) {
  if (state_ != State::entered) {
    if (state_ == State::created) throw RuntimeError("Timeout has not been entered");
    throw RuntimeError("Cannot change state of a Timeout that is no longer active");
  }
  delay_ = delay;
  disarm();
  if (!delay) return;
  Loop& loop = running_loop();
  set_handler(loop.make<CallbackHandle>([this] { on_timeout(); }, "Timeout._on_timeout", HandleFn::timeout_on_timeout));
  // A deadline already past runs the callback at the next iteration.
  if (*delay <= 0)
    handler_->schedule_soon();
  else
    handler_->schedule_later(*delay);
}

void Timeout::on_timeout() {
  task_->cancel();
  state_ = State::expiring;
  set_handler(nullptr);  // drop the reference early
}

void Timeout::exit(std::exception_ptr exc) {
  disarm();
  if (state_ == State::expiring) {
    state_ = State::expired;
    // Only our own cancellation becomes TimeoutError; a newer one propagates.
    if (task_->uncancel() <= cancelling_ && is_cancelled_error(exc)) throw TimeoutError();
  } else if (state_ == State::entered) {
    state_ = State::exited;
  }
}

}  // namespace loopscope
