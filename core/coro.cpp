#include "coro.hpp"

namespace loopscope {

std::atomic<long>& live_frames() {
  static std::atomic<long> n{0};
  return n;
}

namespace {
thread_local CoroutineDriver* t_driver = nullptr;
}

CoroutineDriver& current_driver() {
  if (!t_driver) throw RuntimeError("await outside of a task");
  return *t_driver;
}

Yield CoroutineDriver::send(Task&, std::exception_ptr exc) {
  Yield y;
  if (!started_ && exc) {
    // Throwing into a coroutine that never ran raises at its first line.
    y.kind = Yield::Kind::raised;
    y.error = exc;
    return y;
  }
  started_ = true;
  throw_in_ = exc;
  suspended_ = false;
  CoroutineDriver* prev = std::exchange(t_driver, this);
  leaf_.resume();
  t_driver = prev;
  if (suspended_) {
    y.kind = pending_kind_;
    y.future = pending_future_;
    y.wait = pending_wait_;
    y.on = pending_on_;
    y.target = pending_target_;
    return y;
  }
  // Not suspended on an awaiter, so the root frame ran to its end.
  auto& p = root_.promise();
  if (p.error) {
    y.kind = Yield::Kind::raised;
    y.error = p.error;
  } else {
    y.kind = Yield::Kind::returned;
    y.value = std::move(p.value);
  }
  root_.destroy();
  root_ = {};
  return y;
}

Task& create_task(Coroutine c, int line) {
  std::string name = c.name();
  Loop& loop = running_loop();
  if (line) at_line(line);
  return create_task(loop, std::make_unique<CoroutineDriver>(std::move(c)), std::move(name));
}

int at_line(int line) {
  if (line > 0)
    if (Task* t = current_task()) t->set_line(line);
  return line;
}

void FutureAwaiter::await_suspend(std::coroutine_handle<> h) {
  at_line(line);
  Yield y;
  y.kind = Yield::Kind::future;
  y.future = fut;
  y.wait = wait;
  y.on = on;
  y.target = target;
  current_driver().suspend_on(h, std::move(y));
}

FutureAwaiter at(Task& t, int line) {
  FutureAwaiter a = at(static_cast<Future&>(t), line, Wait::task, AwaitOn::task);
  a.target = t.id();
  return a;
}

Value FutureAwaiter::await_resume() {
  at_line(line);
  if (t_driver)
    if (auto e = t_driver->take_throw()) std::rethrow_exception(e);
  return fut->result();
}

void YieldAwaiter::await_suspend(std::coroutine_handle<> h) {
  at_line(line);
  Yield y;
  y.kind = Yield::Kind::bare;
  current_driver().suspend_on(h, std::move(y));
}

void YieldAwaiter::await_resume() {
  if (t_driver)
    if (auto e = t_driver->take_throw()) std::rethrow_exception(e);
}

}  // namespace loopscope
