// asyncio.Future: a result that will exist later. Done-callbacks are never
// run directly: set_result / set_exception / cancel schedule each one with
// call_soon, which is what makes a waiting task wake one iteration later.
#pragma once

#include <string>
#include <vector>

#include "loop.hpp"
#include "value.hpp"

namespace loopscope {

class Future : public Owned {
 public:
  enum class State : uint8_t { pending, finished, cancelled };

  explicit Future(Loop& loop, const char* label = "future");
  Loop& loop() const { return *loop_; }

  bool done() const { return state_ != State::pending; }
  bool cancelled() const { return state_ == State::cancelled; }
  void set_result(Value v);
  void set_exception(std::exception_ptr e);
  virtual bool cancel(std::string msg = {});

  // result(): the value, or throws the exception / CancelledError / InvalidStateError.
  Value result();
  // exception(): the exception or null; throws CancelledError if cancelled.
  std::exception_ptr exception();
  // A CancelledError carrying the cancel message.
  std::exception_ptr make_cancelled_error() const;

  // fn(ctx, this) runs through call_soon once the future is done; `what`
  // names fn in CPython's terms for the trace.
  void add_done_callback(ReadyHandle::Fn fn, void* ctx, int32_t task, const char* label, HandleFn what = HandleFn::callback);
  // Future.remove_done_callback: drops the callbacks not yet scheduled that
  // match (fn, ctx); returns how many (wait_for and _cancel_and_wait use it).
  size_t remove_done_callback(ReadyHandle::Fn fn, void* ctx);
  bool exception_unretrieved() const { return log_traceback_; }
  const char* label() const { return label_; }

 protected:
  void schedule_callbacks();
  // `self._log_traceback = False`: Task.cancel() does it even on a done task.
  void clear_log_traceback() { log_traceback_ = false; }
  State state_ = State::pending;
  Value value_;
  std::exception_ptr error_;
  std::string cancel_message_;

 private:
  struct Callback {
    ReadyHandle::Fn fn;
    void* ctx;
    int32_t task;
    const char* label;
    HandleFn what;
  };
  Loop* loop_;
  const char* label_;
  std::vector<Callback> callbacks_;
  bool log_traceback_ = false;
};

}  // namespace loopscope
