#include "sleep.hpp"

namespace loopscope {

namespace {
// futures._set_result_unless_cancelled, the timer's callback.
void set_result_unless_cancelled(void* fut, void* value) {
  auto* f = static_cast<Future*>(fut);
  if (!f->cancelled()) f->set_result(*static_cast<Value*>(value));
}
}  // namespace

void SleepAwaiter::await_suspend(std::coroutine_handle<> h) {
  at_line(line_);
  Yield y;
  Loop& loop = running_loop();
  if (delay_ <= 0) {
    y.kind = Yield::Kind::bare;
    current_driver().suspend_on(h, std::move(y));
    return;
  }
  fut_ = loop.make<Future>("sleep");
  ReadyHandle cb;
  cb.fn = &set_result_unless_cancelled;
  cb.a = fut_;
  cb.b = &result_;  // lives in the awaiting frame until await_resume
  Task* t = current_task();
  cb.task = t ? t->id() : -1;
  cb.label = "sleep timer: set_result";
  cb.what = HandleFn::sleep_set_result;
  timer_ = loop.call_later(loop.scaled(delay_), cb, cb.task);
  y.kind = Yield::Kind::future;
  y.future = fut_;
  y.wait = Wait::sleep;
  current_driver().suspend_on(h, std::move(y));
}

Value SleepAwaiter::await_resume() {
  at_line(line_);
  // `finally: h.cancel()`: a sleep interrupted by cancellation disarms its timer.
  if (fut_) running_loop().cancel_timer(timer_);  // no-op once it fired
  if (auto e = current_driver().take_throw()) std::rethrow_exception(e);
  if (!fut_) return result_;
  return fut_->result();
}

}  // namespace loopscope
