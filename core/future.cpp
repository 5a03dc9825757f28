#include "future.hpp"

namespace loopscope {

Future::Future(Loop& loop, const char* label) : loop_(&loop), label_(label) {}

void Future::schedule_callbacks() {
  std::vector<Callback> cbs;
  cbs.swap(callbacks_);
  for (const Callback& cb : cbs) {
    ReadyHandle h;
    h.fn = cb.fn;
    h.a = cb.ctx;
    h.b = this;
    h.task = cb.task;
    h.label = cb.label;
    h.what = cb.what;
    loop_->call_soon(h, Cause::future);
  }
}

void Future::set_result(Value v) {
  if (done()) throw InvalidStateError("invalid state");
  value_ = std::move(v);
  state_ = State::finished;
  schedule_callbacks();
}

void Future::set_exception(std::exception_ptr e) {
  if (done()) throw InvalidStateError("invalid state");
  error_ = std::move(e);
  state_ = State::finished;
  log_traceback_ = true;
  schedule_callbacks();
}

bool Future::cancel(std::string msg) {
  log_traceback_ = false;
  if (done()) return false;
  state_ = State::cancelled;
  cancel_message_ = std::move(msg);
  schedule_callbacks();
  return true;
}

std::exception_ptr Future::make_cancelled_error() const {
  if (error_ && is_cancelled_error(error_)) return error_;
  return std::make_exception_ptr(CancelledError(cancel_message_));
}

Value Future::result() {
  if (state_ == State::cancelled) std::rethrow_exception(make_cancelled_error());
  if (state_ != State::finished) throw InvalidStateError("Result is not ready.");
  log_traceback_ = false;
  if (error_) std::rethrow_exception(error_);
  return value_;
}

std::exception_ptr Future::exception() {
  if (state_ == State::cancelled) std::rethrow_exception(make_cancelled_error());
  if (state_ != State::finished) throw InvalidStateError("Exception is not set.");
  log_traceback_ = false;
  return error_;
}

void Future::add_done_callback(ReadyHandle::Fn fn, void* ctx, int32_t task, const char* label, HandleFn what) {
  if (done()) {
    ReadyHandle h;
    h.fn = fn;
    h.a = ctx;
    h.b = this;
    h.task = task;
    h.label = label;
    h.what = what;
    loop_->call_soon(h, Cause::future);
    return;
  }
  callbacks_.push_back({fn, ctx, task, label, what});
}

size_t Future::remove_done_callback(ReadyHandle::Fn fn, void* ctx) {
  return std::erase_if(callbacks_, [&](const Callback& cb) { return cb.fn == fn && cb.ctx == ctx; });
}

}  // namespace loopscope
