#include "call_soon.hpp"

#include "task.hpp"

namespace loopscope {

CallbackHandle::CallbackHandle(Loop& loop, std::function<void()> fn, const char* label, HandleFn what)
    : loop_(&loop), fn_(std::move(fn)), label_(label), what_(what) {}

ReadyHandle CallbackHandle::handle() {
  ReadyHandle h;
  h.fn = &CallbackHandle::run;
  h.a = this;
  h.label = label_;  // task stays -1: a plain callback, not a step
  h.what = what_;
  return h;
}

void CallbackHandle::schedule_soon() { loop_->call_soon(handle(), Cause::call_soon); }

void CallbackHandle::schedule_later(double delay_s) {
  Task* t = loop_->current_task();
  timer_ = loop_->call_later(loop_->scaled(delay_s), handle(), t ? t->id() : -1);
}

void CallbackHandle::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  if (timer_ >= 0) loop_->cancel_timer(timer_);  // no-op once it fired
  fn_ = nullptr;  // drop captures early, as Handle.cancel() drops its callback
}

void CallbackHandle::run(void* self, void*) {
  auto* h = static_cast<CallbackHandle*>(self);
  h->timer_ = -1;
  // asyncio skips a cancelled handle it pops; here it is popped and does nothing.
  if (h->cancelled_ || !h->fn_) return;
  h->fn_();
}

CallbackHandle& call_soon(std::function<void()> fn, std::string_view label) {
  Loop& loop = running_loop();
  CallbackHandle* h = loop.make<CallbackHandle>(std::move(fn), loop.intern(label));
  h->schedule_soon();
  return *h;
}

CallbackHandle& call_later(double delay, std::function<void()> fn, std::string_view label) {
  Loop& loop = running_loop();
  CallbackHandle* h = loop.make<CallbackHandle>(std::move(fn), loop.intern(label));
  h->schedule_later(delay);
  return *h;
}

}  // namespace loopscope
